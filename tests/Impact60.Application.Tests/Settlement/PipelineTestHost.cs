using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Impact60.Application.Configuration;
using Impact60.Application.Events;
using Impact60.Application.Ingestion;
using Impact60.Application.Notices;
using Impact60.Application.Pipeline;
using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Application.Verification;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Impact60.Application.Tests.Settlement;

/// <summary>
/// The whole pipeline's real composition (<see cref="PipelineServiceCollectionExtensions.AddImpact60Pipeline"/>) over the
/// test's Azurite, with the shipped contract, notices to a pickup folder, events to an outbox folder, a fixed clock, and
/// the storage clients built with the test's HTTP pipeline policies (a write counter that can crash the process after
/// the N-th write, a rendezvous for races) — the seam every storage write goes through, so none can be missed.
/// </summary>
internal sealed class PipelineTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2019, 9, 1, 4, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;
    private readonly DirectoryInfo _folder;

    private PipelineTestHost(ServiceProvider provider, DirectoryInfo folder, WriteCrash crash)
    {
        _provider = provider;
        _folder = folder;
        Crash = crash;
    }

    /// <summary>Counts every storage and event write while armed; throws <see cref="SimulatedCrash"/> after the chosen one.</summary>
    public WriteCrash Crash { get; }
    public string PickupFolder => Path.Combine(_folder.FullName, "emails");
    public string OutboxFolder => Path.Combine(_folder.FullName, "outbox");

    public static string RepositoryRoot { get; } = AzuriteLauncher.FindRepositoryRoot();
    public static string ContractPath { get; } = Path.Combine(RepositoryRoot, "samples", "impact60.contract.json");

    public static async Task<PipelineTestHost> StartAsync(AzuriteFixture azurite, params HttpPipelinePolicy[] tablePolicies)
    {
        await azurite.CleanStorageAsync();
        var folder = Directory.CreateTempSubdirectory("impact60-pipeline-");
        var crash = new WriteCrash();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Pseudonymisation:Key"] = StorageTestHost.TestKey,
            ["Contract:Path"] = ContractPath,
            ["Notices:PickupFolder"] = Path.Combine(folder.FullName, "emails"),
            ["Notices:From"] = "IMPACT60 <impact60@example.dk>",
        }).Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddFakeLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        // Registered before the composition, whose TryAdd then keeps these.
        services.AddSingleton(Instrumented(azurite.ConnectionString, crash, tablePolicies));
        services.AddSingleton<ISettlementEventPublisher>(sp =>
            new CountingPublisher(new LocalEventSink(sp.GetRequiredService<IOptions<EventsOptions>>()), crash));
        services.AddImpact60Pipeline(configuration);
        services.Configure<EventsOptions>(o => o.OutboxFolder = Path.Combine(folder.FullName, "outbox"));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        foreach (var validator in provider.GetServices<IStartupValidator>()) validator.Validate();
        return new PipelineTestHost(provider, folder, crash);
    }

    private static StorageClients Instrumented(string connectionString, WriteCrash crash, HttpPipelinePolicy[] tablePolicies)
    {
        var counter = new WriteCountingPolicy(crash);
        var tables = new TableClientOptions();
        tables.AddPolicy(counter, HttpPipelinePosition.PerCall);
        foreach (var p in tablePolicies) tables.AddPolicy(p, HttpPipelinePosition.PerCall);
        var blobs = new BlobClientOptions();
        blobs.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var queues = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }; // as the app's own clients
        queues.AddPolicy(counter, HttpPipelinePosition.PerCall);
        return new StorageClients(new TableServiceClient(connectionString, tables), new BlobServiceClient(connectionString, blobs),
            new QueueServiceClient(connectionString, queues));
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();
    public StorageClients Storage => Get<StorageClients>();
    public SettlementService Settlement => Get<SettlementService>();
    public SettlementLedger Ledger => Get<SettlementLedger>();
    public IReadOnlyList<FakeLogRecord> Logs => _provider.GetFakeLogCollector().GetSnapshot();

    /// <summary>Ingests an extract file as the CLI's <c>ingest</c> does, then queues verification of what it changed.</summary>
    public async Task<IngestionResult> IngestAsync(string fileName, string content, DateOnly today)
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        var ingestion = Get<RegisterIngestion>();
        var result = fileName.StartsWith("referrals", StringComparison.Ordinal)
            ? await ingestion.IngestReferralsFileAsync(stream, fileName, today)
            : await ingestion.IngestWeeksFileAsync(stream, fileName, today);
        Assert.Equal(0, result.RowsRejected);
        await Get<NightlyRun>().VerifyChangedAsync(result.ChangedParticipants, today, CancellationToken.None);
        return result;
    }

    /// <summary>One night as the Functions host runs it: the nightly run, then every verify message it queued.</summary>
    public async Task NightAsync(DateOnly day)
    {
        await Get<NightlyRun>().RunAsync(day, CancellationToken.None);
        await DrainVerifyAsync();
    }

    /// <summary>Runs VerifyParticipant on every message of the verify queue, 8 at a time (the host runs a batch in parallel too).</summary>
    public async Task<int> DrainVerifyAsync()
    {
        var verification = Get<VerificationService>();
        var messages = await TakeAsync(StorageNames.Queues.Verify);
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (body, ct) =>
        {
            var m = VerifyMessage.FromJson(body);
            await verification.VerifyAsync(m.ReferralId, m.AsOf, ct);
        });
        return messages.Count;
    }

    /// <summary>Takes every message off a queue, returning the bodies (to handle later, or never).</summary>
    public async Task<List<string>> TakeAsync(string queueName)
    {
        var queue = Storage.Queue(queueName);
        var bodies = new List<string>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
            if (batch.Length == 0) return bodies;
            foreach (var m in batch)
            {
                bodies.Add(m.Body.ToString());
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
    }

    /// <summary>Verifies what the given verify messages ask for, in order.</summary>
    public async Task<int> HandleAsync(IEnumerable<string> verifyMessages)
    {
        var verification = Get<VerificationService>();
        var handled = 0;
        foreach (var body in verifyMessages)
        {
            var m = VerifyMessage.FromJson(body);
            await verification.VerifyAsync(m.ReferralId, m.AsOf, CancellationToken.None);
            handled++;
        }
        return handled;
    }

    /// <summary>Runs SendNotice on every message of the notices queue.</summary>
    public async Task<List<DispatchOutcome>> DrainNoticesAsync()
    {
        var dispatcher = Get<NoticeDispatcher>();
        var outcomes = new List<DispatchOutcome>();
        foreach (var body in await TakeAsync(StorageNames.Queues.Notices))
            outcomes.Add(await dispatcher.DispatchAsync(NoticeMessage.FromJson(body), CancellationToken.None));
        return outcomes;
    }

    /// <summary>
    /// Settles a month with the write counter armed. If the simulated crash hits, the settlement is run again — as the
    /// next timer run or the operator would — with the counter disarmed. Returns whether it crashed.
    /// </summary>
    public async Task<bool> SettleCrashingAsync(string period, DateOnly asOf)
    {
        Crash.Armed = true;
        try
        {
            await Settlement.SettleAsync(period, asOf, CancellationToken.None);
            return false;
        }
        catch (SimulatedCrash)
        {
            Crash.Armed = false;
            await Settlement.SettleAsync(period, asOf, CancellationToken.None);
            return true;
        }
        finally
        {
            Crash.Armed = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    /// <summary>
    /// Everything a settlement produces, as comparable text: the ledger and entitlement tables and the sent-once records
    /// (every property but the service's Timestamp), every blob of the documents container (name, content type,
    /// metadata, SHA-256 of the content), the event outbox files (name, SHA-256), the e-mails (file name, recipients,
    /// subject, text, each attachment's name and SHA-256) and what is left on the queues.
    /// </summary>
    public async Task<List<string>> SnapshotAsync(bool withEntitlementDates = true)
    {
        var lines = new List<string>();
        foreach (var table in new[] { StorageNames.Tables.Ledger, StorageNames.Tables.Entitlements, StorageNames.Tables.NoticesSent })
            await foreach (var e in Storage.Table(table).QueryAsync<TableEntity>())
                lines.Add($"{table} {e.PartitionKey} {e.RowKey}: " + string.Join("; ", e.Keys
                    .Where(k => k is not ("odata.etag" or "Timestamp" or "PartitionKey" or "RowKey"))
                    .Where(k => withEntitlementDates || table != StorageNames.Tables.Entitlements || k != "AsOf")
                    .Order(StringComparer.Ordinal).Select(k => $"{k}={Text(e[k])}")));
        var documents = Storage.Container(StorageNames.Containers.Documents);
        await foreach (var blob in documents.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }))
        {
            var bytes = (await documents.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
            // Every document byte for byte, PDFs included: PdfWriter writes the same bytes for the same document.
            lines.Add($"blob {blob.Name} {blob.Properties.ContentType} [{string.Join(",", blob.Metadata.OrderBy(m => m.Key).Select(m => $"{m.Key}={m.Value}"))}] {Sha(bytes)}");
        }
        if (Directory.Exists(OutboxFolder))
            foreach (var file in Directory.GetFiles(OutboxFolder).Order(StringComparer.Ordinal))
                lines.Add($"event {Path.GetFileName(file)} {Sha(File.ReadAllBytes(file))}");
        if (Directory.Exists(PickupFolder))
            foreach (var file in Directory.GetFiles(PickupFolder).Order(StringComparer.Ordinal))
            {
                var mail = MimeMessage.Load(file);
                lines.Add($"email {Path.GetFileName(file)} to {mail.To} subject {mail.Subject} date {mail.Date:O} text {Sha(Encoding.UTF8.GetBytes(mail.TextBody ?? ""))}");
                foreach (var part in mail.Attachments.OfType<MimePart>())
                {
                    using var content = new MemoryStream();
                    part.Content!.DecodeTo(content);
                    lines.Add($"email {Path.GetFileName(file)} attachment {part.FileName} {Sha(content.ToArray())}");
                }
            }
        foreach (var queue in new[] { StorageNames.Queues.Notices, StorageNames.Queues.Verify })
            lines.Add($"queue {queue}: {(await Storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount} message(s)");
        return lines.Order(StringComparer.Ordinal).ToList();
    }

    private static string Text(object? value) => value switch
    {
        DateTimeOffset d => d.ToString("O"),
        null => "null",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

}

/// <summary>The simulated crash: the process dies right after a write has taken effect.</summary>
internal sealed class SimulatedCrash(int write, string what) : Exception($"simulated crash after write {write}: {what}");

/// <summary>
/// Counts writes while <see cref="Armed"/>; with <see cref="CrashAfter"/> = N, the N-th write completes (it reached
/// storage) and then <see cref="SimulatedCrash"/> is thrown in place of its response — as if the process died there.
/// </summary>
internal sealed class WriteCrash
{
    private int _count;
    private readonly List<string> _writes = [];

    public volatile bool Armed;
    public int? CrashAfter { get; set; }
    public int Count => _count;
    public IReadOnlyList<string> Writes { get { lock (_writes) return _writes.ToList(); } }

    public void Wrote(string what)
    {
        if (!Armed) return;
        var n = Interlocked.Increment(ref _count);
        lock (_writes) _writes.Add(what);
        if (n == CrashAfter)
        {
            Armed = false;
            throw new SimulatedCrash(n, what);
        }
    }
}

/// <summary>Every request that can change storage (anything but GET and HEAD) counts as a write, after its response.</summary>
internal sealed class WriteCountingPolicy(WriteCrash crash) : HttpPipelinePolicy
{
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        After(message);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        After(message);
    }

    private void After(HttpMessage message)
    {
        var method = message.Request.Method;
        if (method == RequestMethod.Get || method == RequestMethod.Head) return;
        // Azurite addresses path-style: the first segment is the account name.
        var path = message.Request.Uri.Path.TrimStart('/');
        path = path.IndexOf('/') is var slash and >= 0 ? path[slash..] : "/";
        crash.Wrote($"{method} {path} → {message.Response.Status}");
    }
}

/// <summary>Publishing the settlement event is a write too (to Service Bus in Azure, the outbox folder here).</summary>
internal sealed class CountingPublisher(ISettlementEventPublisher inner, WriteCrash crash) : ISettlementEventPublisher
{
    public async Task PublishAsync(SettlementIssued e, CancellationToken ct)
    {
        await inner.PublishAsync(e, ct);
        crash.Wrote("publish SettlementIssued " + e.SettlementPeriod);
    }
}
