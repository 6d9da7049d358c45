using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Impact60.Application.Hosting;
using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Domain.Primitives;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Impact60.Bench;

/// <summary>
/// <c>bench ingest [--participants N] [--weeks W] [--subset S] [--rtt-ms R]</c> (issue #3): register ingestion into
/// Azurite through the app's real path (file → SHA-256 → evidence blob → reader → compare with the stored weeks →
/// table writes → delivery log), batched (entity-group transactions of up to 100) against one entity per request.
/// <list type="number">
/// <item>The shipped sample (samples/referrals.csv and the three weeks deliveries, in delivery order), batched and one
/// entity at a time, each into a fresh Azurite: both measured in full.</item>
/// <item>A generated long-form extract of N participants × W weeks, batched, into a fresh Azurite.</item>
/// <item>On that same (now large) store, S further new participants one entity at a time, then S more batched: the
/// two write paths measured under the same table size, since Azurite slows as its tables grow.</item>
/// </list>
/// <c>--rtt-ms R</c> adds R milliseconds to every Table request (a pipeline policy that waits before sending): a model
/// of the network round trip to Azure that the loopback emulator does not have. It is reported separately and labelled.
/// Wall-clock figures of one run, not BenchmarkDotNet: the cost is I/O to the emulator. Azurite's own CPU time (read
/// from /proc) is printed beside them because it varies less with the load of a shared machine.
/// </summary>
public static class IngestBenchmark
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static readonly DateOnly Today = new(2026, 11, 2);

    public static async Task<int> RunAsync(string[] args)
    {
        var participants = BenchOptions.Int(args, "participants", 10_000);
        var weeks = BenchOptions.Int(args, "weeks", 156);
        var subset = BenchOptions.Int(args, "subset", 200);
        var rttMs = BenchOptions.Int(args, "rtt-ms", 0);
        var root = BenchOptions.RepositoryRoot();
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // figures as 1,234.5 whatever the machine's locale
        // A 10,000 x 156 store is about 1.6 million entities in Azurite's in-memory database: give node room.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NODE_OPTIONS")))
            Environment.SetEnvironmentVariable("NODE_OPTIONS", "--max-old-space-size=12288");

        Console.WriteLine($"ingest: {Environment.ProcessorCount} cores, load average {LoadAverage()}, simulated round trip {rttMs} ms per table request");
        Console.WriteLine();
        Console.WriteLine("| run | participants | rows read | rows written | seconds | rows/s | table requests | rows per request | Azurite CPU s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");

        var sampleFiles = new[] { "weeks-2021-06.csv", "weeks-2022-01-dream.csv", "weeks-2022-02-revision.csv" }
            .Select(f => Path.Combine(root, "samples", f)).ToArray();
        var referrals = Path.Combine(root, "samples", "referrals.csv");

        // Warm-up (JIT, connection pools, Azurite's own start-up) in a throwaway emulator, not reported.
        await using (var azurite = await StartAsync(root))
        {
            var quiet = new StringWriter();
            var stdout = Console.Out;
            Console.SetOut(quiet);
            try
            {
                await IngestExtractAsync(azurite, "warm-up", 20, weeks, offset: 900_000, oneAtATime: false, rttMs);
                await IngestExtractAsync(azurite, "warm-up", 5, weeks, offset: 910_000, oneAtATime: true, rttMs);
            }
            finally
            {
                Console.SetOut(stdout);
            }
        }

        Measurement sampleBatched, sampleSingle;
        await using (var azurite = await StartAsync(root))
            sampleBatched = await IngestSampleAsync(azurite, "sample (shipped files), batched", referrals, sampleFiles, oneAtATime: false, rttMs);
        await using (var azurite = await StartAsync(root))
            sampleSingle = await IngestSampleAsync(azurite, "sample (shipped files), one entity at a time", referrals, sampleFiles, oneAtATime: true, rttMs);

        Measurement? extract = null, largeSingle = null, largeBatched = null;
        if (participants > 0)
        {
            await using var azurite = await StartAsync(root);
            extract = await IngestExtractAsync(azurite, $"extract {participants:N0} × {weeks}, batched", participants, weeks, offset: 0, oneAtATime: false, rttMs);
            largeSingle = await IngestExtractAsync(azurite, $"+{subset} participants on that store, one entity at a time", subset, weeks, offset: 500_000, oneAtATime: true, rttMs);
            largeBatched = await IngestExtractAsync(azurite, $"+{subset} participants on that store, batched", subset, weeks, offset: 600_000, oneAtATime: false, rttMs);
        }

        Console.WriteLine();
        Console.WriteLine(($"Sample: batched {sampleBatched.RowsPerSecond:N0} rows/s vs one at a time {sampleSingle.RowsPerSecond:N0} rows/s = {sampleBatched.RowsPerSecond / sampleSingle.RowsPerSecond:N1}x; " +
                                    $"table requests {sampleSingle.Requests / (double)sampleBatched.Requests:N1}x fewer; Azurite CPU {sampleSingle.AzuriteCpuSeconds / sampleBatched.AzuriteCpuSeconds:N1}x less"));
        if (extract is not null && largeSingle is not null && largeBatched is not null)
        {
            Console.WriteLine(($"Extract: {extract.Rows:N0} rows batched in {extract.Seconds:N0} s = {extract.RowsPerSecond:N0} rows/s."));
            Console.WriteLine(($"Same large store: batched {largeBatched.RowsPerSecond:N0} rows/s vs one at a time {largeSingle.RowsPerSecond:N0} rows/s = {largeBatched.RowsPerSecond / largeSingle.RowsPerSecond:N1}x; " +
                                        $"table requests {largeSingle.Requests / (double)largeBatched.Requests:N1}x fewer"));
        }
        Console.WriteLine($"load average at the end {LoadAverage()}");
        return 0;
    }

    private sealed record Measurement(int Rows, int Written, double Seconds, long Requests, double AzuriteCpuSeconds)
    {
        public double RowsPerSecond => Rows / Seconds;
    }

    private static async Task<AzuriteLauncher> StartAsync(string root) => await AzuriteLauncher.StartAsync(root);

    private static async Task<Measurement> IngestSampleAsync(AzuriteLauncher azurite, string label, string referrals, string[] weeksFiles, bool oneAtATime, int rttMs)
    {
        await using var app = await App.CreateAsync(azurite, oneAtATime, rttMs);
        var rows = 0;
        var written = 0;
        var cpu = AzuriteCpuSeconds(azurite);
        app.Counter.Reset();
        var stopwatch = Stopwatch.StartNew();
        await using (var file = File.OpenRead(referrals))
        {
            var r = await app.Ingestion.IngestReferralsFileAsync(file, Path.GetFileName(referrals), Today);
            rows += r.RowsRead;
            written += r.NewReferrals + r.ChangedReferrals;
        }
        foreach (var path in weeksFiles)
        {
            await using var file = File.OpenRead(path);
            var r = await app.Ingestion.IngestWeeksFileAsync(file, Path.GetFileName(path), Today);
            rows += r.RowsRead;
            written += r.NewWeeks + r.RevisedWeeks;
        }
        stopwatch.Stop();
        return Report(label, 120, rows, written, stopwatch.Elapsed, app.Counter.Count, AzuriteCpuSeconds(azurite) - cpu);
    }

    private static async Task<Measurement> IngestExtractAsync(AzuriteLauncher azurite, string label, int participants, int weeks, int offset, bool oneAtATime, int rttMs)
    {
        await using var app = await App.CreateAsync(azurite, oneAtATime, rttMs);
        var path = Path.Combine(Path.GetTempPath(), $"impact60-bench-{Guid.NewGuid():N}.csv");
        try
        {
            WriteWeeksExtract(path, participants, weeks, offset);
            var cpu = AzuriteCpuSeconds(azurite);
            app.Counter.Reset();
            var stopwatch = Stopwatch.StartNew();
            IngestionResult result;
            await using (var file = File.OpenRead(path))
                result = await app.Ingestion.IngestWeeksFileAsync(file, $"bench-{participants}.csv", Today);
            stopwatch.Stop();
            if (result.NewWeeks != participants * weeks || result.RowsRejected != 0)
                throw new InvalidOperationException($"expected {participants * weeks} new weeks and no rejection, got {result}");
            return Report(label, participants, result.RowsRead, result.NewWeeks, stopwatch.Elapsed, app.Counter.Count, AzuriteCpuSeconds(azurite) - cpu);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Measurement Report(string label, int participants, int rows, int written, TimeSpan elapsed, long requests, double azuriteCpu)
    {
        var m = new Measurement(rows, written, elapsed.TotalSeconds, requests, azuriteCpu);
        Console.WriteLine(($"| {label} | {participants:N0} | {rows:N0} | {written:N0} | {m.Seconds:N1} | {m.RowsPerSecond:N0} | {requests:N0} | {(double)rows / requests:N1} | {azuriteCpu:N1} |"));
        return m;
    }

    /// <summary>The app's own ingestion over the app's own storage clients, with a request counter (and optionally a
    /// simulated round trip) on the Table client.</summary>
    private sealed class App : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;

        private App(ServiceProvider provider, RequestCounter counter)
        {
            _provider = provider;
            Counter = counter;
            Ingestion = provider.GetRequiredService<RegisterIngestion>();
        }

        public RequestCounter Counter { get; }
        public RegisterIngestion Ingestion { get; }

        public static async Task<App> CreateAsync(AzuriteLauncher azurite, bool oneAtATime, int rttMs)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Pseudonymisation__Key"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("impact60-bench-key-32-bytes-long")),
            }).Build();
            var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
            var counter = new RequestCounter();
            var tableOptions = new TableClientOptions();
            tableOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
            if (rttMs > 0) tableOptions.AddPolicy(new RoundTrip(TimeSpan.FromMilliseconds(rttMs)), HttpPipelinePosition.PerRetry);
            services.AddSingleton(new StorageClients(
                new TableServiceClient(azurite.ConnectionString, tableOptions),
                new BlobServiceClient(azurite.ConnectionString),
                new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })));
            services.AddImpact60Ingestion(configuration, o => o.ReferralCap = int.MaxValue);
            services.AddSingleton(sp => new ParticipantStore(sp.GetRequiredService<StorageClients>()) { WriteOneEntityAtATime = oneAtATime });
            var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<StorageClients>().EnsureCreatedAsync();
            return new App(provider, counter);
        }

        public ValueTask DisposeAsync() => _provider.DisposeAsync();
    }

    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);
        public void Reset() => Interlocked.Exchange(ref _count, 0);
        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }

    /// <summary>A model of the network: waits a fixed time before each request goes out.</summary>
    private sealed class RoundTrip(TimeSpan delay) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Thread.Sleep(delay);
            ProcessNext(message, pipeline);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await Task.Delay(delay, message.CancellationToken).ConfigureAwait(false);
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
    }

    /// <summary>User + system CPU seconds of the Azurite node process serving <paramref name="azurite"/>'s table port.</summary>
    private static double AzuriteCpuSeconds(AzuriteLauncher azurite)
    {
        var marker = $"{azurite.TablePort}";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var parts = cmdline.Split('\0');
            var i = Array.IndexOf(parts, "--tablePort");
            if (i < 0 || i + 1 >= parts.Length || parts[i + 1] != marker || !cmdline.Contains("azurite", StringComparison.Ordinal)) continue;
            var fields = File.ReadAllText(Path.Combine(dir, "stat")).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / 100.0; // USER_HZ is 100 on Linux
        }
        return double.NaN;
    }

    /// <summary>A long-form weeks extract with CPR-shaped values (valid dates, made-up serials): no real person.</summary>
    private static void WriteWeeksExtract(string path, int participants, int weeks, int offset)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.Write("cpr;week;code\n");
        var first = IsoWeek.Parse("2019-W01");
        for (var i = 0; i < participants; i++)
        {
            var n = offset + i;
            var cpr = $"{1 + n % 28:00}{1 + n / 28 % 12:00}{n / 336 % 100:00}-{n / 33_600 % 10_000:0000}";
            for (var w = 0; w < weeks; w++)
                writer.Write($"{cpr};{first.AddWeeks(w)};{((i + w) % 4 == 0 ? "130" : "")}\n");
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
