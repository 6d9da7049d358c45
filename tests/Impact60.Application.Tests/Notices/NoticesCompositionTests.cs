using Impact60.Application.Configuration;
using Impact60.Application.Notices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;
using WireMock.RequestBuilders;
using WireMock.Server;
using static Impact60.Application.Tests.Notices.NoticeTestData;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace Impact60.Application.Tests.Notices;

/// <summary>AddImpact60Notices as the Functions app and the CLI use it: settings in, the right sender out.</summary>
public sealed class NoticesCompositionTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "impact60-pickup-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // App settings arrive as environment-style names (Notices__Language); configuration reads them as sections.
        builder.Configuration.AddInMemoryCollection(settings.ToDictionary(kv => kv.Key.Replace("__", ":"), kv => kv.Value));
        builder.Services.AddImpact60Notices(builder.Configuration);
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task Given_no_SendGrid_key_when_the_host_starts_then_notices_go_to_the_pickup_folder_end_to_end()
    {
        var ledger = new InMemoryNoticeLedger();
        using var host = Build(
            new()
            {
                [AppSettingNames.NoticesFrom] = "IMPACT60 <impact60@aalborg.example>",
                [AppSettingNames.NoticesPickupFolder] = _folder,
                [AppSettingNames.NoticesLanguage] = "en",
            },
            s => s.AddSingleton<INoticeLedger>(ledger)
                .AddSingleton<INoticeContentSource>(new PreparedNoticeContent(new NoticeContent(SampleJobcenterNotice(), Jobcenter))));
        await host.StartAsync();

        Assert.IsType<PickupFolderNoticeSender>(host.Services.GetRequiredService<INoticeSender>());
        var outcome = await host.Services.GetRequiredService<NoticeDispatcher>()
            .DispatchAsync(NoticeMessage.For(NoticeKey.Jobcenter(SettlementId)), CancellationToken.None);

        Assert.Equal(DispatchOutcome.Sent, outcome);
        Assert.Equal("impact60-2021-06-jobcenter.eml", ledger.Sent[NoticeKey.Jobcenter(SettlementId)]);
        var mail = await MimeMessage.LoadAsync(Path.Combine(_folder, "impact60-2021-06-jobcenter.eml"));
        Assert.Equal("IMPACT60 settlement 2021-06: missing register data for 2 referrals", mail.Subject);
        Assert.Equal("impact60@aalborg.example", mail.From.Mailboxes.Single().Address);
        Assert.Equal("IMPACT60", mail.From.Mailboxes.Single().Name);
        await host.StopAsync();
    }

    [Fact]
    public async Task Given_a_SendGrid_key_and_host_then_notices_go_through_SendGrid_with_that_key()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v3/mail/send").UsingPost()).RespondWith(WireMockResponse.Create().WithStatusCode(202));
        using var host = Build(new()
        {
            [AppSettingNames.NoticesFrom] = "impact60@aalborg.example",
            [AppSettingNames.SendGridApiKey] = "SG.from-settings",
            [AppSettingNames.SendGridHost] = server.Url,
        });
        await host.StartAsync();

        var sender = host.Services.GetRequiredService<INoticeSender>();
        var email = host.Services.GetRequiredService<NoticeRenderer>().Render(SampleJobcenterNotice(), Jobcenter, From);
        await sender.SendAsync(email, "impact60-2021-06-jobcenter", CancellationToken.None);

        Assert.IsType<SendGridNoticeSender>(sender);
        var request = Assert.Single(server.LogEntries).RequestMessage;
        Assert.Equal("Bearer SG.from-settings", request.Headers!["Authorization"].Single());
        Assert.Equal("da", host.Services.GetRequiredService<NoticeRenderer>().Language); // Danish unless told otherwise
        await host.StopAsync();
        server.Stop();
    }

    [Fact]
    public async Task Given_the_host_adds_retries_to_every_HttpClient_then_SendGrid_is_still_called_once_per_attempt()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v3/mail/send").UsingPost()).RespondWith(WireMockResponse.Create().WithStatusCode(503));
        using var host = Build(
            new()
            {
                [AppSettingNames.NoticesFrom] = "impact60@aalborg.example",
                [AppSettingNames.SendGridApiKey] = "SG.x",
                [AppSettingNames.SendGridHost] = server.Url,
            },
            s => s.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler()));
        await host.StartAsync();
        var email = host.Services.GetRequiredService<NoticeRenderer>().Render(SampleJobcenterNotice(), Jobcenter, From);

        await Assert.ThrowsAsync<TransientNoticeException>(() =>
            host.Services.GetRequiredService<INoticeSender>().SendAsync(email, "impact60-2021-06-jobcenter", CancellationToken.None));

        Assert.Single(server.LogEntries); // the queue's redelivery is the only retry
        await host.StopAsync();
        server.Stop();
    }

    [Fact]
    public async Task Given_bad_notice_settings_when_the_host_starts_then_it_fails_naming_every_setting()
    {
        using var host = Build(new()
        {
            [AppSettingNames.NoticesLanguage] = "de",
            [AppSettingNames.NoticesFrom] = "not an address",
        });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(e.Failures, f => f.Contains(AppSettingNames.NoticesLanguage) && f.Contains("'de'"));
        Assert.Contains(e.Failures, f => f.Contains(AppSettingNames.NoticesFrom));
        Assert.Contains(e.Failures, f => f.Contains(AppSettingNames.SendGridApiKey) && f.Contains(AppSettingNames.NoticesPickupFolder));
    }

    [Fact]
    public async Task Given_a_SendGrid_host_that_is_not_a_URL_when_the_host_starts_then_it_fails_naming_the_setting()
    {
        using var host = Build(new()
        {
            [AppSettingNames.NoticesFrom] = "impact60@aalborg.example",
            [AppSettingNames.SendGridApiKey] = "SG.x",
            [AppSettingNames.SendGridHost] = "api.sendgrid.com",
        });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(e.Failures, f => f.Contains(AppSettingNames.SendGridHost));
    }

    [Fact]
    public async Task Given_content_for_another_recipient_when_dispatching_then_nothing_is_sent_or_marked()
    {
        var ledger = new InMemoryNoticeLedger();
        // The pipeline's source answers a FOKUS message with the jobcenter's notice: a bug that must not send.
        var source = new MismatchedContent(new NoticeContent(SampleJobcenterNotice(), Jobcenter));
        var sender = new PickupFolderNoticeSender(_folder, TimeProvider.System);
        var dispatcher = new NoticeDispatcher(source, ledger, sender, new NoticeRenderer(new NoticeOptions()), From,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<NoticeDispatcher>.Instance);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            dispatcher.DispatchAsync(NoticeMessage.For(NoticeKey.Fokus(SettlementId)), CancellationToken.None));

        Assert.Contains("refusing to send", e.Message);
        Assert.Empty(ledger.Sent);
        Assert.False(Directory.Exists(_folder) && Directory.EnumerateFiles(_folder).Any());
    }

    private sealed class MismatchedContent(NoticeContent content) : INoticeContentSource
    {
        public Task<NoticeContent> LoadAsync(NoticeMessage message, CancellationToken ct) => Task.FromResult(content);
    }
}
