// Impact60 benchmark harness: `dotnet run -c Release --project bench/Impact60.Bench -- <verb> [options]`.
// One verb per benchmark, each in its own file with a static Run(string[] args) returning the exit code.
// To add a benchmark: add a file with a class like EntitlementBenchmark and a line to the table below.
using Impact60.Bench;

var verbs = new Dictionary<string, (string Description, Func<string[], int> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["entitlement"] = ("entitlement engine, one thread: --participants N (100000) --runs R (5) --history W (200) --engine fast|readable (fast)", EntitlementBenchmark.Run),
    ["nightly"] = ("nightly run on Azurite, changed participants vs full re-verification (issue #4): --participants N (10000) --changed F (0.05) --history W (26) --workers K (4)", NightlyBenchmark.Run),
    ["ingest"] = ("register ingestion into Azurite, batched vs one entity at a time (issue #3): --participants N (10000) --weeks W (156) --subset S (200) --rtt-ms R (0)", IngestBenchmark.Run),
    ["read-bounds"] = ("register file readers on the inputs that were quadratic (docs/fuzzing.md F1-F3), processor time against the stated bound, exit 1 if over: --runs R (3)", ReadBoundsBenchmark.Run),
    ["preview-large"] = ("CLI preview over whole-register extracts, wall time and peak RSS: --sizes MB,... (50,100,200,400) --wide-sizes MB,... (200) --all-mb M (50) --raised-cap-mb M (50) --weeks W (200) --runs R (3) --out DIR --dll PATH", PreviewLargeBenchmark.Run),
};

if (args.Length == 0 || !verbs.TryGetValue(args[0], out var verb))
{
    Console.Error.WriteLine(args.Length == 0 ? "Which benchmark?" : $"Unknown benchmark '{args[0]}'.");
    Console.Error.WriteLine("Usage: dotnet run -c Release --project bench/Impact60.Bench -- <verb> [options]");
    foreach (var (name, v) in verbs) Console.Error.WriteLine($"  {name,-14} {v.Description}");
    return 2;
}
return verb.Run(args[1..]);
