using System.Globalization;
using System.Text;
using CsCheck;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>
/// The fast <see cref="EntitlementCalculator"/> and the readable <see cref="ReadableEntitlements"/> give the same
/// entitlements — periods, statuses, paid weeks, lines, amounts, target, data gaps, problems and failures — for random
/// contracts (window, period, maturity (0 included), min-sustained and target lengths; suspensions; several tariffs,
/// starting before or after the window; caps per participant and per programme; classification) and random histories
/// (codes of every class, weeks with no row, course ends and referral dates before and after them, run dates).
/// </summary>
/// <remarks>
/// Bounded for CI (<see cref="DefaultCases"/> programmes of 1-5 participants, about 5-15 s on a shared machine); <c>RULES_CASES=20000</c> runs more,
/// <c>RULES_SEED=…</c> replays the seed a failure printed. Amounts are compared by value: <c>796</c> and <c>796.00</c>
/// are the same amount (the engines may carry a different number of decimal places for the same value).
/// </remarks>
public class EngineEquivalenceTests
{
    private const int DefaultCases = 2_000;
    private static readonly IsoWeek Base = new(2019, 1);

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("RULES_CASES"), out var n) && n > 0 ? n : DefaultCases;
    private static string? Seed => Environment.GetEnvironmentVariable("RULES_SEED") is { Length: > 0 } s ? s : null;

    // Codes: empty (no benefit), 0 / 100 / 421 / 651 / 700 / 9999, null: no row. Which class each has is the contract's.
    private static readonly string?[] CodeOf = ["", "", "0", "100", "421", "651", "700", "9999", null];

    private static readonly Gen<WeekClass> Classes = Gen.OneOf(WeekClass.None, WeekClass.Full, WeekClass.Partial);

    private static readonly Gen<Classification> Classifications =
        Gen.Select(Classes, Classes, Gen.Select(Gen.OneOf("0", "100", "421", "651", "700", "9999"), Classes).Array[0, 6])
            .Select((empty, other, listed) => new Classification(empty, other,
                listed.DistinctBy(l => l.Item1).ToDictionary(l => l.Item1, l => l.Item2)));

    private static readonly Gen<Tariff[]> Tariffs =
        Gen.Select(Gen.Int[-60, 700], Gen.Int[0, 100_000], Gen.Int[0, 60_000]).Array[1, 4]
            .Select(ts => ts.DistinctBy(t => t.Item1).OrderBy(t => t.Item1)
                .Select(t => new Tariff(Base.Monday.AddDays(t.Item1), t.Item2 / 100m, t.Item3 / 100m)).ToArray());

    private static readonly Gen<Suspension[]> Suspensions =
        Gen.Select(Gen.Int[-20, 150], Gen.Int[0, 10]).Array[0, 3]
            .Select(ss => ss.Select(s => new Suspension(Base.AddWeeks(s.Item1), Base.AddWeeks(s.Item1 + s.Item2), "test")).ToArray());

    private static readonly Gen<Caps> CapsGen =
        Gen.Select(Gen.Int[0, 300_000].Nullable(0.5), Gen.Int[0, 800_000].Nullable(0.5))
            .Select((p, q) => new Caps(p / 100m, q / 100m));

    private static readonly Gen<Contract> Contracts =
        Gen.Select(
                Gen.Select(Gen.Int[1, 60], Gen.Int[1, 20], Gen.Int[0, 10], Gen.Int[1, 8], Gen.Int[1, 20], Gen.Int[1, 200], Gen.Int[1, 100]),
                Gen.Select(Classifications, Tariffs, Suspensions, CapsGen))
            .Select(x =>
            {
                var ((window, period, maturity, minSustained, target, referralCap, share), (classification, tariffs, suspensions, caps)) = x;
                return Sample with
                {
                    PaymentWindowWeeks = window, VerificationPeriodWeeks = period, MaturityWeeks = maturity,
                    MinSustainedWeeks = minSustained, TargetSustainedWeeks = target, ReferralCap = referralCap, TargetShare = share / 100m,
                    Classification = classification, Tariffs = tariffs, Suspensions = suspensions, Caps = caps,
                };
            });

    private sealed record Participant(Referral Referral, RegisterWeek[] Weeks);

    private static Gen<Participant> Participants(int i) =>
        Gen.Select(Gen.Int[-30, 80], Gen.Select(Gen.Int[0, CodeOf.Length - 1], Gen.Int[1, 14]).Array[0, 20], Gen.Int[-200, 500].Nullable(0.15), Gen.Int[-250, 450])
            .Select((start, runs, courseEnd, referred) =>
            {
                var person = Pseudonym.Parse((i + 1).ToString("x64", CultureInfo.InvariantCulture));
                var id = $"R{(i * 7 + 3) % 10}-{i}"; // ids not in list order
                var referral = new Referral(id, person, Base.Monday.AddDays(referred), Base.Monday.AddDays(referred + 7),
                    courseEnd is { } end ? Base.Monday.AddDays(end) : null, "FOKUS-" + id, "KaffeFair");
                // A history is runs of weeks with the same code, as a citizen stays in a state for a while.
                var codes = runs.SelectMany(run => Enumerable.Repeat(run.Item1, run.Item2)).ToArray();
                var weeks = codes.Select((c, w) => (Code: CodeOf[c], Week: Base.AddWeeks(start + w)))
                    .Where(x => x.Code is not null)
                    .Select(x => new RegisterWeek(person, x.Week, BenefitCode.Parse(x.Code))).ToArray();
                return new Participant(referral, weeks);
            });

    private sealed record Case(Contract Contract, Participant[] Participants, DateOnly AsOf)
    {
        public override string ToString() =>
            $"window={Contract.PaymentWindowWeeks} period={Contract.VerificationPeriodWeeks} maturity={Contract.MaturityWeeks} min={Contract.MinSustainedWeeks} " +
            $"target={Contract.TargetSustainedWeeks} caps={Contract.Caps} tariffs=[{string.Join("; ", Contract.Tariffs)}] " +
            $"suspensions=[{string.Join("; ", Contract.Suspensions.Select(s => $"{s.From}..{s.To}"))}] " +
            $"classes=empty {Contract.Classification.EmptyCode}, other {Contract.Classification.Default}, [{string.Join(", ", Contract.Classification.Codes)}] asOf={AsOf}\n" +
            string.Join("\n", Participants.Select(p => $"  {p.Referral.ReferralId} referred {p.Referral.ReferredOn} course end {p.Referral.CourseEnd}: " +
                string.Join(" ", p.Weeks.Select(w => $"{w.Week}={w.Code}"))));
    }

    private static readonly Gen<Case> Programmes =
        Gen.Select(Contracts, Gen.Select(Participants(0), Participants(1), Participants(2), Participants(3), Participants(4)), Gen.Int[1, 5], Gen.Int[-60, 1500])
            .Select((contract, people, count, asOf) =>
            {
                Participant[] all = [people.Item1, people.Item2, people.Item3, people.Item4, people.Item5];
                return new Case(contract, all[..count], Base.Monday.AddDays(asOf));
            });

    [Fact]
    public void The_fast_and_the_readable_engine_give_the_same_entitlements()
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        void Saw(string what, bool happened) { if (happened) seen[what] = seen.GetValueOrDefault(what) + 1; }

        Programmes.Sample(c =>
        {
            var fast = new EntitlementCalculator(c.Contract);
            var readable = new ReadableEntitlements(c.Contract);

            // Each participant alone (no programme cap) ...
            foreach (var p in c.Participants)
            {
                var expected = Describe(() => readable.Compute(p.Referral, p.Weeks, c.AsOf));
                Assert.Equal(expected, Describe(() => fast.Compute(p.Referral, p.Weeks, c.AsOf)));
            }

            // ... and the programme, with its cap.
            var input = c.Participants.Select(p => (p.Referral, p.Weeks)).ToArray();
            var readableProgramme = readable.ComputeProgramme(input, c.AsOf);
            Assert.Equal(Describe(readableProgramme), Describe(fast.ComputeProgramme(input, c.AsOf)));

            var periods = readableProgramme.Participants.SelectMany(e => e.Periods).ToList();
            Saw("a verified period paid", periods.Any(p => p.Status == PeriodStatus.Verified && p.Amount > 0m));
            Saw("an open period", periods.Any(p => p.Status == PeriodStatus.Open));
            Saw("a held period", periods.Any(p => p.Status == PeriodStatus.Held));
            Saw("a week with no tariff", readableProgramme.Participants.Any(e => e.Problems.Count > 0));
            Saw("the participant cap reducing", periods.Any(p => p.PaidWeeks.Any(w => w.CapReduction > 0m)) && c.Contract.Caps.PerParticipant is not null);
            Saw("the programme cap reducing", readableProgramme.ProgrammeCapReduction > 0m);
            Saw("a Partial week paid", periods.Any(p => p.PaidWeeks.Any(w => w.Class == WeekClass.Partial)));
            Saw("two tariffs in one period", periods.Any(p => p.Lines.Select(l => l.UnitPrice).Distinct().Count() > 1));
            Saw("a suspended week in a window", readableProgramme.Participants.Any(e => e.Window?.SuspendedWeeks > 0));
            Saw("self-sufficiency achieved", readableProgramme.Achieved > 0);
        }, seed: Seed, iter: Cases, threads: 1, print: c => c.ToString());

        // The generator must reach every rule often enough, or the property says little.
        foreach (var what in new[] { "a verified period paid", "an open period", "a held period", "a week with no tariff", "the participant cap reducing",
                     "the programme cap reducing", "a Partial week paid", "two tariffs in one period", "a suspended week in a window", "self-sufficiency achieved" })
            Assert.True(seen.GetValueOrDefault(what) >= Cases / 50,
                $"only {seen.GetValueOrDefault(what)} of {Cases} cases had {what} ({string.Join(", ", seen.Select(kv => $"{kv.Key}: {kv.Value}"))})");
    }

    /// <summary>Everything in an entitlement, amounts by value; or the refusal, when the engine refuses the input.</summary>
    private static string Describe(Func<Entitlement> compute)
    {
        try
        {
            return Describe(compute());
        }
        catch (ArgumentException e)
        {
            return "refused: " + e.Message;
        }
    }

    private static string Describe(ProgrammeEntitlements p) =>
        $"referred={p.Referred} inCourse={p.InCourse} achieved={p.Achieved} total={M(p.EntitledAmount)} programmeCap={M(p.ProgrammeCapReduction)} " +
        $"cap={p.ReferralCap} share={p.TargetShare} target={p.TargetCount} progress={p.TargetProgress} met={p.TargetMet}\n" +
        string.Concat(p.Failed.Select(f => $"failed {f.ReferralId} {f.FokusRef}: {f.Reason}\n")) +
        string.Concat(p.Participants.Select(Describe));

    private static string Describe(Entitlement e)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{e.ReferralId} {e.FokusRef} {e.Person.Short} {e.AsOf:yyyy-MM-dd} courseEnd={e.CourseEnd:yyyy-MM-dd} amount={M(e.Amount)} ");
        sb.Append(CultureInfo.InvariantCulture, $"full={e.FullWeeksPaid} partial={e.PartialWeeksPaid} window={e.Window} achieved={e.AchievedSelfSufficiency}@{e.AchievedInWeek}\n");
        foreach (var p in e.Periods)
        {
            sb.Append(CultureInfo.InvariantCulture, $" P{p.Index} {p.FirstWeek}..{p.LastWeek} n={p.CountedWeeks} {p.Status} {M(p.Amount)}\n");
            foreach (var w in p.PaidWeeks) sb.Append(CultureInfo.InvariantCulture, $"  {w.Week} {w.Class} {M(w.Tariff)} -{M(w.CapReduction)}\n");
            foreach (var l in p.Lines)
                sb.Append(CultureInfo.InvariantCulture, $"  line {l.Key} {l.FokusRef} {l.PeriodFirstWeek}..{l.PeriodLastWeek} {l.Class} {l.Weeks} x {M(l.UnitPrice)} = {M(l.Gross)} - {M(l.CapReduction)} = {M(l.Amount)}\n");
        }
        sb.Append("missing=").AppendJoin(",", e.MissingFinalWeeks).Append('\n');
        foreach (var problem in e.Problems) sb.Append(CultureInfo.InvariantCulture, $"{problem.Kind} {problem.ReferralId} P{problem.PeriodIndex} {problem.Week} {problem.Message}\n");
        return sb.ToString();
    }

    private static string M(decimal amount) => amount.ToString("0.############", CultureInfo.InvariantCulture);
}
