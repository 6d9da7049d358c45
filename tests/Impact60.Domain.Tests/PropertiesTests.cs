using CsCheck;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Settlement;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>
/// Properties that hold for any register history: generated histories around the COVID-19 suspension of the shipped
/// contract (2020-W12..W19), with and without a per-participant cap, with gaps, revisions and varying run dates.
/// </summary>
public class PropertiesTests
{
    private const int Iterations = 400;
    private static readonly IsoWeek Base = new(2019, 20);
    private static readonly Contract Capped = Sample with { Caps = new Caps(40_000m, null) };

    private sealed record Case(Contract Contract, Referral Referral, string Pattern, IsoWeek HistoryStart, DateOnly AsOf, int Seed)
    {
        public RegisterWeek[] Weeks => EntitlementTestData.Weeks(HistoryStart, Pattern);
        public override string ToString() =>
            $"capped={Contract.Caps.PerParticipant is not null} courseEnd={Referral.CourseEnd} referred={Referral.ReferredOn} history from {HistoryStart}: {Pattern} asOf={AsOf} seed={Seed}";
    }

    private static readonly Gen<string> Pattern = Gen.Char["FFFFSPPNN."].Array[0, 240].Select(cs => new string(cs));

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.OneOf(Sample, Capped), Pattern, Gen.Int[0, 30], Gen.Int[-5, 90], Gen.Int[-30, 30], Gen.Int[0, 2000], Gen.Int, Gen.Int[0, 9])
            .Select((contract, pattern, start, courseEnd, referred, asOf, seed, noCourseEnd) =>
            {
                var historyStart = Base.AddWeeks(start);
                var referral = new Referral("R001", Citizen, historyStart.Monday.AddDays(7 * referred + 2), historyStart.Monday,
                    noCourseEnd == 0 ? null : historyStart.Monday.AddDays(7 * courseEnd + 4), "FOKUS-R001", "KaffeFair");
                return new Case(contract, referral, pattern, historyStart, historyStart.Monday.AddDays(asOf), seed);
            });

    [Fact]
    public void Entitlement_does_not_depend_on_the_order_of_register_rows()
    {
        Cases.Sample(c =>
        {
            var calculator = new EntitlementCalculator(c.Contract);
            var weeks = c.Weeks;
            var shuffled = (RegisterWeek[])weeks.Clone();
            new Random(c.Seed).Shuffle(shuffled);
            Assert.Equal(Describe(calculator.Compute(c.Referral, weeks, c.AsOf)), Describe(calculator.Compute(c.Referral, shuffled, c.AsOf)));
        }, iter: Iterations, threads: 1, print: c => c.ToString());
    }

    [Fact]
    public void Recomputing_from_scratch_gives_the_same_entitlement()
    {
        Cases.Sample(c =>
        {
            var first = new EntitlementCalculator(c.Contract).Compute(c.Referral, c.Weeks, c.AsOf);
            var second = new EntitlementCalculator(c.Contract).Compute(c.Referral, c.Weeks, c.AsOf);
            Assert.Equal(Describe(first), Describe(second));
            // and the totals agree with the lines they are made of
            Assert.Equal(first.Amount, first.Lines.Sum(l => l.Amount));
            Assert.All(first.Lines, l => Assert.Equal(l.Weeks * l.UnitPrice - l.CapReduction, l.Amount));
            // and the lines are exactly the period's paid weeks grouped by class and unit price (the fast path agrees with the general one)
            Assert.All(first.Periods, p => Assert.Equal(
                EntitlementCalculator.BuildPeriod(first.ReferralId, first.FokusRef, p.Index, p.FirstWeek.Ordinal, p.LastWeek.Ordinal, p.CountedWeeks, p.Status, [.. p.PaidWeeks]).Lines,
                p.Lines));
        }, iter: Iterations, threads: 1, print: c => c.ToString());
    }

    [Fact]
    public void After_a_revision_is_settled_the_invoiced_total_equals_the_entitlement()
    {
        var revisions = Gen.Select(Gen.Int[0, 239], Gen.Char["FSPN."]).Array[1, 12];
        Gen.Select(Cases, revisions, Gen.Int[0, 400]).Sample((c, changes, laterDays) =>
        {
            var calculator = new EntitlementCalculator(c.Contract);
            var before = calculator.Compute(c.Referral, c.Weeks, c.AsOf);
            var firstDue = SettlementCalculator.ComputeDue(before.Lines, []);
            var ledger = SettlementCalculator.AfterIssuing([], firstDue, "I60F-000001");

            // When a later delivery revises some weeks and the next settlement runs later
            var revised = c.Pattern.PadRight(240, '.').ToCharArray();
            foreach (var (index, code) in changes) revised[index] = code;
            var after = calculator.Compute(c.Referral, EntitlementTestData.Weeks(c.HistoryStart, new string(revised)), c.AsOf.AddDays(laterDays));
            var due = SettlementCalculator.ComputeDue(after.Lines, ledger);
            var ledgerAfter = SettlementCalculator.AfterIssuing(ledger, due, "I60F-000002");

            // then invoices are never negative, credits never negative, and the ledger matches the entitlement exactly
            Assert.True(firstDue.InvoiceTotal >= 0m && due.InvoiceTotal >= 0m && due.CreditTotal >= 0m);
            Assert.All(due.CreditLines, l => Assert.Equal("I60F-000001", l.CorrectsInvoiceNumber));
            Assert.Equal(after.Amount, ledgerAfter.Sum(l => l.Amount));
            Assert.Equal(before.Amount + due.InvoiceTotal - due.CreditTotal, after.Amount);
            Assert.True(SettlementCalculator.ComputeDue(after.Lines, ledgerAfter).NothingDue);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Without_revisions_entitlement_never_falls_as_the_run_date_advances()
    {
        Gen.Select(Cases, Gen.Int[0, 600]).Sample((c, laterDays) =>
        {
            var calculator = new EntitlementCalculator(c.Contract);
            var earlier = calculator.Compute(c.Referral, c.Weeks, c.AsOf);
            var later = calculator.Compute(c.Referral, c.Weeks, c.AsOf.AddDays(laterDays));
            Assert.True(later.Amount >= earlier.Amount, $"{earlier.Amount} on {c.AsOf} fell to {later.Amount} {laterDays} days later");
            Assert.True(!earlier.AchievedSelfSufficiency || later.AchievedSelfSufficiency);
        }, iter: Iterations, threads: 1);
    }

    // ---- The programme: several participants and the programme cap (rule 8: in order of week, then referral id) ----

    private sealed record ProgrammeCase(Contract Contract, (Referral Referral, RegisterWeek[] Weeks)[] Participants, DateOnly AsOf, int Seed)
    {
        public override string ToString() =>
            $"caps={Contract.Caps} asOf={AsOf} seed={Seed}\n" + string.Join("\n", Participants.Select(p =>
                $"  {p.Referral.ReferralId} courseEnd={p.Referral.CourseEnd} from {(p.Weeks.Length > 0 ? p.Weeks[0].Week.ToString() : "-")}: {p.Weeks.Length} rows"));
    }

    // Histories start within a few weeks of each other and course ends are close, so paid weeks of different participants
    // fall in the same ISO weeks: the week in which the programme cap is crossed is then shared, and only the referral id
    // decides who is reduced.
    private static readonly Gen<ProgrammeCase> ProgrammeCases =
        Gen.Select(
                Gen.Select(Gen.Char["FFFFFSPPN."].Array[0, 120].Select(cs => new string(cs)), Gen.Int[0, 3], Gen.Int[-2, 10]).Array[1, 7],
                Gen.Int[0, 40_000], Gen.OneOf(Sample, Capped), Gen.Int[150, 1100], Gen.Int)
            .Select((people, programmeCap, contract, asOfDays, seed) =>
            {
                var participants = people.Select((person, i) =>
                {
                    var (pattern, start, courseEnd) = person;
                    var pseudonym = Pseudonym.Parse((i + 1).ToString("x64", System.Globalization.CultureInfo.InvariantCulture));
                    var historyStart = Base.AddWeeks(start);
                    // Referral ids are not in list order, so that list order and id order disagree.
                    var id = $"R{(i * 5 + 3) % 7:D2}-{i}";
                    var referral = new Referral(id, pseudonym, historyStart.Monday.AddDays(-14), historyStart.Monday.AddDays(-7),
                        historyStart.Monday.AddDays(7 * courseEnd + 4), "FOKUS-" + id, "KaffeFair");
                    return (referral, EntitlementTestData.Weeks(historyStart, pattern, pseudonym));
                }).ToArray();
                return new ProgrammeCase(contract with { Caps = contract.Caps with { Programme = programmeCap } }, participants,
                    Base.Monday.AddDays(asOfDays), seed);
            });

    private static string DescribeProgramme(ProgrammeEntitlements p) =>
        $"referred={p.Referred} inCourse={p.InCourse} achieved={p.Achieved} total={p.EntitledAmount} programmeCap={p.ProgrammeCapReduction}\n"
        + string.Concat(p.Participants.OrderBy(e => e.ReferralId, StringComparer.Ordinal).Select(EntitlementTestData.Describe));

    [Fact]
    public void Programme_entitlements_do_not_depend_on_the_order_of_participants_or_rows_even_under_a_programme_cap()
    {
        var capBitPartWay = 0;
        ProgrammeCases.Sample(c =>
        {
            var calculator = new EntitlementCalculator(c.Contract);
            var given = calculator.ComputeProgramme(c.Participants, c.AsOf);

            // When the participants come in another order, and each participant's rows too
            var random = new Random(c.Seed);
            var shuffled = c.Participants.Select(p =>
            {
                var weeks = (RegisterWeek[])p.Weeks.Clone();
                random.Shuffle(weeks);
                return (p.Referral, weeks);
            }).ToArray();
            random.Shuffle(shuffled);
            var reordered = calculator.ComputeProgramme(shuffled, c.AsOf);

            // then every participant's entitlement, and so who is capped, is the same
            Assert.Equal(DescribeProgramme(given), DescribeProgramme(reordered));
            if (given.ProgrammeCapReduction > 0m && given.EntitledAmount > 0m) capBitPartWay++;
        }, iter: Iterations, threads: 1, print: c => c.ToString());

        // The generator must make the cap bite part way through the paid weeks often, or the property says little.
        Assert.True(capBitPartWay >= Iterations / 5, $"the programme cap bit part way in only {capBitPartWay} of {Iterations} cases");
    }

    [Fact]
    public void The_programme_cap_takes_paid_weeks_in_order_of_week_then_referral_id()
    {
        ProgrammeCases.Sample(c =>
        {
            var capped = new EntitlementCalculator(c.Contract).ComputeProgramme(c.Participants, c.AsOf);
            var uncapped = new EntitlementCalculator(c.Contract with { Caps = c.Contract.Caps with { Programme = null } })
                .ComputeProgramme(c.Participants, c.AsOf);
            var cap = c.Contract.Caps.Programme!.Value;

            // Every paid week after the per-participant cap, in the order of rule 8, with what the programme cap took from it.
            static IEnumerable<(IsoWeek Week, string Id, decimal Amount)> PaidWeeks(ProgrammeEntitlements p) =>
                p.Participants.SelectMany(e => e.Periods.SelectMany(x => x.PaidWeeks).Select(w => (w.Week, e.ReferralId, w.Amount)))
                    .OrderBy(w => w.Week).ThenBy(w => w.ReferralId, StringComparer.Ordinal);
            var before = PaidWeeks(uncapped).ToList();
            var after = PaidWeeks(capped).ToList();
            Assert.Equal(before.Select(w => (w.Week, w.Id)), after.Select(w => (w.Week, w.Id)));

            // then the weeks are paid in full in that order until the cap, the week that crosses it in part, and none after
            var soFar = 0m;
            for (var i = 0; i < before.Count; i++)
            {
                var expected = Math.Clamp(cap - soFar, 0m, before[i].Amount);
                soFar += before[i].Amount;
                Assert.True(expected == after[i].Amount, $"{before[i].Week} {before[i].Id}: expected {expected}, paid {after[i].Amount}");
            }
            Assert.Equal(Math.Min(cap, uncapped.EntitledAmount), capped.EntitledAmount);
            Assert.Equal(uncapped.EntitledAmount - capped.EntitledAmount, capped.ProgrammeCapReduction);
        }, iter: Iterations, threads: 1, print: c => c.ToString());
    }
}
