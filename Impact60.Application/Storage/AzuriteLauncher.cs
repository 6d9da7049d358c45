using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Impact60.Application.Storage;

/// <summary>
/// Starts Azurite (the Azure Storage emulator, pinned in the repository's package.json) in memory on loopback,
/// for the tests, the benchmark and the local demo. Never assumes an Azurite is already running: each launcher
/// owns its process and kills the whole process tree when disposed.
/// </summary>
public sealed class AzuriteLauncher : IAsyncDisposable, IDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft; local only).</summary>
    public const string DevAccountName = "devstoreaccount1";
    public const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private AzuriteLauncher(Process process, StringBuilder output, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _output = output;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString => BuildConnectionString(BlobPort, QueuePort, TablePort);

    public static string BuildConnectionString(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={DevAccountName};AccountKey={DevAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{DevAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{DevAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{DevAccountName};";

    /// <summary>The repository root: the nearest folder above <paramref name="start"/> holding Impact60.sln.</summary>
    public static string FindRepositoryRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Impact60.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Cannot find the repository root (a folder holding Impact60.sln) above '{start ?? AppContext.BaseDirectory}'.");
    }

    /// <summary>Starts Azurite on free loopback ports (or the given ones) and waits until all three services answer.</summary>
    public static async Task<AzuriteLauncher> StartAsync(
        string? repositoryRoot = null, int blobPort = 0, int queuePort = 0, int tablePort = 0, CancellationToken cancellationToken = default)
    {
        var root = repositoryRoot ?? FindRepositoryRoot();
        var entryPoint = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entryPoint))
            throw new InvalidOperationException(
                $"Azurite is not installed ({entryPoint} is missing): run ./test.sh (or scripts/setup.sh) first, which installs the pinned version with `npm ci`.");

        var ports = FreePorts(3);
        if (blobPort == 0) blobPort = ports[0];
        if (queuePort == 0) queuePort = ports[1];
        if (tablePort == 0) tablePort = ports[2];

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     entryPoint, "--inMemoryPersistence", "--skipApiVersionCheck", "--silent", "--loose",
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", $"{blobPort}", "--queuePort", $"{queuePort}", "--tablePort", $"{tablePort}",
                 })
            start.ArgumentList.Add(arg);

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        try
        {
            if (!process.Start()) throw new InvalidOperationException("Could not start node to run Azurite.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Could not start Azurite: `node` is not on the PATH. Install Node.js, then run ./test.sh (or scripts/setup.sh).", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var launcher = new AzuriteLauncher(process, output, blobPort, queuePort, tablePort);
        try
        {
            await launcher.WaitUntilListeningAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return launcher;
        }
        catch
        {
            launcher.Dispose();
            throw;
        }
    }

    private async Task WaitUntilListeningAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (true)
            {
                if (_process.HasExited)
                    throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before listening on port {port}: {Output}");
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    throw new InvalidOperationException($"Azurite did not listen on port {port} within {limit.TotalSeconds:0} s: {Output}", e);
                }
            }
        }
    }

    private string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Free loopback ports: all are held open at once so the same port is not handed out twice.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
