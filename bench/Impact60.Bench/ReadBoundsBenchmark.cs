using System.Diagnostics;
using System.Globalization;
using System.Text;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Bench;

/// <summary>
/// The register file readers' processor time on the inputs that once made them quadratic (docs/fuzzing.md, F1 to F3),
/// against the time bound stated there: 2 s plus 2 s per MB of input. The fuzz tests judge a read by what it allocates,
/// which does not depend on the machine's load; a pass that allocates nothing (masking a header with nothing to mask,
/// F1; a dictionary whose keys share a few thousand hash codes, F3) shows only in time, and tests do not time things.
/// Exit code 1 when a median is over its bound.
/// </summary>
/// <remarks>
/// The inputs are the bytes of tests/Impact60.Fuzz.Tests/Harness/ReadBoundsInputs.cs, built again here (the bench does not
/// reference the test project); keep the two alike. The headers have 20,000 unknown columns, not the tests' 10,000, and
/// no CPR-shaped name: a header rejection that masks the whole header again is then a pass that allocates little and
/// takes time in proportion to the header, so the read grows with the square of the columns while its bound grows
/// with the bytes; at 10,000 it was only just over its bound on this machine, at 20,000 it is several times over.
/// </remarks>
internal static class ReadBoundsBenchmark
{
    /// <summary>The stated time bound (docs/fuzzing.md "Memory, work and time bounds"; <c>Bounds</c> in the fuzz harness).</summary>
    private static readonly TimeSpan CpuConstant = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan CpuPerMegabyte = TimeSpan.FromSeconds(2);

    /// <summary>The stated allocation bound, printed for comparison (the fuzz tests enforce it).</summary>
    private const long AllocationPerInputByte = 2048;

    private static readonly Pseudonymizer Pseudonymizer = new(Encoding.ASCII.GetBytes("impact60-bench-read-bounds-fixed-test-key-0123456789"));

    private static readonly IsoWeek LatestAllowedWeek = IsoWeek.Containing(new DateOnly(2022, 3, 31));

    private const string ReferralsHeader = "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business";

    private sealed record Case(string Name, string Reader, byte[] Input, long ExpectedWeeksOrRows, long ExpectedRejections, byte[] WarmUp);

    public static int Run(string[] args)
    {
        var runs = Math.Max(1, BenchOptions.Int(args, "runs", 3));
        Case[] cases =
        [
            new("densest valid wide file, 1,200 x 1,100 empty cells (F3)", "weeks", DensestWideFile(1200, 1100), 1200L * 1100, 0, DensestWideFile(120, 110)),
            new("wide rows of bad cells, 200 x 1,100 'x' (F2)", "weeks", WideRowsOfBadCells(200, 1100), 0, 200L * 1100, WideRowsOfBadCells(20, 110)),
            new("referrals header, 20,000 unknown columns (F1)", "referrals", Header(ReferralsHeader, 20_000), 0, 20_000, Header(ReferralsHeader, 1_000)),
            new("long-form header, 20,000 unknown columns (F1)", "weeks", Header("cpr;week;code", 20_000), 0, 20_000, Header("cpr;week;code", 1_000)),
            new("wide-form header, 20,000 unknown columns (F1)", "weeks", Header("cpr;y_2101", 20_000), 0, 20_000, Header("cpr;y_2101", 1_000)),
        ];

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"read-bounds: processor time of one read against the stated bound ({CpuConstant.TotalSeconds:0} s + {CpuPerMegabyte.TotalSeconds:0} s per MB of input), median of {runs} run(s) after a warm-up; {Environment.ProcessorCount} processors, load average {LoadAverage()}"));
        var over = 0;
        foreach (var c in cases)
        {
            Read(c.Reader, c.WarmUp);
            var cpu = new List<double>();
            var wall = new List<double>();
            long allocated = 0;
            for (var r = 0; r < runs; r++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                var cpuBefore = Environment.CpuUsage.TotalTime;
                var sw = Stopwatch.StartNew();
                var (rows, rejections) = Read(c.Reader, c.Input);
                sw.Stop();
                cpu.Add((Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds);
                wall.Add(sw.Elapsed.TotalSeconds);
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                if (rows != c.ExpectedWeeksOrRows || rejections != c.ExpectedRejections)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{c.Name}: read {rows:N0} rows and {rejections:N0} rejections, expected {c.ExpectedWeeksOrRows:N0} and {c.ExpectedRejections:N0}: the benchmark's input is not what it measures"));
                    return 2;
                }
            }
            cpu.Sort();
            wall.Sort();
            var bound = CpuConstant + CpuPerMegabyte * (c.Input.Length / (double)(1 << 20));
            var median = cpu[cpu.Count / 2];
            var ok = median <= bound.TotalSeconds;
            if (!ok) over++;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {c.Name,-58} {c.Input.Length,10:N0} B  CPU {median,6:0.00} s ({cpu[0]:0.00}-{cpu[^1]:0.00})  bound {bound.TotalSeconds,5:0.00} s  wall {wall[wall.Count / 2],6:0.00} s  allocated {(double)allocated / c.Input.Length,6:0} B/byte (bound {AllocationPerInputByte:N0} + 64 MB)  {(ok ? "within" : "OVER THE BOUND")}"));
        }
        Console.WriteLine(over == 0 ? "read-bounds: every read within its time bound" : $"read-bounds: {over} read(s) over the time bound");
        return over == 0 ? 0 : 1;
    }

    /// <summary>One read as the ingestion does it: every week or row kept in a list, rejections counted by a <see cref="RejectionLog"/>.</summary>
    private static (long Rows, long Rejections) Read(string reader, byte[] input)
    {
        var log = new RejectionLog();
        using var stream = new MemoryStream(input, writable: false);
        if (reader == "referrals")
        {
            var rows = new List<ReferralRow>();
            rows.AddRange(ReferralFile.ReadRows(stream, "referrals.csv", Pseudonymizer, log));
            return (rows.Count, log.Total);
        }
        var weeks = new List<RegisterWeek>();
        weeks.AddRange(WeeksFile.Read(stream, "weeks.csv", Pseudonymizer, LatestAllowedWeek, log));
        return (weeks.Count, log.Total);
    }

    private static byte[] Header(string known, int unknown) =>
        Encoding.UTF8.GetBytes(known + ";" + string.Join(';', Enumerable.Range(0, unknown).Select(i => $"c{i}")) + "\n");

    private static byte[] DensestWideFile(int persons, int weeks) => WideFile(persons, weeks, new string(';', weeks));

    private static byte[] WideRowsOfBadCells(int persons, int weeks) => WideFile(persons, weeks, string.Concat(Enumerable.Repeat(";x", weeks)));

    /// <summary>cpr;y_0002;…: <paramref name="persons"/> rows of distinct valid CPRs (from 1 January 1960 on), each followed by <paramref name="cells"/>.</summary>
    private static byte[] WideFile(int persons, int weeks, string cells)
    {
        var columns = Enumerable.Range(0, weeks).Select(i => IsoWeek.Containing(new DateOnly(2000, 1, 10)).AddWeeks(i));
        var sb = new StringBuilder("cpr;" + string.Join(';', columns.Select(WeeksFile.WideColumnName)) + "\n");
        var day = new DateOnly(1960, 1, 1);
        for (var person = 0; person < persons; person++)
            sb.Append(day.AddDays(person).ToString("ddMMyy", CultureInfo.InvariantCulture)).Append("1234").Append(cells).Append('\n');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
