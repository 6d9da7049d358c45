using System.Globalization;

namespace Impact60.Bench;

/// <summary>Tiny `--name value` parser shared by the benchmarks, and the repository root (for samples/).</summary>
internal static class BenchOptions
{
    public static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The value of <c>--name value</c>, or <paramref name="fallback"/>.</summary>
    public static string? Text(string[] args, string name, string? fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            var dir = new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Impact60.sln"))) dir = dir.Parent;
            if (dir is not null) return dir.FullName;
        }
        throw new InvalidOperationException("Run the benchmark from inside the repository (Impact60.sln not found).");
    }
}
