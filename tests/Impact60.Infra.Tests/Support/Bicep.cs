using System.Diagnostics;
using System.Reflection;

namespace Impact60.Infra.Tests.Support;

/// <summary>The outcome of one Bicep CLI run.</summary>
public sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string AllOutput => (StandardOutput + Environment.NewLine + StandardError).Trim();
}

/// <summary>
/// Runs the Bicep CLI restored from the NuGet package Azure.Bicep.CommandLine.linux-x64 (its tools/bicep binary).
/// The package folder is written into this assembly's metadata by the csproj (GeneratePathProperty).
/// </summary>
public static class Bicep
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string ExecutablePath { get; } = LocateExecutable();

    public static BicepResult Build(string bicepFile) => Run("build", bicepFile, "--stdout");

    public static BicepResult Lint(string bicepFile) => Run("lint", bicepFile);

    private static BicepResult Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Offline and quiet: no tracing on stdout (it would corrupt --stdout JSON), no .NET telemetry or banner.
        // The Bicep CLI itself does not check for updates (that is `az bicep`); with only local modules and no
        // br:/ts: references it never touches the network, which the tests rely on.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        process.WaitForExit();
        return new BicepResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string LocateExecutable()
    {
        var packageRoot = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepPackageRoot")?.Value;
        if (string.IsNullOrWhiteSpace(packageRoot))
        {
            throw new InvalidOperationException(
                "The test assembly does not name the Bicep package folder; restore tests/Impact60.Infra.Tests " +
                "(PackageReference Azure.Bicep.CommandLine.linux-x64 with GeneratePathProperty).");
        }

        var executable = Path.Combine(packageRoot, "tools", "bicep");
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"The Bicep CLI is not at {executable}; run dotnet restore.", executable);
        }

        // The package is linux-x64 only; NuGet extraction does not always keep the executable bit.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The infrastructure tests use the linux-x64 Bicep CLI package.");
        }

        var mode = File.GetUnixFileMode(executable);
        const UnixFileMode executeBits = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(executable, mode | executeBits);
        }

        return executable;
    }
}

/// <summary>Paths in the repository, found from the test binaries by walking up to Impact60.sln.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Impact60.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Impact60.sln above {AppContext.BaseDirectory}.");
    }
}
