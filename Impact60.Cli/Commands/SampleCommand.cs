using Impact60.Cli.Samples;

namespace Impact60.Cli.Commands;

/// <summary><c>generate-sample</c>: writes the seeded sample data set (samples/README.md) to a folder.</summary>
public static class SampleCommand
{
    public const string Usage = "generate-sample [--seed N (60)] [--participants N (120)] [--out DIR (samples)]";

    public static Task<int> RunAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var seed = Int("seed", args.Optional("seed"), 60);
        var participants = Int("participants", args.Optional("participants"), 120);
        var folder = args.Optional("out") ?? "samples";
        args.RejectUnknown();
        var set = SampleGenerator.Generate(new SampleOptions { Seed = seed, Participants = participants });
        set.WriteTo(folder);
        foreach (var f in set.Files) stdout.WriteLine($"wrote {Path.Combine(folder, f.Name)}");
        return Task.FromResult(CliApp.Ok);
    }

    private static int Int(string name, string? value, int fallback) =>
        value is null ? fallback : int.TryParse(value, out var n) && n > 0 ? n : throw new CliUsageException($"--{name} must be a positive whole number");
}
