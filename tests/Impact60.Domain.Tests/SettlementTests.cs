using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Settlement;

namespace Impact60.Domain.Tests;

/// <summary>DOMAIN.md "Settlement": due = entitlement − already invoiced, per participant, period, class and unit price.</summary>
public class SettlementTests
{
    private static readonly IsoWeek P1First = new(2019, 2);
    private static readonly IsoWeek P1Last = new(2019, 14);
    private static readonly IsoWeek P2First = new(2019, 15);
    private static readonly IsoWeek P2Last = new(2019, 27);

    private static EntitlementLine Line(string referral, int period, WeekClass cls, decimal price, int weeks, decimal capReduction = 0m)
    {
        var (first, last) = period == 1 ? (P1First, P1Last) : (P2First, P2Last);
        var gross = weeks * price;
        return new EntitlementLine(referral, "FOKUS-" + referral, period, first, last, cls, price, weeks, gross, capReduction, gross - capReduction);
    }

    private static IReadOnlyList<InvoicedLine> Invoice(IEnumerable<EntitlementLine> lines, string number) =>
        SettlementCalculator.AfterIssuing([], SettlementCalculator.ComputeDue(lines, []), number);

    [Fact]
    public void First_settlement_invoices_every_entitlement_line()
    {
        EntitlementLine[] entitled = [Line("R001", 1, WeekClass.Full, 796m, 13), Line("R002", 1, WeekClass.Partial, 385m, 4)];
        var due = SettlementCalculator.ComputeDue(entitled, []);
        Assert.Empty(due.CreditLines);
        Assert.Equal(["R001", "R002"], due.InvoiceLines.Select(l => l.ReferralId));
        Assert.Equal((13, 10_348m, "FOKUS-R001", P1First, P1Last), (due.InvoiceLines[0].Weeks, due.InvoiceLines[0].Amount,
            due.InvoiceLines[0].FokusRef, due.InvoiceLines[0].PeriodFirstWeek, due.InvoiceLines[0].PeriodLastWeek));
        Assert.Equal(10_348m + 1_540m, due.InvoiceTotal);
        Assert.All(due.InvoiceLines, l => Assert.Null(l.CorrectsInvoiceNumber));
    }

    [Fact]
    public void Settling_again_with_nothing_new_gives_no_documents()
    {
        EntitlementLine[] entitled = [Line("R001", 1, WeekClass.Full, 796m, 13)];
        var due = SettlementCalculator.ComputeDue(entitled, Invoice(entitled, "I60F-000001"));
        Assert.True(due.NothingDue);
        Assert.Equal((0m, 0m), (due.InvoiceTotal, due.CreditTotal));
    }

    [Fact]
    public void A_revision_down_is_credited_against_the_invoice_that_charged_it()
    {
        var ledger = Invoice([Line("R001", 1, WeekClass.Full, 796m, 13)], "I60F-000007");
        var due = SettlementCalculator.ComputeDue([Line("R001", 1, WeekClass.Full, 796m, 11)], ledger);
        Assert.Empty(due.InvoiceLines);
        var credit = Assert.Single(due.CreditLines);
        Assert.Equal((2, 1_592m, 1_592m, "I60F-000007"), (credit.Weeks, credit.Gross, credit.Amount, credit.CorrectsInvoiceNumber));
        Assert.Equal(1_592m, due.CreditTotal);
    }

    [Fact]
    public void A_revision_up_is_a_new_invoice_line_for_the_difference()
    {
        var ledger = Invoice([Line("R001", 1, WeekClass.Full, 796m, 9)], "I60F-000001");
        var due = SettlementCalculator.ComputeDue([Line("R001", 1, WeekClass.Full, 796m, 13)], ledger);
        Assert.Empty(due.CreditLines);
        var line = Assert.Single(due.InvoiceLines);
        Assert.Equal((4, 3_184m), (line.Weeks, line.Amount));
    }

    [Fact]
    public void A_mixed_settlement_gives_an_invoice_and_a_credit_note_and_a_vanished_grain_is_credited_in_full()
    {
        // Given R001 invoiced 13 Full weeks in period 1 and R002 4 Partial weeks, on invoice I60F-000003
        var ledger = Invoice([Line("R001", 1, WeekClass.Full, 796m, 13), Line("R002", 1, WeekClass.Partial, 385m, 4)], "I60F-000003");
        // When R001 now also earns period 2, and R002's weeks were revised away entirely
        var due = SettlementCalculator.ComputeDue([Line("R001", 1, WeekClass.Full, 796m, 13), Line("R001", 2, WeekClass.Full, 796m, 5)], ledger);
        // then the invoice charges R001 period 2 and the credit note takes back all of R002's line, naming the invoice
        var charged = Assert.Single(due.InvoiceLines);
        Assert.Equal(("R001", 2, 5, 3_980m), (charged.ReferralId, charged.PeriodIndex, charged.Weeks, charged.Amount));
        var credited = Assert.Single(due.CreditLines);
        Assert.Equal(("R002", "FOKUS-R002", P1First, 4, 1_540m, "I60F-000003"),
            (credited.ReferralId, credited.FokusRef, credited.PeriodFirstWeek, credited.Weeks, credited.Amount, credited.CorrectsInvoiceNumber));

        // and once issued, the ledger equals the entitlement: a further settlement has nothing to do
        var after = SettlementCalculator.AfterIssuing(ledger, due, "I60F-000004");
        Assert.True(SettlementCalculator.ComputeDue([Line("R001", 1, WeekClass.Full, 796m, 13), Line("R001", 2, WeekClass.Full, 796m, 5)], after).NothingDue);
        Assert.Equal(("I60F-000003", 0m), after.Where(l => l.Key.ReferralId == "R002").Select(l => (l.LastInvoiceNumber, l.Amount)).Single());
    }

    [Fact]
    public void A_tariff_change_keeps_the_grains_apart_so_a_new_price_does_not_net_against_an_old_one()
    {
        var ledger = Invoice([Line("R001", 1, WeekClass.Full, 796m, 13)], "I60F-000001");
        var due = SettlementCalculator.ComputeDue([Line("R001", 1, WeekClass.Full, 796m, 4), Line("R001", 1, WeekClass.Full, 800m, 9)], ledger);
        Assert.Equal((9, 800m, 7_200m), due.InvoiceLines.Select(l => (l.Weeks, l.UnitPrice, l.Amount)).Single());
        Assert.Equal((9, 796m, 7_164m), due.CreditLines.Select(l => (l.Weeks, l.UnitPrice, l.Amount)).Single());
    }

    [Fact]
    public void A_capped_week_that_adds_no_money_is_still_an_invoice_line_so_the_weeks_stay_traceable()
    {
        var ledger = Invoice([Line("R001", 1, WeekClass.Full, 796m, 12)], "I60F-000001");
        var due = SettlementCalculator.ComputeDue([Line("R001", 1, WeekClass.Full, 796m, 13, capReduction: 796m)], ledger);
        var line = Assert.Single(due.InvoiceLines);
        Assert.Equal((1, 796m, 796m, 0m), (line.Weeks, line.Gross, line.CapReduction, line.Amount));
        Assert.Equal(0m, due.InvoiceTotal);
    }

    [Fact]
    public void The_same_grain_twice_is_refused()
    {
        var line = Line("R001", 1, WeekClass.Full, 796m, 13);
        Assert.Throws<ArgumentException>(() => SettlementCalculator.ComputeDue([line, line], []));
    }

    [Fact]
    public void Money_rounds_to_two_decimals_away_from_zero()
    {
        Assert.Equal(0.13m, Money.Round(0.125m));
        Assert.Equal(-0.13m, Money.Round(-0.125m));
        Assert.Equal(796.00m, Money.Round(796m));
    }
}
