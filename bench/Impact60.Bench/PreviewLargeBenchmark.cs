using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Impact60.Bench;

/// <summary>
/// The operator's <c>preview</c> over a whole-register extract: generates valid extracts of a given size (seeded, so every
/// run sees the same bytes), runs the real CLI (<c>dotnet Impact60.Cli/bin/Release/net10.0/impact60.dll preview ... --json</c>)
/// as a child process and measures its wall time and peak resident set size. Target: under 1.5 GB RSS for 200 MB, and
/// memory that grows with the participants (at most the contract's referral cap), not with the extract's rows.
/// </summary>
/// <remarks>
/// Scenarios, each measured <c>--runs</c> times (median reported):
/// <list type="bullet">
/// <item>long form <c>cpr;week;code</c> at each of <c>--sizes</c> MB, 120 of its persons referred;</item>
/// <item>wide DREAM form <c>cpr;y_YYWW;...</c> at each of <c>--wide-sizes</c> MB, 120 referred;</item>
/// <item>long form of <c>--all-mb</c> MB with every person in the referrals file: the shipped cap takes the first 120 and
/// rejects the rest as over the cap;</item>
/// <item>the same extract and referrals with a copy of the contract whose cap is raised to every person
/// (<c>--raised-cap-mb</c>): what memory a participant costs.</item>
/// </list>
/// Peak RSS is the child's maximum resident set size as <c>/usr/bin/time -v</c> reports it (the kernel's <c>ru_maxrss</c>);
/// without <c>/usr/bin/time</c> the harness polls <c>VmHWM</c> in <c>/proc/PID/status</c> instead and says so.
/// </remarks>
internal static class PreviewLargeBenchmark
{
    private const ulong Seed = 200;
    private const string TimeTool = "/usr/bin/time";

    /// <summary>The first register week, 2018-W27, as in the shipped samples.</summary>
    private static readonly DateOnly FirstMonday = new(2018, 7, 2);

    /// <summary>Fictitious CPRs as in samples/README.md: a birth date 1965-2000 and a serial 9900-9999.</summary>
    private static readonly DateOnly FirstBirthday = new(1965, 1, 1);
    private const int BirthDays = 13_149; // 1965-01-01 .. 2000-12-31
    private const int CprStride = 7_919;  // prime, coprime with BirthDays: consecutive persons get scattered birth dates
    private const int MaxPersons = BirthDays * 100;

    // Code table: 0 empty (no benefit), 1-4 cash benefit (class None), 5-6 flex job (Partial), 7-8 education (Full).
    private static readonly byte[][] Codes = [[], "130"u8.ToArray(), "131"u8.ToArray(), "132"u8.ToArray(), "135"u8.ToArray(),
        "421"u8.ToArray(), "422"u8.ToArray(), "651"u8.ToArray(), "652"u8.ToArray()];
    private const byte Hole = 0x80; // long form: the week has no row

    private static readonly string[] Businesses = ["KaffeFair", "Facility Service", "Butik ByRetro"];

    private sealed record Scenario(string Label, bool Wide, int Megabytes, ReferMode Refer);

    private enum ReferMode { Spread120, All, AllRaisedCap }

    private sealed record Extract(string WeeksPath, int Persons, long Rows, long Bytes, string ReferralsPath, int ReferralRows, string ContractPath, int Cap, double GenerateSeconds);

    private sealed record Measure(double WallSeconds, double CpuSeconds, long PeakRssKb, int ExitCode);

    public static int Run(string[] args)
    {
        var sizes = Sizes(BenchOptions.Text(args, "sizes", "50,100,200,400"));
        var wideSizes = Sizes(BenchOptions.Text(args, "wide-sizes", "200"));
        var allMb = BenchOptions.Int(args, "all-mb", 50);
        var raisedCapMb = BenchOptions.Int(args, "raised-cap-mb", 50);
        var weeks = BenchOptions.Int(args, "weeks", 200);
        var runs = BenchOptions.Int(args, "runs", 3);
        var outOption = BenchOptions.Text(args, "out", null);

        var root = BenchOptions.RepositoryRoot();
        // --dll: another build of the CLI (an older commit, to compare); the default is this worktree's Release build.
        var dll = Path.GetFullPath(BenchOptions.Text(args, "dll", null) ?? Path.Combine(root, "Impact60.Cli", "bin", "Release", "net10.0", "impact60.dll"));
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"{dll} not found: build it first (dotnet build Impact60.Cli -c Release).");
            return 2;
        }
        var shippedContract = Path.Combine(root, "samples", "impact60.contract.json");
        var dir = outOption ?? Path.Combine(Path.GetTempPath(), $"impact60-preview-large-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var lastWeekMonday = FirstMonday.AddDays(7 * (weeks - 1));
        // Nine weeks after the last register week: every week is in the past, most periods are final.
        var asOf = lastWeekMonday.AddDays(66);
        var useTime = File.Exists(TimeTool);

        var scenarios = sizes.Select(mb => new Scenario("long", false, mb, ReferMode.Spread120)).ToList();
        scenarios.AddRange(wideSizes.Select(mb => new Scenario("wide (DREAM)", true, mb, ReferMode.Spread120)));
        if (allMb > 0) scenarios.Add(new Scenario("long, every person referred (shipped cap)", false, allMb, ReferMode.All));
        if (raisedCapMb > 0) scenarios.Add(new Scenario("long, every person referred, cap raised to all", false, raisedCapMb, ReferMode.AllRaisedCap));

        Console.WriteLine(Invariant($"preview-large: {weeks} weeks per person ({Week(FirstMonday)} .. {Week(lastWeekMonday)}), as of {asOf:yyyy-MM-dd}, seed {Seed}, {runs} run(s) each, into {dir}"));
        Console.WriteLine($"Peak RSS from {(useTime ? $"{TimeTool} -v (the child's ru_maxrss)" : "polling VmHWM in /proc/PID/status every 20 ms (no /usr/bin/time)")}");
        Console.WriteLine($"Machine: nproc {Environment.ProcessorCount}, {CpuModel()}, load average {LoadAverage()}");

        var rows = new List<string>();
        var failed = false;
        try
        {
            foreach (var scenario in scenarios)
            {
                var extract = Generate(scenario, dir, weeks, shippedContract);
                Console.WriteLine(Invariant($"{scenario.Label}, {scenario.Megabytes} MB: {extract.Bytes / 1e6:F1} MB, {extract.Persons:N0} persons, {extract.Rows:N0} {(scenario.Wide ? "cells" : "rows")}, {extract.ReferralRows:N0} referral rows (generated in {extract.GenerateSeconds:F1} s); load average {LoadAverage()}"));
                var expectedParticipants = Math.Min(extract.Cap, extract.ReferralRows);
                var measures = new List<Measure>();
                for (var r = 0; r < runs; r++)
                {
                    var json = Path.Combine(dir, "preview.json");
                    var err = Path.Combine(dir, "preview.stderr");
                    var m = useTime ? RunTimed(dll, extract, asOf, json, err, Path.Combine(dir, "time.txt")) : RunPolled(dll, extract, asOf, json, err);
                    var check = Check(json, extract, expectedParticipants, m.ExitCode, scenario.Refer == ReferMode.All);
                    Console.WriteLine(Invariant($"  run {r + 1}: wall {m.WallSeconds,6:F1} s, CPU {m.CpuSeconds,6:F1} s, peak RSS {m.PeakRssKb / 1024.0,7:F0} MiB, exit {m.ExitCode}{(check is null ? "" : $"  FAILED: {check}")}"));
                    if (check is not null)
                    {
                        failed = true;
                        if (File.Exists(err)) Console.WriteLine("  stderr: " + string.Join(" | ", File.ReadLines(err).Take(5)));
                    }
                    measures.Add(m);
                }
                var wall = Median(measures.Select(m => m.WallSeconds));
                var cpu = Median(measures.Select(m => m.CpuSeconds));
                var rss = Median(measures.Select(m => m.PeakRssKb / 1024.0));
                var row = Invariant($"| {scenario.Label} | {extract.Bytes / 1e6:F0} | {extract.Persons:N0} | {extract.Rows:N0} | {expectedParticipants:N0} | {wall:F1} ({measures.Min(m => m.WallSeconds):F1}-{measures.Max(m => m.WallSeconds):F1}) | {cpu:F1} | {rss:F0} ({measures.Min(m => m.PeakRssKb) / 1024.0:F0}-{measures.Max(m => m.PeakRssKb) / 1024.0:F0}) |");
                rows.Add(row);
                Console.WriteLine(Invariant($"  median: wall {wall:F1} s, CPU {cpu:F1} s, peak RSS {rss:F0} MiB; load average {LoadAverage()}"));
                if (outOption is null) File.Delete(extract.WeeksPath);
            }
        }
        finally
        {
            if (outOption is null) Directory.Delete(dir, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("| extract | MB | persons | rows (wide: cells) | participants | wall s, median (min-max) | CPU s (user+sys), median | peak RSS MiB, median (min-max) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows) Console.WriteLine(row);
        Console.WriteLine($"load average at the end {LoadAverage()}");
        return failed ? 1 : 0;
    }

    // ---- generation ------------------------------------------------------------------------------------------------

    private static Extract Generate(Scenario scenario, string dir, int weeks, string shippedContract)
    {
        var sw = Stopwatch.StartNew();
        var weekLabels = Enumerable.Range(0, weeks).Select(w => FirstMonday.AddDays(7 * w)).Select(d => scenario.Wide
            ? Encoding.ASCII.GetBytes(Invariant($"y_{ISOWeek.GetYear(d.ToDateTime(TimeOnly.MinValue)) % 100:D2}{ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)):D2}"))
            : Encoding.ASCII.GetBytes(Week(d))).ToArray();
        var target = scenario.Megabytes * 1_000_000L;

        // How many persons make the size: measured on the first 1,000 (written to nowhere), then extrapolated.
        var header = scenario.Wide
            ? Encoding.ASCII.GetBytes("cpr;" + string.Join(';', weekLabels.Select(Encoding.ASCII.GetString)) + "\n")
            : "cpr;week;code\n"u8.ToArray();
        var probe = new Sink(null);
        var history = new byte[weeks];
        const int probePersons = 1_000;
        for (var i = 0; i < probePersons; i++) WritePerson(probe, i, scenario.Wide, weekLabels, history);
        var persons = (int)Math.Max(1, Math.Ceiling((target - header.Length) / (probe.Bytes / (double)probePersons)));
        if (persons > MaxPersons) throw new InvalidOperationException($"{persons:N0} persons exceed the {MaxPersons:N0} fictitious CPRs the generator can make; use fewer MB or more weeks.");

        var weeksPath = Path.Combine(dir, Invariant($"weeks-{(scenario.Wide ? "wide" : "long")}-{scenario.Megabytes}mb.csv"));
        long rows;
        long bytes;
        using (var file = new FileStream(weeksPath, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
        {
            var sink = new Sink(file);
            sink.Put(header);
            for (var i = 0; i < persons; i++) WritePerson(sink, i, scenario.Wide, weekLabels, history);
            sink.Flush();
            rows = sink.Rows;
            bytes = sink.Bytes;
        }

        // The referred persons: 120 spread over the file, or every person.
        var referred = scenario.Refer == ReferMode.Spread120
            ? Enumerable.Range(0, 120).Select(k => (int)((2L * k + 1) * persons / 240)).Distinct().ToList()
            : Enumerable.Range(0, persons).ToList();
        var referralsPath = Path.Combine(dir, Invariant($"referrals-{scenario.Refer}-{persons}.csv"));
        WriteReferrals(referralsPath, referred);

        var contractPath = shippedContract;
        var contract = JsonNode.Parse(File.ReadAllText(shippedContract))!.AsObject();
        var cap = contract["referralCap"]!.GetValue<int>();
        if (scenario.Refer == ReferMode.AllRaisedCap)
        {
            // A copy of the shipped contract, only the cap changed: not a contract anyone signed, a way to see a participant's cost.
            cap = persons;
            contract["referralCap"] = cap;
            contractPath = Path.Combine(dir, Invariant($"impact60.contract.cap{cap}.json"));
            File.WriteAllText(contractPath, contract.ToJsonString());
        }
        return new Extract(weeksPath, persons, rows, bytes, referralsPath, referred.Count, contractPath, cap, sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// One person's weeks. A citizen stays in a state (cash benefit, no benefit, flex job, education) and switches with
    /// 8 % chance a week; about 1 % of weeks have no row in the long form (the wide form writes every cell).
    /// </summary>
    private static void WritePerson(Sink sink, int person, bool wide, byte[][] weekLabels, byte[] history)
    {
        var rng = new SplitMix64((Seed << 40) ^ (ulong)person);
        var state = rng.Below(100) < 70 ? 0 : 1 + rng.Below(3);
        var code = PickCode(state, ref rng);
        for (var w = 0; w < history.Length; w++)
        {
            if (rng.Below(100) < 8)
            {
                var p = rng.Below(100);
                state = p < 40 ? 0 : p < 75 ? 1 : p < 90 ? 2 : 3;
                code = PickCode(state, ref rng);
            }
            history[w] = (byte)(code | (rng.Below(100) < 1 ? Hole : 0));
        }

        Span<byte> cpr = stackalloc byte[11];
        Cpr(person, cpr);
        if (wide)
        {
            // DREAM writes the CPR without the dash.
            sink.Put(cpr[..6]);
            sink.Put(cpr[7..]);
            foreach (var h in history)
            {
                sink.Put((byte)';');
                sink.Put(Codes[h & ~Hole]);
            }
            sink.Put((byte)'\n');
            sink.Rows += history.Length;
            return;
        }
        for (var w = 0; w < history.Length; w++)
        {
            if ((history[w] & Hole) != 0) continue;
            sink.Put(cpr);
            sink.Put((byte)';');
            sink.Put(weekLabels[w]);
            sink.Put((byte)';');
            sink.Put(Codes[history[w]]);
            sink.Put((byte)'\n');
            sink.Rows++;
        }
    }

    private static byte PickCode(int state, ref SplitMix64 rng) => state switch
    {
        0 => (byte)(rng.Below(6) switch { 0 or 1 or 2 => 1, 3 => 2, 4 => 3, _ => 4 }), // 130 half the time, as in the samples
        1 => 0,
        2 => (byte)(5 + rng.Below(2)),
        _ => (byte)(7 + rng.Below(2)),
    };

    /// <summary>Person number → a distinct fictitious CPR <c>DDMMYY-99SS</c> (valid date, serial 9900-9999).</summary>
    private static void Cpr(int person, Span<byte> into)
    {
        var birth = FirstBirthday.AddDays((int)((long)person * CprStride % BirthDays));
        var serial = 9900 + person / BirthDays;
        Two(into, 0, birth.Day);
        Two(into, 2, birth.Month);
        Two(into, 4, birth.Year % 100);
        into[6] = (byte)'-';
        Two(into, 7, serial / 100);
        Two(into, 9, serial % 100);

        static void Two(Span<byte> s, int at, int v)
        {
            s[at] = (byte)('0' + v / 10);
            s[at + 1] = (byte)('0' + v % 10);
        }
    }

    private static void WriteReferrals(string path, List<int> persons)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business\n");
        Span<byte> cpr = stackalloc byte[11];
        for (var k = 0; k < persons.Count; k++)
        {
            // Referred over 15 months from 2018-09-27; the course starts on the Monday a week or so later and ends on a
            // Friday 12-39 weeks after it: every payment window opens inside the register history.
            var referredOn = new DateOnly(2018, 9, 27).AddDays((int)(k * 450L / persons.Count));
            var courseStart = referredOn.AddDays(7);
            while (courseStart.DayOfWeek != DayOfWeek.Monday) courseStart = courseStart.AddDays(1);
            var courseEnd = courseStart.AddDays(7 * (12 + k % 28) + 4);
            Cpr(persons[k], cpr);
            writer.Write(Invariant($"JC-{k + 1:D6};{Encoding.ASCII.GetString(cpr)};{referredOn:yyyy-MM-dd};{courseStart:yyyy-MM-dd};{courseEnd:yyyy-MM-dd};F-{k + 1:D6};{Businesses[k % Businesses.Length]}\n"));
        }
    }

    /// <summary>Buffered bytes to a file, or only counted (a null stream).</summary>
    private sealed class Sink(Stream? stream)
    {
        private readonly byte[] _buffer = new byte[1 << 20];
        private int _used;

        public long Bytes { get; private set; }
        public long Rows { get; set; }

        public void Put(ReadOnlySpan<byte> bytes)
        {
            if (_used + bytes.Length > _buffer.Length) Flush();
            bytes.CopyTo(_buffer.AsSpan(_used));
            _used += bytes.Length;
            Bytes += bytes.Length;
        }

        public void Put(byte b)
        {
            if (_used == _buffer.Length) Flush();
            _buffer[_used++] = b;
            Bytes++;
        }

        public void Flush()
        {
            stream?.Write(_buffer, 0, _used);
            _used = 0;
        }
    }

    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public int Below(int n)
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)((z ^ (z >> 31)) % (ulong)n);
        }
    }

    // ---- measurement -----------------------------------------------------------------------------------------------

    private static string PreviewArguments(string dll, Extract e, DateOnly asOf) =>
        Invariant($"dotnet {Quote(dll)} preview --contract {Quote(e.ContractPath)} --referrals {Quote(e.ReferralsPath)} --weeks {Quote(e.WeeksPath)} --as-of {asOf:yyyy-MM-dd} --json");

    /// <summary>Under <c>/usr/bin/time -v</c>: wall from a stopwatch around it, CPU and peak RSS as the kernel reports them at exit.</summary>
    private static Measure RunTimed(string dll, Extract e, DateOnly asOf, string json, string err, string timeFile)
    {
        var script = $"{TimeTool} -v -o {Quote(timeFile)} {PreviewArguments(dll, e, asOf)} > {Quote(json)} 2> {Quote(err)}";
        var sw = Stopwatch.StartNew();
        var exit = Shell(script, _ => { });
        sw.Stop();
        double user = 0, sys = 0;
        long rss = 0;
        foreach (var line in File.ReadLines(timeFile))
        {
            var t = line.Trim();
            if (t.StartsWith("User time (seconds):", StringComparison.Ordinal)) user = Number(t);
            else if (t.StartsWith("System time (seconds):", StringComparison.Ordinal)) sys = Number(t);
            else if (t.StartsWith("Maximum resident set size (kbytes):", StringComparison.Ordinal)) rss = (long)Number(t);
        }
        return new Measure(sw.Elapsed.TotalSeconds, user + sys, rss, exit);

        static double Number(string line) => double.Parse(line[(line.LastIndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Without <c>/usr/bin/time</c>: the shell execs the CLI (same PID), whose VmHWM is polled until it exits.</summary>
    private static Measure RunPolled(string dll, Extract e, DateOnly asOf, string json, string err)
    {
        long hwm = 0;
        double cpu = 0;
        var sw = Stopwatch.StartNew();
        var exit = Shell($"exec {PreviewArguments(dll, e, asOf)} > {Quote(json)} 2> {Quote(err)}", process =>
        {
            while (!process.HasExited)
            {
                try
                {
                    foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
                        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                            hwm = Math.Max(hwm, long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
                    var stat = File.ReadAllText($"/proc/{process.Id}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
                }
                catch (IOException)
                {
                    // Exited between the check and the read.
                }
                Thread.Sleep(20);
            }
        });
        sw.Stop();
        return new Measure(sw.Elapsed.TotalSeconds, cpu, hwm, exit);
    }

    private static int Shell(string script, Action<Process> whileRunning)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /bin/sh");
        whileRunning(process);
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Null when the preview read the whole extract and computed the participants expected; otherwise what is wrong.</summary>
    private static string? Check(string jsonPath, Extract e, int participants, int exit, bool overCap)
    {
        // Exit 1 is expected only when the referrals file is mostly over the cap (ingestion would refuse it whole).
        if (exit != 0 && !(overCap && exit == 1)) return $"exit code {exit}";
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            var root = doc.RootElement;
            var got = root.GetProperty("participants").GetArrayLength();
            if (got != participants) return $"{got} participants in the JSON, expected {participants}";
            var files = root.GetProperty("files");
            var referrals = files[0];
            var weeks = files[1];
            if (referrals.GetProperty("rowsRead").GetInt64() != e.ReferralRows) return $"referrals rowsRead {referrals.GetProperty("rowsRead").GetInt64()}, expected {e.ReferralRows}";
            if (weeks.GetProperty("rowsRead").GetInt64() != e.Rows) return $"weeks rowsRead {weeks.GetProperty("rowsRead").GetInt64()}, expected {e.Rows}";
            if (weeks.GetProperty("rejected").GetInt64() != 0) return $"{weeks.GetProperty("rejected").GetInt64()} weeks rows rejected, expected none";
            var overCapRejected = Math.Max(0, e.ReferralRows - participants);
            if (root.GetProperty("rejectedTotal").GetInt64() != overCapRejected) return $"rejectedTotal {root.GetProperty("rejectedTotal").GetInt64()}, expected {overCapRejected}";
            return null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or KeyNotFoundException or InvalidOperationException)
        {
            return $"unreadable preview JSON: {ex.Message}";
        }
    }

    // ---- small things ----------------------------------------------------------------------------------------------

    private static List<int> Sizes(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Where(mb => mb > 0).ToList();

    private static string Week(DateOnly monday)
    {
        var d = monday.ToDateTime(TimeOnly.MinValue);
        return Invariant($"{ISOWeek.GetYear(d)}-W{ISOWeek.GetWeekOfYear(d):D2}");
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}
