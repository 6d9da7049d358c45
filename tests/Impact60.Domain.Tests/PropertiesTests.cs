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
}
