using Impact60.Application.Documents;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Tests.Documents;

public sealed class SettlementDocumentTests
{
    [Fact]
    public void Given_the_worked_example_then_the_totals_are_91150_plus_25_percent_VAT()
    {
        var doc = SampleDocuments.WorkedExampleInvoice();

        Assert.Equal(100, doc.Lines.Where(l => l.Class == WeekClass.Full).Sum(l => l.Weeks));
        Assert.Equal(30, doc.Lines.Where(l => l.Class == WeekClass.Partial).Sum(l => l.Weeks));
        Assert.Equal(91_150.00m, doc.LineExtensionAmount);
        Assert.Equal(22_787.50m, doc.VatAmount);
        Assert.Equal(113_937.50m, doc.PayableAmount);
    }

    [Fact]
    public void Given_VAT_that_falls_on_a_half_øre_then_it_is_rounded_once_on_the_total_away_from_zero()
    {
        // 0.02 × 0.25 = 0.005 per line; rounded per line that is 0.01 + 0.01, rounded once on the total 0.01.
        var doc = With(lines: [Line(1, weeks: 1, price: 0.02m), Line(2, weeks: 1, price: 0.02m)]);
        Assert.Equal(0.01m, doc.VatAmount);

        var single = With(lines: [Line(1, weeks: 1, price: 0.02m)]);
        Assert.Equal(0.01m, single.VatAmount); // 0.005 → 0.01, not banker's 0.00
    }

    [Fact]
    public void Given_a_line_whose_amount_is_not_weeks_times_price_minus_allowance_then_construction_names_the_line()
    {
        var bad = Line(7, weeks: 13, price: 796m) with { Amount = 10_000m };

        var e = Assert.Throws<DocumentValidationException>(() => With(lines: [bad]));

        Assert.Contains("line 7", e.Message);
        Assert.Contains("10348", e.Message.Replace(".00", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_negative_amount_then_construction_fails_because_credit_notes_state_positive_amounts()
    {
        var bad = Line(1, weeks: 5, price: 796m) with { Allowance = 4_000m, Amount = -20m };

        var e = Assert.Throws<DocumentValidationException>(() => With(lines: [bad]));

        Assert.Contains("≥ 0", e.Message);
    }

    [Fact]
    public void Given_a_line_of_0_weeks_whose_cap_was_released_then_it_is_valid_and_its_amount_is_the_charge()
    {
        // A revision of earlier weeks moved the cap (rule 8, week order): 0 × 796 − 0 + 1,348 = 1,348.
        var released = Line(1, weeks: 0, price: 796m) with { Charge = 1_348m, Amount = 1_348m };

        var doc = With(lines: [released]);

        Assert.Equal(1_348m, doc.LineExtensionAmount);
        Assert.Equal(1_685m, doc.PayableAmount);
    }

    [Fact]
    public void Given_a_line_of_minus_1_week_with_a_larger_cap_release_then_it_is_valid()
    {
        var line = Line(1, weeks: -1, price: 796m) with { Charge = 4_776m, Amount = 3_980m };

        Assert.Equal(3_980m, With(lines: [line]).LineExtensionAmount);
    }

    [Fact]
    public void Given_a_charge_that_does_not_add_up_then_construction_names_the_line_and_the_sum()
    {
        var bad = Line(3, weeks: 0, price: 796m) with { Charge = 1_348m, Amount = 1_300m };

        var e = Assert.Throws<DocumentValidationException>(() => With(lines: [bad]));

        Assert.Contains("line 3", e.Message);
        Assert.Contains("+ 1348", e.Message.Replace(".00", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 0, 0, 0, "no weeks, no allowance and no charge")]
    [InlineData(13, 1_000, 1_000, 10_348, "not both")]
    [InlineData(0, 0, -1_348, -1_348, "≥ 0")]
    [InlineData(-1, 0, 0, -796, "≥ 0")]
    public void Given_a_line_that_states_the_cap_wrongly_then_construction_fails(int weeks, int allowance, int charge, int amount, string expected)
    {
        var bad = Line(1, weeks, 796m) with { Allowance = allowance, Charge = charge, Amount = amount };

        Assert.Contains(expected, Assert.Throws<DocumentValidationException>(() => With(lines: [bad])).Message);
    }

    [Theory]
    [InlineData(8_696, 8_696, 0)]
    [InlineData(-2_388, 0, 2_388)]
    [InlineData(0, 0, 0)]
    public void Given_a_signed_cap_reduction_then_a_reduction_is_an_allowance_and_a_release_a_charge(int capReduction, int allowance, int charge) =>
        Assert.Equal(((decimal)allowance, (decimal)charge), DocumentLine.FromCapReduction(capReduction));

    [Fact]
    public void Given_no_lines_then_construction_fails() =>
        Assert.Contains("no lines", Assert.Throws<DocumentValidationException>(() => With(lines: [])).Message);

    [Fact]
    public void Given_a_buyer_EAN_with_a_wrong_check_digit_then_construction_fails()
    {
        var buyer = SampleDocuments.Aalborg with { Ean = "5798000420527" };

        var e = Assert.Throws<DocumentValidationException>(() => With(buyer: buyer));

        Assert.Contains("GS1 check digit", e.Message);
    }

    [Theory]
    [InlineData("5798000420526", true)]
    [InlineData("5790000123452", true)]
    [InlineData("5790000123453", false)]
    [InlineData("579800042052", false)]
    [InlineData("579800042052X", false)]
    public void Given_a_GLN_then_the_GS1_check_digit_decides(string gln, bool valid) => Assert.Equal(valid, Gs1.IsValidGln(gln));

    [Fact]
    public void Given_a_credit_note_that_names_no_corrected_invoice_then_construction_fails()
    {
        var e = Assert.Throws<DocumentValidationException>(() => new SettlementDocument(
            DocumentKind.CreditNote, "2021-0009", new DateOnly(2021, 7, 5), new DateOnly(2021, 8, 4), "2021-06", new DateOnly(2021, 7, 5),
            SampleDocuments.Fokus, SampleDocuments.Aalborg, "IMPACT60", "DKK", 0.25m, null, SampleDocuments.Bank, [], [Line(1, 5, 796m)]));

        Assert.Contains("must name the invoice", e.Message);
    }

    [Fact]
    public void Given_VAT_rate_zero_without_an_exemption_reason_then_construction_fails() =>
        Assert.Contains("BR-E-10", Assert.Throws<DocumentValidationException>(() => With(vatRate: 0m)).Message);

    [Fact]
    public void Given_several_problems_then_all_are_reported_at_once()
    {
        var e = Assert.Throws<DocumentValidationException>(() => With(
            buyer: SampleDocuments.Aalborg with { Ean = "1" }, lines: [Line(1, 5, 796m) with { Amount = 1m }]));

        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void Given_a_FIK_payment_id_derived_from_an_invoice_number_then_it_has_15_digits_with_a_valid_check_digit()
    {
        var fik = FikPayment.ForInvoice("85123456", "2021-0005");

        Assert.Equal("000000202100053", fik.PaymentId); // payload 00000020210005, modulus-10 check digit 3
        Assert.Throws<ArgumentException>(() => new FikPayment("85123456", "000000202100054"));
        // A published FIK example (+71<004040400000669+12345678<) has check digit 9 by the same rule.
        Assert.Equal("004040400000669", new FikPayment("12345678", "004040400000669").PaymentId);
        Assert.Throws<ArgumentException>(() => new FikPayment("8512345", "000000202100053"));
    }

    private static DocumentLine Line(int n, int weeks, decimal price) =>
        new(n, "JC-2018-0001", "F-001", 1, "2019-W40", "2020-W01", WeekClass.Full, weeks, price, 0m, 0m, weeks * price, null);

    private static SettlementDocument With(DocumentParty? buyer = null, decimal vatRate = 0.25m, IReadOnlyList<DocumentLine>? lines = null) =>
        new(DocumentKind.Invoice, "2021-0099", new DateOnly(2021, 7, 5), new DateOnly(2021, 8, 4), "2021-06", new DateOnly(2021, 7, 5),
            SampleDocuments.Fokus, buyer ?? SampleDocuments.Aalborg, "IMPACT60", "DKK", vatRate, null, SampleDocuments.Bank, [],
            lines ?? [Line(1, 13, 796m)]);
}
