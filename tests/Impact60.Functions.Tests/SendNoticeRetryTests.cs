using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Events;
using Impact60.Application.Notices;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Functions.Functions;
using Impact60.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Impact60.Functions.Tests.Infrastructure.Scenario;

namespace Impact60.Functions.Tests;

/// <summary>
/// SendNotice when SendGrid keeps failing: the notices queue, as the Functions host runs it from host.json (deliver,
/// on failure make the message visible again, after <c>maxDequeueCount</c> deliveries move it to <c>notices-poison</c>),
/// against Azurite, with a real local HTTP server standing in for SendGrid's API. Nothing may be recorded as sent while
/// no e-mail went out, and the replay after the fault clears sends exactly one.
/// </summary>
[Collection("Azurite")]
public sealed class SendNoticeRetryTests(AzuriteFixture azurite) : IDisposable
{
    private readonly SendGridStandIn _sendGrid = new();

    public void Dispose() => _sendGrid.Dispose();

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Given_SendGrid_fails_on_every_delivery_of_the_FOKUS_notice_then_it_ends_in_notices_poison_with_the_reason_logged_unsent_and_once_the_fault_clears_a_replay_sends_exactly_one_email(int status)
    {
        // Given a settled month whose FOKUS notice is on the queue, and SendGrid answering `status` to every request
        var fokus = await SettledFokusNoticeAsync();
        await using var app = SendGridAppOn(azurite, _sendGrid.Url);
        var notices = app.Storage.Queue(StorageNames.Queues.Notices);
        var poison = app.Storage.Queue(StorageNames.Queues.NoticesPoison);
        await notices.SendMessageAsync(fokus);
        _sendGrid.Answer = status == 429
            ? new Answer(429, """{"errors":[{"message":"too many requests"}]}""", ("Retry-After", "45"))
            : new Answer(503, """{"errors":[{"message":"service unavailable"}]}""");

        // When the host delivers it until the queue is empty
        var deliveries = await QueueHost.RunUntilEmptyAsync(notices, poison, app.SendNotice);

        // then it was tried maxDequeueCount times — each one a request to SendGrid — and now sits in notices-poison, unchanged
        Assert.Equal(QueueHost.MaxDequeueCount, deliveries);
        Assert.Equal(QueueHost.MaxDequeueCount, _sendGrid.MailSendRequests);
        Assert.Equal([fokus], (await PeekAllAsync(poison)).Select(m => m.Body.ToString()));
        Assert.Empty(await PeekAllAsync(notices));
        // with the reason in the log: a warning per retried attempt, an error for the last, naming SendGrid's answer
        var warnings = app.Logs.Where(r => r.Level == LogLevel.Warning && r.Message.Contains("on notices failed", StringComparison.Ordinal)).ToList();
        Assert.Equal(QueueHost.MaxDequeueCount - 1, warnings.Count);
        var error = Assert.Single(app.Logs, r => r.Level == LogLevel.Error);
        Assert.Contains($"failed {QueueHost.MaxDequeueCount} times and moves to notices-poison", error.Message);
        Assert.Contains($"SendGrid answered HTTP {status}", error.Message);
        if (status == 429) Assert.Contains("retry after 45 s (Retry-After)", error.Message);
        Assert.IsType<TransientNoticeException>(error.Exception);
        // and nothing is recorded as sent, so nothing stops the replay
        Assert.Empty(await app.Storage.Table(StorageNames.Tables.NoticesSent).QueryAsync<TableEntity>().ToListAsync());

        // When the fault clears and the operator replays notices-poison (`./impact60 replay --queue notices`) — twice, by mistake
        _sendGrid.Answer = new Answer(202, "", ("X-Message-Id", "sg-after-replay"));
        await ReplayAsync(poison, notices);
        await notices.SendMessageAsync(fokus); // a duplicate of the same message
        var replayed = await QueueHost.RunUntilEmptyAsync(notices, poison, app.SendNotice);

        // then exactly one e-mail goes out, to FOKUS with its documents, and it is recorded once
        Assert.Equal(2, replayed);
        Assert.Equal(QueueHost.MaxDequeueCount + 1, _sendGrid.MailSendRequests);
        using var sent = JsonDocument.Parse(_sendGrid.Bodies.Last());
        Assert.Equal("impact60@example.dk", sent.RootElement.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString());
        Assert.Equal(["I60F-000001.pdf", "I60F-000001.xml"],
            sent.RootElement.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("filename").GetString()));
        var record = Assert.Single(await app.Storage.Table(StorageNames.Tables.NoticesSent).QueryAsync<TableEntity>().ToListAsync());
        Assert.Equal(("Fokus", "sg-after-replay"), (record.GetString("Recipient"), record.GetString("ProviderMessageId")));
        Assert.Empty(await PeekAllAsync(poison));
        Assert.Empty(Directory.Exists(app.PickupFolder) ? Directory.GetFiles(app.PickupFolder) : []); // SendGrid, not the pickup folder
        AssertNoCprInLogs(app.Logs);
    }

    [Fact]
    public void Given_host_json_then_the_queue_host_here_uses_its_maxDequeueCount()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestSettings.RepositoryRoot, "host.json")));
        var queues = json.RootElement.GetProperty("extensions").GetProperty("queues");

        Assert.Equal(QueueHost.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal(QueueFailures.MaxDequeueCount, QueueHost.MaxDequeueCount);
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
    }

    /// <summary>The pipeline of <see cref="Scenario"/> up to a settlement of July 2019; its FOKUS notice message, off the queue.</summary>
    private async Task<string> SettledFokusNoticeAsync()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAndVerifyAsync(host);
        await SettleAsync(host);
        var queued = await DrainAsync(host, StorageNames.Queues.Notices);
        return Assert.Single(queued, m => NoticeMessage.FromJson(m.Body.ToString()).Key.Kind == RecipientKind.Fokus).Body.ToString();
    }

    private static async Task ReplayAsync(QueueClient poison, QueueClient target)
    {
        foreach (var m in (await poison.ReceiveMessagesAsync(32)).Value)
        {
            await target.SendMessageAsync(m.Body.ToString());
            await poison.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        }
    }

    private static async Task<List<PeekedMessage>> PeekAllAsync(QueueClient queue) => (await queue.PeekMessagesAsync(32)).Value.ToList();

    private static void AssertNoCprInLogs(IEnumerable<FakeLogRecord> logs) =>
        AssertNoCpr(string.Join("\n", logs.Select(r => r.Message + " " + r.Exception)), "the logs");

    /// <summary>
    /// The Functions app composed as <see cref="FunctionsTestHost"/> composes it, on the same Azurite and without
    /// cleaning it, but with <c>SendGrid__ApiKey</c> and <c>SendGrid__Host</c> set: notices go through the SendGrid client.
    /// </summary>
    private static SendGridApp SendGridAppOn(AzuriteFixture azurite, string sendGridHost)
    {
        var folder = Directory.CreateTempSubdirectory("impact60-sendgrid-");
        var settings = TestSettings.AppSettings(azurite.ConnectionString, Path.Combine(folder.FullName, "pickup"));
        settings[AppSettingNames.SendGridApiKey] = "SG.test-key";
        settings[AppSettingNames.SendGridHost] = sendGridHost;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestSettings.AsWorkerConfiguration(settings)).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddFakeLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(FirstOfAugust));
        services.AddImpact60Functions(configuration);
        services.Configure<EventsOptions>(o => o.OutboxFolder = Path.Combine(folder.FullName, "outbox"));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<SendGridNoticeSender>(provider.GetRequiredService<INoticeSender>());
        return new SendGridApp(provider, folder);
    }

    private sealed class SendGridApp(ServiceProvider provider, DirectoryInfo folder) : IAsyncDisposable
    {
        public StorageClients Storage => provider.GetRequiredService<StorageClients>();
        public string PickupFolder => Path.Combine(folder.FullName, "pickup");
        public IReadOnlyList<FakeLogRecord> Logs => provider.GetFakeLogCollector().GetSnapshot();

        /// <summary>One invocation, as the worker makes it: a new function instance from a new scope.</summary>
        public async Task SendNotice(QueueMessage message)
        {
            using var scope = provider.CreateScope();
            await ActivatorUtilities.CreateInstance<SendNotice>(scope.ServiceProvider).Run(message, CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// What the Functions host's queue listener does with host.json's settings: receive a message (the dequeue count
    /// rises), invoke the function, delete the message on success; on failure make it visible again or, once it has been
    /// delivered maxDequeueCount times, copy it to <c>{queue}-poison</c> and delete it. The visibility timeout between
    /// attempts (30 s) is shortened to nothing here: the order of events is the same, only the waiting is left out.
    /// </summary>
    private static class QueueHost
    {
        public const int MaxDequeueCount = 5;

        public static async Task<int> RunUntilEmptyAsync(QueueClient queue, QueueClient poison, Func<QueueMessage, Task> function)
        {
            var deliveries = 0;
            while ((await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(1))).Value is [var message])
            {
                deliveries++;
                Assert.True(deliveries <= 20, "the queue never empties");
                try
                {
                    await function(message);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
                catch (Exception) when (message.DequeueCount >= MaxDequeueCount)
                {
                    await poison.SendMessageAsync(message.Body.ToString());
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
                catch (Exception)
                {
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
                }
            }
            return deliveries;
        }
    }

    private sealed record Answer(int Status, string Body, params (string Name, string Value)[] Headers);

    /// <summary>
    /// A real HTTP server on loopback (HttpListener) standing in for SendGrid's <c>POST /v3/mail/send</c>: it records each
    /// request body and answers with <see cref="Answer"/>.
    /// </summary>
    private sealed class SendGridStandIn : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<string> _bodies = new();
        private readonly Task _loop;

        public SendGridStandIn()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Url { get; }
        public volatile Answer Answer = new(500, "");
        public IReadOnlyList<string> Bodies => _bodies.ToArray();
        public int MailSendRequests => _bodies.Count;

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                using (context.Response)
                {
                    if (context.Request.HttpMethod != "POST" || context.Request.Url?.AbsolutePath != "/v3/mail/send")
                    {
                        context.Response.StatusCode = 404;
                        continue;
                    }
                    using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                        _bodies.Enqueue(await reader.ReadToEndAsync());
                    var answer = Answer;
                    context.Response.StatusCode = answer.Status;
                    foreach (var (name, value) in answer.Headers) context.Response.Headers[name] = value;
                    if (answer.Body.Length > 0)
                    {
                        context.Response.ContentType = "application/json";
                        var bytes = Encoding.UTF8.GetBytes(answer.Body);
                        await context.Response.OutputStream.WriteAsync(bytes);
                    }
                }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        }
    }
}
