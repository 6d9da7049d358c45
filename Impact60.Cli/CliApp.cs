using Impact60.Cli.Commands;

namespace Impact60.Cli;

/// <summary>
/// The operator's command line. Exit codes: 0 done, 1 the work ran and found a problem the operator must act on,
/// 2 the command could not run (bad arguments, missing file, invalid contract or configuration) with a one-line reason on stderr.
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int Problem = 1;
    public const int CannotRun = 2;

    private static readonly IReadOnlyDictionary<string, (string Usage, Func<CliArgs, TextWriter, TextWriter, Task<int>> Run)> Verbs =
        new Dictionary<string, (string, Func<CliArgs, TextWriter, TextWriter, Task<int>>)>(StringComparer.Ordinal)
        {
            ["demo"] = (DemoCommand.Usage, DemoCommand.RunAsync),
            ["preview"] = (PreviewCommand.Usage, PreviewCommand.RunAsync),
            ["ingest"] = (StoreCommands.IngestUsage, StoreCommands.IngestAsync),
            ["pull"] = (StoreCommands.PullUsage, StoreCommands.PullAsync),
            ["nightly"] = (StoreCommands.NightlyUsage, StoreCommands.NightlyAsync),
            ["settle"] = (StoreCommands.SettleUsage, StoreCommands.SettleAsync),
            ["invoices"] = (StoreCommands.InvoicesUsage, StoreCommands.InvoicesAsync),
            ["replay"] = (StoreCommands.ReplayUsage, StoreCommands.ReplayAsync),
            ["reissue"] = (ReissueCommand.Usage, ReissueCommand.RunAsync),
            ["generate-sample"] = (SampleCommand.Usage, SampleCommand.RunAsync),
        };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync("usage: ./impact60 <verb> [options]\n");
            foreach (var (_, verb) in Verbs) await stdout.WriteLineAsync("  " + verb.Usage);
            return args.Length == 0 ? CannotRun : Ok;
        }
        if (!Verbs.TryGetValue(args[0], out var command))
        {
            await stderr.WriteLineAsync($"impact60: unknown verb '{ConsoleText.Plain(args[0])}'; try ./impact60 --help");
            return CannotRun;
        }
        try
        {
            return await command.Run(CliArgs.Parse(args.AsSpan(1)), stdout, stderr);
        }
        catch (CliUsageException e)
        {
            await stderr.WriteLineAsync($"impact60 {args[0]}: {OneLine(e.Message)}\nusage: ./impact60 {command.Usage}");
            return CannotRun;
        }
        catch (CannotRunException e)
        {
            await stderr.WriteLineAsync($"impact60 {args[0]}: {OneLine(e.Message)}");
            return CannotRun;
        }
        catch (Exception e)
        {
            // Anything else — storage (RequestFailedException), I/O, a bug — is still one line and exit 2, never a stack
            // trace: a trace can quote data, and an operator's script reads the exit code.
            await stderr.WriteLineAsync($"impact60 {args[0]}: could not run: {Describe(e)}");
            return CannotRun;
        }
    }

    /// <summary>What an unexpected exception says, in one line: its type and first line, for storage the status and error code.</summary>
    internal static string Describe(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } single) e = single.InnerExceptions[0];
        var first = e.Message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        var what = e is Azure.RequestFailedException storage
            ? $"{e.GetType().Name} (status {storage.Status}{(string.IsNullOrEmpty(storage.ErrorCode) ? "" : ", " + storage.ErrorCode)})"
            : e.GetType().Name;
        return OneLine(first.Length == 0 ? what : $"{what}: {first}");
    }

    /// <summary>CPR-masked, control characters escaped, line breaks made spaces, at most 500 characters.</summary>
    private static string OneLine(string message)
    {
        var line = ConsoleText.Plain(string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)));
        return line.Length <= 500 ? line : line[..500] + "…";
    }
}

/// <summary>Wrong or missing arguments.</summary>
public sealed class CliUsageException(string message) : Exception(message);

/// <summary>The command cannot run: a missing file, an invalid contract, a configuration error. One line, no personal data.</summary>
public sealed class CannotRunException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary><c>--name value</c> options (repeatable) and <c>--flag</c> switches.</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public static CliArgs Parse(ReadOnlySpan<string> args)
    {
        var result = new CliArgs();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
                throw new CliUsageException($"unexpected argument '{a}'");
            var name = a[2..];
            var eq = name.IndexOf('=');
            if (eq > 0)
            {
                result.Add(name[..eq], name[(eq + 1)..]);
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                result.Add(name, args[++i]);
            }
            else
            {
                result._flags.Add(name);
            }
        }
        return result;
    }

    private void Add(string name, string value)
    {
        if (!_options.TryGetValue(name, out var list)) _options[name] = list = [];
        list.Add(value);
    }

    public bool Flag(string name) { _read.Add(name); return _flags.Contains(name); }

    public string? Optional(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var values)) return _flags.Contains(name) ? throw new CliUsageException($"--{name} needs a value") : null;
        if (values.Count > 1) throw new CliUsageException($"--{name} given {values.Count} times; give it once");
        return values[0];
    }

    public string Required(string name) => Optional(name) ?? throw new CliUsageException($"--{name} is required");

    public IReadOnlyList<string> All(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var values) ? values : [];
    }

    public DateOnly RequiredDate(string name) => ParseDate(name, Required(name));

    public DateOnly? OptionalDate(string name) => Optional(name) is { } s ? ParseDate(name, s) : null;

    private static DateOnly ParseDate(string name, string s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)
            ? d
            : throw new CliUsageException($"--{name} must be a date YYYY-MM-DD, not '{s}'");

    /// <summary>Fails on any option the command did not ask for, so a typo is never silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Concat(_flags).Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new CliUsageException("unknown option " + string.Join(", ", unknown.Select(u => "--" + u)));
    }
}
