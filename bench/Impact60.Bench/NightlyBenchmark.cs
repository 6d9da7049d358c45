using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Impact60.Application.Configuration;
using Impact60.Application.Pipeline;
using Impact60.Application.Storage;
using Impact60.Application.Verification;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Microsoft.Extensions.Logging.Abstractions;

namespace Impact60.Bench;

/// <summary>
/// <c>bench nightly --participants N --changed F [--history W] [--workers K]</c> (issue #4): is the nightly run's work
/// proportional to what changed? Starts Azurite in memory, seeds N participants (referrals + W register weeks each)
/// through <see cref="ParticipantStore"/>, then runs three nights through the app's own pipeline, draining the
/// <c>verify</c> queue the way the Functions host does (receive in batches of 16, verify, delete each message):
/// <list type="number">
/// <item>night 1: <see cref="NightlyRun.RunAsync"/> on a store where nobody is verified yet, so everyone is queued;</item>
/// <item>night 2: a fraction F of participants get one revised week (written through <see cref="ParticipantStore"/>, as an
/// ingestion would), then <see cref="NightlyRun.VerifyChangedAsync"/> + <see cref="NightlyRun.RunAsync"/> for the next day;</item>
/// <item>night 3: the same day forced to re-verify every participant (all referral ids enqueued).</item>
/// </list>
/// Every Table, Queue and Blob request is counted by a pipeline policy on the clients, per service and per night.
/// Wall time on the loopback emulator is reported too, but the request count is the figure that carries over to Azure.
/// </summary>
internal static class NightlyBenchmark
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var participants = BenchOptions.Int(args, "participants", 10_000);
        var changedShare = Double(args, "changed", 0.05);
        var history = BenchOptions.Int(args, "history", 26);
        var workers = BenchOptions.Int(args, "workers", 4);
        var root = BenchOptions.RepositoryRoot();
        var contract = ContractLoader.Load(File.ReadAllText(Path.Combine(root, "samples", "impact60.contract.json")), "impact60.contract.json");

        await using var azurite = await AzuriteLauncher.StartAsync(root);
        var counters = new Counters();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counters.Table, HttpPipelinePosition.PerRetry);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(counters.Blob, HttpPipelinePosition.PerRetry);
        // Base64 as in StorageClients: the encoding the Functions queue trigger reads.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queueOptions.AddPolicy(counters.Queue, HttpPipelinePosition.PerRetry);
        var clients = new StorageClients(
            new TableServiceClient(azurite.ConnectionString, tableOptions),
            new BlobServiceClient(azurite.ConnectionString, blobOptions),
            new QueueServiceClient(azurite.ConnectionString, queueOptions));
        await clients.EnsureCreatedAsync();

        var store = new ParticipantStore(clients);
        var entitlements = new EntitlementStore(clients.Table(StorageNames.Tables.Entitlements), contract.Programme);
        var verifyQueue = new VerifyQueue(clients);
        var verification = new VerificationService(store, entitlements, new EntitlementCalculator(contract), NullLogger<VerificationService>.Instance);
        var nightly = new NightlyRun(store, entitlements, verifyQueue, NullLogger<NightlyRun>.Instance);

        Console.WriteLine($"nightly: {participants:N0} participants x {history} register weeks, {changedShare:P1} changed; {workers} queue workers; " +
                          $"{Environment.ProcessorCount} cores; load average {LoadAverage()}; Azurite in memory");

        // Seed. Course ends in 2019-2020 and the history starts at the course end, so every payment window (156 weeks,
        // plus the COVID-19 suspension) ends before mid-2024: as of November 2026 every week is final, no entitlement has
        // a review date, and the nightly run's "due for review" set is empty. What the nights then differ in is only the
        // changed participants — the case the issue asks about.
        var (referrals, weeks) = Generate(participants, history);
        var seed = Stopwatch.StartNew();
        await store.WriteReferralsAsync(referrals, "bench-referrals", DateTimeOffset.UtcNow, CancellationToken.None);
        const int chunk = 500;
        for (var i = 0; i < participants; i += chunk)
        {
            await store.WriteWeeksAsync(weeks.Skip(i).Take(chunk).SelectMany(w => w), "bench-weeks", DateTimeOffset.UtcNow, CancellationToken.None);
            Console.WriteLine($"  seeded {Math.Min(i + chunk, participants):N0} participants ({(long)Math.Min(i + chunk, participants) * history:N0} rows), {seed.Elapsed.TotalSeconds:N0} s");
        }
        Console.WriteLine($"Seed: {participants:N0} referrals + {(long)participants * history:N0} week rows in {seed.Elapsed.TotalSeconds:N0} s; {counters.Describe()}");

        var rows = new List<string>();

        // Night 1: nobody verified yet, so NightlyRun queues everyone.
        var night1AsOf = new DateOnly(2026, 11, 2);
        counters.Reset();
        var sw = Stopwatch.StartNew();
        var n1 = await nightly.RunAsync(night1AsOf, CancellationToken.None);
        var v1 = await DrainAsync(verifyQueue.Queue, verification, workers);
        sw.Stop();
        Require(n1.NeverVerified == participants && v1 == participants, $"night 1: expected {participants} never verified and verified, got {n1} and {v1}");
        rows.Add(Row("night 1: first verification of everyone (NightlyRun, all never verified)", n1.Enqueued, v1, sw.Elapsed, counters));
        Console.WriteLine(rows[^1]);

        // Between nights: a delivery revises one week of a share of participants (the ingestion's write, not the night's).
        var changedCount = (int)Math.Round(participants * changedShare, MidpointRounding.AwayFromZero);
        var step = (double)participants / changedCount;
        var revised = Enumerable.Range(0, changedCount).Select(k => (int)(k * step)).Distinct()
            .Select(i => weeks[i][history / 2] with { Code = weeks[i][history / 2].Code.IsNoBenefit ? BenefitCode.Parse("100") : BenefitCode.NoBenefit })
            .ToList();
        counters.Reset();
        sw.Restart();
        var write = await store.WriteWeeksAsync(revised, "bench-revision", DateTimeOffset.UtcNow, CancellationToken.None);
        sw.Stop();
        Require(write.Revised == revised.Count && write.ChangedParticipants.Count == revised.Count, $"revision: expected {revised.Count} revised, got {write}");
        Console.WriteLine($"Revision delivery: {write.Revised:N0} weeks of {write.ChangedParticipants.Count:N0} participants written in {sw.Elapsed.TotalSeconds:N1} s; {counters.Describe()} (not counted in night 2)");

        // Night 2: the next day. The ingestion's hand-off (VerifyChangedAsync) queues the changed participants; the
        // nightly run itself finds nobody due for review and nobody never verified.
        var night2AsOf = night1AsOf.AddDays(1);
        counters.Reset();
        sw.Restart();
        var queued = await nightly.VerifyChangedAsync(write.ChangedParticipants, night2AsOf, CancellationToken.None);
        var n2 = await nightly.RunAsync(night2AsOf, CancellationToken.None);
        var v2 = await DrainAsync(verifyQueue.Queue, verification, workers);
        sw.Stop();
        Require(n2.DueForReview == 0 && n2.NeverVerified == 0 && v2 == revised.Count, $"night 2: expected only the {revised.Count} changed, got {n2}, {queued} queued, {v2} verified");
        var night2 = Row("night 2: changed participants only (VerifyChangedAsync + NightlyRun)", queued + n2.Enqueued, v2, sw.Elapsed, counters);
        var night2Requests = counters.Total;
        var night2Time = sw.Elapsed;
        rows.Add(night2);
        Console.WriteLine(night2);

        // Night 3: the same day, every participant re-verified (what a night without change tracking would do).
        counters.Reset();
        sw.Restart();
        var all = (await store.ReadReferralsAsync()).Select(r => r.ReferralId).ToList();
        var queuedAll = await verifyQueue.EnqueueAsync(all, night2AsOf, CancellationToken.None);
        var v3 = await DrainAsync(verifyQueue.Queue, verification, workers);
        sw.Stop();
        Require(v3 == participants, $"night 3: expected {participants} verified, got {v3}");
        rows.Add(Row("night 3: forced full re-verification (all referral ids queued)", queuedAll, v3, sw.Elapsed, counters));
        Console.WriteLine(rows[^1]);

        Console.WriteLine();
        Console.WriteLine("| night | queued | verified | wall s | table requests | queue requests | blob requests | total requests | requests / verification |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows) Console.WriteLine(row);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Night 2 vs night 3: {(double)counters.Total / night2Requests:F1}x fewer storage requests, {sw.Elapsed / night2Time:F1}x less wall time; load average {LoadAverage()}"));
        return 0;
    }

    /// <summary>
    /// Drains the verify queue like the Functions host: each worker receives up to 16 messages (one request), verifies
    /// them one by one and deletes each (one request each); an empty receive ends the worker (one request).
    /// </summary>
    private static async Task<int> DrainAsync(QueueClient queue, VerificationService verification, int workers)
    {
        var verified = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (true)
            {
                var batch = (await queue.ReceiveMessagesAsync(maxMessages: 16, visibilityTimeout: TimeSpan.FromMinutes(5))).Value;
                if (batch.Length == 0) return;
                foreach (var message in batch)
                {
                    var verify = VerifyMessage.FromJson(message.Body.ToString());
                    var result = await verification.VerifyAsync(verify.ReferralId, verify.AsOf, CancellationToken.None);
                    Require(result is not null && result.AsOf == verify.AsOf, $"verify {verify.ReferralId}: no result as of {verify.AsOf}");
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    Interlocked.Increment(ref verified);
                }
            }
        }));
        return verified;
    }

    private static string Row(string label, int queued, int verified, TimeSpan wall, Counters c) => string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {queued:N0} | {verified:N0} | {wall.TotalSeconds:N1} | {c.Table.Count:N0} | {c.Queue.Count:N0} | {c.Blob.Count:N0} | {c.Total:N0} | {(verified == 0 ? 0 : (double)c.Total / verified):N2} |");

    /// <summary>
    /// Made-up participants: pseudonyms are SHA-256 of a counter (no person behind them), course ends spread over
    /// 2019-01..2020-06, and <paramref name="history"/> weeks from the course end with runs of one state at a time.
    /// </summary>
    private static (Referral[] Referrals, RegisterWeek[][] Weeks) Generate(int participants, int history)
    {
        var random = new Random(60);
        BenefitCode[] codes = [BenefitCode.NoBenefit, BenefitCode.Parse("421"), BenefitCode.Parse("651"), BenefitCode.Parse("100")];
        var referrals = new Referral[participants];
        var weeks = new RegisterWeek[participants][];
        for (var p = 0; p < participants; p++)
        {
            var person = Pseudonym.Parse(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes($"nightly-bench-{p}"))));
            var courseEnd = new DateOnly(2019, 1, 1).AddDays(random.Next(540));
            var referred = courseEnd.AddDays(-random.Next(60, 300));
            referrals[p] = new Referral($"JC-{p:D6}", person, referred, referred.AddDays(14), courseEnd, $"F{p:D6}", "KaffeFair");
            var first = IsoWeek.Containing(courseEnd).Next;
            var state = random.Next(codes.Length);
            weeks[p] = new RegisterWeek[history];
            for (var w = 0; w < history; w++)
            {
                if (random.Next(100) < 8) state = random.Next(codes.Length);
                weeks[p][w] = new RegisterWeek(person, first.AddWeeks(w), codes[state]);
            }
        }
        return (referrals, weeks);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new InvalidOperationException(message);
    }

    private static double Double(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private sealed class Counters
    {
        public RequestCounter Table { get; } = new();
        public RequestCounter Queue { get; } = new();
        public RequestCounter Blob { get; } = new();
        public long Total => Table.Count + Queue.Count + Blob.Count;

        public void Reset()
        {
            Table.Reset();
            Queue.Reset();
            Blob.Reset();
        }

        public string Describe() => $"requests: table {Table.Count:N0}, queue {Queue.Count:N0}, blob {Blob.Count:N0}";
    }

    /// <summary>Counts every request a client sends (retries included: each is a billed storage transaction).</summary>
    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);
        public void Reset() => Interlocked.Exchange(ref _count, 0);
        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
