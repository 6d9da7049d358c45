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
using Impact60.Domain.Register;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Impact60.Bench;

/// <summary>
/// <c>bench ingest [participants] [weeks] [oneAtATimeParticipants]</c>: starts Azurite (in memory), ingests a
/// 120-participant sample-like weeks extract and a larger one (default 10,000 participants × 156 weeks) through the
/// real ingestion (file → hash → evidence → reader → change detection → batched table writes → log), and compares
/// batched writes with one-entity-at-a-time writes. The one-at-a-time path is measured on a subset of participants
/// (default 20) in the same run and extrapolated, because at full size it would take hours.
/// This is a wall-clock measurement of one run, not BenchmarkDotNet: the interesting cost is I/O to the emulator.
/// </summary>
public static class IngestBenchmark
{
    /// <summary>The harness's entry: <c>["ingest"] = ("...", IngestBenchmark.Run)</c>.</summary>
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(string[] args)
    {
        var participants = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var weeks = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 156;
        var subset = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;

        await using var azurite = await AzuriteLauncher.StartAsync();
        Console.WriteLine($"Azurite in memory on 127.0.0.1:{azurite.BlobPort}/{azurite.QueuePort}/{azurite.TablePort}; {Environment.ProcessorCount} cores");

        Console.WriteLine("| run | participants | weeks each | rows | seconds | rows/s | table requests | rows per request |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var sample = await MeasureAsync(azurite, "sample-like, batched", 120, weeks, oneAtATime: false, offset: 0);
        var batched = await MeasureAsync(azurite, "extract, batched", participants, weeks, oneAtATime: false, offset: 100_000);
        var single = await MeasureAsync(azurite, "subset, one entity at a time", subset, weeks, oneAtATime: true, offset: 200_000);
        var batchedSubset = await MeasureAsync(azurite, "same subset, batched", subset, weeks, oneAtATime: false, offset: 300_000);

        var extrapolated = participants * weeks / single;
        Console.WriteLine();
        Console.WriteLine($"One entity at a time, extrapolated to {participants:N0} × {weeks}: {extrapolated:N0} s ({extrapolated / 60:N1} min) vs batched {participants * weeks / batched:N0} s.");
        Console.WriteLine($"Batched is {batched / single:N1}× faster in rows/s (full extract batched vs subset one-at-a-time); on the same subset {batchedSubset / single:N1}×.");
        _ = sample;
        return 0;
    }

    private static async Task<double> MeasureAsync(AzuriteLauncher azurite, string label, int participants, int weeks, bool oneAtATime, int offset)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Pseudonymisation__Key"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("impact60-bench-key-32-bytes-long")),
        }).Build();
        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        // The app's own clients, plus a policy that counts Table requests: the number that matters in Azure, where every
        // request pays a network round trip that the loopback emulator does not have.
        var counter = new RequestCounter();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        services.AddSingleton(new StorageClients(
            new TableServiceClient(azurite.ConnectionString, tableOptions),
            new BlobServiceClient(azurite.ConnectionString),
            new QueueServiceClient(azurite.ConnectionString)));
        services.AddImpact60Ingestion(configuration, o => o.ReferralCap = int.MaxValue);
        services.AddSingleton(sp => new ParticipantStore(sp.GetRequiredService<StorageClients>()) { WriteOneEntityAtATime = oneAtATime });
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        var ingestion = provider.GetRequiredService<RegisterIngestion>();

        var path = Path.Combine(Path.GetTempPath(), $"impact60-bench-{Guid.NewGuid():N}.csv");
        try
        {
            WriteWeeksExtract(path, participants, weeks, offset);
            counter.Reset();
            var stopwatch = Stopwatch.StartNew();
            await using (var file = File.OpenRead(path))
            {
                var result = await ingestion.IngestWeeksFileAsync(file, $"bench-{participants}.csv", new DateOnly(2026, 11, 2));
                if (result.NewWeeks != participants * weeks)
                    throw new InvalidOperationException($"expected {participants * weeks} new weeks, got {result}");
            }
            stopwatch.Stop();
            var rows = participants * weeks;
            var rate = rows / stopwatch.Elapsed.TotalSeconds;
            Console.WriteLine($"| {label} | {participants:N0} | {weeks} | {rows:N0} | {stopwatch.Elapsed.TotalSeconds:N1} | {rate:N0} | {counter.Count:N0} | {(double)rows / counter.Count:N1} |");
            return rate;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);
        public void Reset() => Interlocked.Exchange(ref _count, 0);
        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
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
            var cpr = $"{1 + n % 28:00}{1 + n / 28 % 12:00}{n / 336 % 100:00}-{n % 10_000:0000}";
            for (var w = 0; w < weeks; w++)
                writer.Write($"{cpr};{first.AddWeeks(w)};{((i + w) % 4 == 0 ? "130" : "")}\n");
        }
    }
}
