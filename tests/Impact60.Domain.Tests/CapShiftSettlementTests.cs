using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Settlement;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>
/// DOMAIN.md rule 8 with settlement: the per-participant cap applies in week order, so a revision of earlier weeks moves
/// cap reduction into (or out of) a later period whose own weeks did not change. Settlement is due = entitlement − invoiced
/// per grain, so such a period yields a line of 0 weeks whose amount is all cap reduction released (or taken). These
/// examples pin those lines down — they are what the documents must be able to state — and check the arithmetic stays
/// whole: every line is weeks × tariff − cap reduction = amount, and once issued the ledger equals the entitlement.
/// </summary>
public class CapShiftSettlementTests
{
    // Cap 12,000 per participant. The window starts 2019-W02: period 1 is W02..W14, period 2 W15..W27.
    private static readonly Contract Capped = NoSuspension with { Caps = new Caps(12_000m, null) };
    private static readonly DateOnly FirstRun = FinalFrom(new IsoWeek(2019, 27));   // both periods verified
    private static readonly DateOnly SecondRun = FirstRun.AddMonths(1);

    // 26 sustained Full weeks (and the first week of period 3, not yet final on either run).
    private const string AllFull = "FFFFFFFFFFFFF" + "FFFFFFFFFFFFF" + "F";
    // A revision turns three weeks of period 1 (W06..W08) into benefit weeks; every spell stays at least 4 weeks long.
    private const string ThreeWeeksOfPeriod1Revised = "FFFFNNNFFFFFF" + "FFFFFFFFFFFFF" + "F";
    // Five weeks of period 1 (W06..W10) and one of period 2 (W21) revised.
    private const string FiveAndOneRevised = "FFFFNNNNNFFFF" + "FFFFFFNFFFFFF" + "F";

    private static Entitlement Compute(string pattern, DateOnly asOf) =>
        new EntitlementCalculator(Capped).Compute(Referral(), Weeks(WindowStart, pattern), asOf);

    [Fact]
    public void Given_a_capped_participant_first_settled_then_period_2_is_invoiced_with_the_cap_taken_off()
    {
        var before = Compute(AllFull, FirstRun);

        var due = SettlementCalculator.ComputeDue(before.Lines, []);

        // 13 × 796 = 10,348 in period 1; period 2's 10,348 crosses the cap: 12,000 − 10,348 = 1,652 paid, 8,696 reduced.
        Assert.Equal([(1, 13, 10_348m, 0m, 10_348m), (2, 13, 10_348m, 8_696m, 1_652m)],
            due.InvoiceLines.Select(l => (l.PeriodIndex, l.Weeks, l.Gross, l.CapReduction, l.Amount)));
        Assert.Equal(12_000m, due.InvoiceTotal);
        Assert.Empty(due.CreditLines);
    }

    [Fact]
    public void Given_a_revision_of_earlier_weeks_under_the_cap_then_the_cap_moves_and_period_2_gets_a_line_of_0_weeks()
    {
        // Given the capped participant invoiced 12,000 on I60F-000001
        var ledger = SettlementCalculator.AfterIssuing([], SettlementCalculator.ComputeDue(Compute(AllFull, FirstRun).Lines, []), "I60F-000001");
        // When three weeks of period 1 are revised into benefit weeks
        var after = Compute(ThreeWeeksOfPeriod1Revised, SecondRun);
        var due = SettlementCalculator.ComputeDue(after.Lines, ledger);

        // then period 1 loses 3 × 796 = 2,388, credited against the invoice that charged it,
        var credit = Assert.Single(due.CreditLines);
        Assert.Equal((1, 3, 2_388m, 0m, 2_388m, "I60F-000001"),
            (credit.PeriodIndex, credit.Weeks, credit.Gross, credit.CapReduction, credit.Amount, credit.CorrectsInvoiceNumber));
        // and the cap, reached 2,388 later in week order, now takes 2,388 less off period 2: no weeks of period 2 changed,
        // only its cap reduction — a line of 0 weeks, cap reduction −2,388, amount +2,388.
        var released = Assert.Single(due.InvoiceLines);
        Assert.Equal((2, 0, 0m, -2_388m, 2_388m), (released.PeriodIndex, released.Weeks, released.Gross, released.CapReduction, released.Amount));
        // The participant is still at the cap: what moved nets to nothing.
        Assert.Equal((12_000m, 12_000m), (Compute(AllFull, FirstRun).Amount, after.Amount));
        Assert.Equal(due.InvoiceTotal, due.CreditTotal);
        AssertEveryLineAddsUp(due);
        AssertLedgerEqualsEntitlementOnceIssued(ledger, due, after);
    }

    [Fact]
    public void Given_a_revision_that_also_removes_a_week_of_the_capped_period_then_its_line_has_negative_weeks_and_a_larger_release()
    {
        var ledger = SettlementCalculator.AfterIssuing([], SettlementCalculator.ComputeDue(Compute(AllFull, FirstRun).Lines, []), "I60F-000001");

        var after = Compute(FiveAndOneRevised, SecondRun);
        var due = SettlementCalculator.ComputeDue(after.Lines, ledger);

        // Period 1: 8 weeks = 6,368 (5 weeks, 3,980 credited). Period 2: 12 weeks = 9,552 of which 12,000 − 6,368 = 5,632 is
        // paid and 3,920 reduced; before, 1,652 paid and 8,696 reduced. So period 2 loses a week but earns 3,980 more:
        // −1 week × 796 − (3,920 − 8,696) = −796 + 4,776 = 3,980. The money decides the document: an invoice line.
        var credit = Assert.Single(due.CreditLines);
        Assert.Equal((1, 5, 3_980m, 0m, 3_980m), (credit.PeriodIndex, credit.Weeks, credit.Gross, credit.CapReduction, credit.Amount));
        var invoiced = Assert.Single(due.InvoiceLines);
        Assert.Equal((2, -1, -796m, -4_776m, 3_980m), (invoiced.PeriodIndex, invoiced.Weeks, invoiced.Gross, invoiced.CapReduction, invoiced.Amount));
        Assert.Equal(12_000m, after.Amount);
        AssertEveryLineAddsUp(due);
        AssertLedgerEqualsEntitlementOnceIssued(ledger, due, after);
    }

    [Fact]
    public void Given_a_revision_that_adds_earlier_weeks_then_the_cap_takes_more_of_period_2_and_a_credit_line_of_0_weeks_states_it()
    {
        // Given the participant settled with three weeks of period 1 on benefit: 7,960 + 4,040 = 12,000 invoiced
        var ledger = SettlementCalculator.AfterIssuing([], SettlementCalculator.ComputeDue(Compute(ThreeWeeksOfPeriod1Revised, FirstRun).Lines, []), "I60F-000001");
        // When a revision finds those weeks were self-supporting after all
        var after = Compute(AllFull, SecondRun);
        var due = SettlementCalculator.ComputeDue(after.Lines, ledger);

        // then period 1 earns 3 weeks more (an invoice line) and the cap, reached sooner, takes 2,388 more off period 2:
        // a credit line of 0 weeks whose credited cap reduction is −2,388 and credited amount 2,388.
        var charged = Assert.Single(due.InvoiceLines);
        Assert.Equal((1, 3, 2_388m, 0m, 2_388m), (charged.PeriodIndex, charged.Weeks, charged.Gross, charged.CapReduction, charged.Amount));
        var credited = Assert.Single(due.CreditLines);
        Assert.Equal((2, 0, 0m, -2_388m, 2_388m, "I60F-000001"),
            (credited.PeriodIndex, credited.Weeks, credited.Gross, credited.CapReduction, credited.Amount, credited.CorrectsInvoiceNumber));
        AssertEveryLineAddsUp(due);
        AssertLedgerEqualsEntitlementOnceIssued(ledger, due, after);
    }

    [Fact]
    public void Given_the_cap_shift_settled_when_settling_again_with_the_same_data_then_nothing_is_due()
    {
        var ledger = SettlementCalculator.AfterIssuing([], SettlementCalculator.ComputeDue(Compute(AllFull, FirstRun).Lines, []), "I60F-000001");
        var after = Compute(ThreeWeeksOfPeriod1Revised, SecondRun);
        ledger = SettlementCalculator.AfterIssuing(ledger, SettlementCalculator.ComputeDue(after.Lines, ledger), "I60F-000002");

        Assert.True(SettlementCalculator.ComputeDue(Compute(ThreeWeeksOfPeriod1Revised, SecondRun.AddMonths(1)).Lines, ledger).NothingDue);
    }

    /// <summary>Each line: weeks × tariff = gross, gross − cap reduction = amount; amounts never negative (credit lines are positive).</summary>
    private static void AssertEveryLineAddsUp(SettlementDue due)
    {
        foreach (var l in due.InvoiceLines.Concat(due.CreditLines))
        {
            Assert.Equal(l.Weeks * l.UnitPrice, l.Gross);
            Assert.Equal(l.Gross - l.CapReduction, l.Amount);
            Assert.True(l.Amount >= 0m, $"{l.Key}: amount {l.Amount}");
        }
    }

    /// <summary>After issuing, the ledger per grain is the entitlement per grain: weeks, gross, cap reduction and amount.</summary>
    private static void AssertLedgerEqualsEntitlementOnceIssued(IReadOnlyList<InvoicedLine> ledger, SettlementDue due, Entitlement entitled)
    {
        var issued = SettlementCalculator.AfterIssuing(ledger, due, "I60F-000002")
            .Where(l => l.Weeks != 0 || l.Amount != 0m || l.CapReduction != 0m)
            .Select(l => (l.Key, l.Weeks, l.Gross, l.CapReduction, l.Amount));
        Assert.Equal(entitled.Lines.Select(l => (l.Key, l.Weeks, l.Gross, l.CapReduction, l.Amount)), issued);
    }
}
