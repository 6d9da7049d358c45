using System.Text.Json;
using Impact60.Application.Configuration;
using Impact60.Application.Pipeline;
using Impact60.Application.RegisterApi;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Functions.Functions;
using Impact60.Functions.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Impact60.Functions.Tests.Infrastructure.Scenario;

namespace Impact60.Functions.Tests;

/// <summary>
/// NightlyRegisterPull with the register API configured (<c>Register__BaseUrl</c>, API-key mode), against a real local
/// HTTP server (WireMock.Net) standing in for the jobcenter's register and real Azurite: the timer function pulls,
/// ingests, and queues verification of exactly the participants the pull changed.
/// </summary>
[Collection("Azurite")]
public sealed class RegisterPullFunctionTests(AzuriteFixture azurite) : IDisposable
{
    private const string ApiKey = "register-test-key";
    private const string ReferralsPath = "/v1/programmes/IMPACT60/referrals";
    private const string WeeksPath = "/v1/programmes/IMPACT60/weeks";
    private static readonly DateTimeOffset ChangedAt = new(2019, 7, 30, 2, 0, 0, TimeSpan.Zero);
    private readonly WireMockServer _register = WireMockServer.Start();

    public void Dispose() => _register.Stop();

    private Task<FunctionsTestHost> HostAsync() => FunctionsTestHost.StartAsync(azurite, FirstOfAugust, s =>
    {
        s[AppSettingNames.RegisterBaseUrl] = _register.Urls[0];
        s[AppSettingNames.RegisterAuthMode] = "ApiKey";
        s[AppSettingNames.RegisterApiKey] = ApiKey;
    });

    private static IResponseBuilder Json(object body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(body));

    /// <summary>The scenario's participant as the register API serves it: the referral, and W08..W20 without benefit.</summary>
    private void ServeScenario()
    {
        _register.Given(Request.Create().WithPath(ReferralsPath).UsingGet().WithHeader("X-Api-Key", ApiKey))
            .RespondWith(Json(new
            {
                items = new[] { new { referralId = ReferralId, cpr = Cpr, referredOn = "2018-09-27", courseStart = "2018-10-01", courseEnd = "2019-02-15", fokusRef = "F-001", business = "KaffeFair" } },
            }));
        _register.Given(Request.Create().WithPath(WeeksPath).UsingGet().WithHeader("X-Api-Key", ApiKey)).AtPriority(100)
            .RespondWith(Json(new
            {
                items = Enumerable.Range(8, 13).Select(w => new { cpr = Cpr, week = $"2019-W{w:00}", code = (string?)null, changedAt = ChangedAt.ToString("yyyy-MM-ddTHH:mm:ssZ") }),
                nextPageToken = (string?)null,
            }));
        // Asked again with the cursor: nothing has changed since.
        _register.Given(Request.Create().WithPath(WeeksPath).UsingGet().WithHeader("X-Api-Key", ApiKey).WithParam("changedSince", "2019-07-30T02:00:00Z")).AtPriority(1)
            .RespondWith(Json(new { items = Array.Empty<object>(), nextPageToken = (string?)null }));
    }

    [Fact]
    public async Task Given_the_register_API_has_a_new_participant_when_NightlyRegisterPull_runs_then_it_is_pulled_ingested_and_queued_for_verification()
    {
        ServeScenario();
        await using var host = await HostAsync();

        await host.Function<NightlyRegisterPull>().Run(new TimerInfo(), CancellationToken.None);

        Assert.NotNull(host.TryGet<RegisterPull>());
        var referral = Assert.Single(await host.Get<ParticipantStore>().ReadReferralsAsync(CancellationToken.None));
        Assert.Equal(ReferralId, referral.ReferralId);
        Assert.Equal(13, (await host.Get<ParticipantStore>().ReadWeeksAsync(referral.Person, CancellationToken.None)).Length);
        Assert.Equal(ChangedAt, await host.Get<PullCursor>().ReadAsync());
        var queued = (await DrainAsync(host, StorageNames.Queues.Verify)).Select(m => VerifyMessage.FromJson(m.Body.ToString())).Distinct();
        Assert.Equal([new VerifyMessage(ReferralId, AsOf)], queued);
        Assert.Contains(host.Logs, r => r.Message.EndsWith(": 1 changed, 0 due for review, 1 never verified; 1 verify messages", StringComparison.Ordinal));
        Assert.All(_register.LogEntries, e => Assert.Equal(ApiKey, e.RequestMessage.Headers!["X-Api-Key"].Single()));
        AssertNoCprInLogs(host);
    }

    [Fact]
    public async Task Given_a_verified_participant_and_no_change_since_the_cursor_when_the_next_night_runs_then_it_asks_only_for_changes_and_queues_nobody()
    {
        ServeScenario();
        await using var host = await HostAsync();
        await host.Function<NightlyRegisterPull>().Run(new TimerInfo(), CancellationToken.None);
        foreach (var message in await DrainAsync(host, StorageNames.Queues.Verify))
            await host.Function<VerifyParticipant>().Run(message, CancellationToken.None);
        _register.ResetLogEntries();

        await host.Function<NightlyRegisterPull>().Run(new TimerInfo(), CancellationToken.None);

        Assert.Contains(_register.LogEntries, e => e.RequestMessage.Path == WeeksPath && e.RequestMessage.Query!.TryGetValue("changedSince", out var since) && since.Single() == "2019-07-30T02:00:00Z");
        Assert.Empty(await DrainAsync(host, StorageNames.Queues.Verify));
        Assert.Contains(host.Logs, r => r.Message.EndsWith(": 0 changed, 0 due for review, 0 never verified; 0 verify messages", StringComparison.Ordinal));
    }
}
