using System.Diagnostics;
using System.Globalization;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Bench;

/// <summary>
/// Entitlement computation on one thread over N generated participants (seeded, so runs are comparable), each with
/// `--history` register weeks starting 40 weeks before the payment window. Reports participant-weeks (register rows)
/// per second and microseconds per participant; the target is at least 20 million participant-weeks per second.
/// `--engine fast` (the default) measures <see cref="EntitlementCalculator"/>, `--engine readable` the reference
/// <see cref="ReadableEntitlements"/>; both must give the same total.
/// </summary>
internal static class EntitlementBenchmark
{
    public static int Run(string[] args)
    {
        var participants = BenchOptions.Int(args, "participants", 100_000);
        var runs = BenchOptions.Int(args, "runs", 5);
        var history = BenchOptions.Int(args, "history", 200);
        var engine = BenchOptions.Text(args, "engine", "fast")!;
        var contract = ContractLoader.Load(File.ReadAllText(Path.Combine(BenchOptions.RepositoryRoot(), "samples", "impact60.contract.json")), "impact60.contract.json");
        var fast = new EntitlementCalculator(contract);
        var readable = new ReadableEntitlements(contract);
        Func<Referral, RegisterWeek[], DateOnly, Entitlement> compute = engine switch
        {
            "fast" => (r, w, d) => fast.Compute(r, w, d),
            "readable" => readable.Compute,
            _ => throw new ArgumentException($"--engine must be fast or readable, not '{engine}'."),
        };
        var asOf = new DateOnly(2024, 6, 1);

        Console.WriteLine($"Generating {participants:N0} participants x {history} register weeks (seed 60), {engine} engine...");
        var (referrals, weeks) = Generate(participants, history, seed: 60);
        long rows = weeks.Sum(w => (long)w.Length);

        // Warm-up: lets the JIT reach tier 1 (with dynamic PGO) before anything is timed.
        var checksum = ComputeAll(compute, referrals, weeks, asOf);
        // Wall time measures the machine as it is; CPU time (the process's, which on one compute thread with
        // non-concurrent GC is this thread plus its garbage collections) measures the code when the machine is shared.
        var wall = new List<double>();
        var cpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (var r = 0; r < runs; r++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var sum = ComputeAll(compute, referrals, weeks, asOf);
            sw.Stop();
            process.Refresh();
            var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            if (sum != checksum) throw new InvalidOperationException("Entitlement is not deterministic between runs.");
            wall.Add(sw.Elapsed.TotalSeconds);
            cpu.Add(cpuSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {r + 1}: wall {sw.Elapsed.TotalMilliseconds,7:F0} ms = {rows / sw.Elapsed.TotalSeconds / 1e6,5:F1} M pw/s;  CPU {cpuSeconds * 1000,7:F0} ms = {rows / cpuSeconds / 1e6,5:F1} M pw/s, {cpuSeconds * 1e6 / participants,5:F2} us/participant"));
        }
        wall.Sort();
        cpu.Sort();
        double wallMedian = wall[wall.Count / 2], cpuMedian = cpu[cpu.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"entitlement ({engine}): {participants:N0} participants, {rows:N0} participant-weeks; median per CPU-second {rows / cpuMedian / 1e6:F1} M participant-weeks/s ({cpuMedian * 1e6 / participants:F2} us/participant), median wall {rows / wallMedian / 1e6:F1} M/s; load average {LoadAverage()}; total entitled DKK {checksum:N2}"));
        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static decimal ComputeAll(Func<Referral, RegisterWeek[], DateOnly, Entitlement> compute, Referral[] referrals, RegisterWeek[][] weeks, DateOnly asOf)
    {
        var total = 0m;
        for (var i = 0; i < referrals.Length; i++)
            total += compute(referrals[i], weeks[i], asOf).Amount;
        return total;
    }

    /// <summary>
    /// Register histories with realistic runs: a citizen stays in a state (self-supporting, flex job, SU, on benefit)
    /// for a while before switching, and about 1 % of weeks are missing. Rows are shuffled per participant, as a
    /// register file would not promise any order.
    /// </summary>
    private static (Referral[] Referrals, RegisterWeek[][] Weeks) Generate(int participants, int history, int seed)
    {
        var random = new Random(seed);
        BenefitCode[] codes = [BenefitCode.NoBenefit, BenefitCode.Parse("421"), BenefitCode.Parse("651"), BenefitCode.Parse("100"), BenefitCode.Parse("700")];
        var referrals = new Referral[participants];
        var weeks = new RegisterWeek[participants][];
        var hex = new char[64];
        for (var p = 0; p < participants; p++)
        {
            for (var i = 0; i < hex.Length; i++) hex[i] = "0123456789abcdef"[random.Next(16)];
            var person = Pseudonym.Parse(new string(hex));
            var courseEnd = new DateOnly(2019, 1, 1).AddDays(random.Next(540));
            var referred = courseEnd.AddDays(-random.Next(60, 300));
            referrals[p] = new Referral($"R{p:D6}", person, referred, referred.AddDays(14), courseEnd, $"F{p:D6}", "KaffeFair");

            var first = IsoWeek.Containing(courseEnd).AddWeeks(-39);
            var rows = new List<RegisterWeek>(history);
            var state = random.Next(codes.Length);
            for (var w = 0; w < history; w++)
            {
                if (random.Next(100) < 8) state = random.Next(codes.Length);
                if (random.Next(100) == 0) continue; // not reported yet
                rows.Add(new RegisterWeek(person, first.AddWeeks(w), codes[state]));
            }
            var array = rows.ToArray();
            random.Shuffle(array);
            weeks[p] = array;
        }
        return (referrals, weeks);
    }
}
