using Impact60.Application.Documents;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Tests.Documents;

/// <summary>
/// Settlement documents the tests write and validate, at the public IMPACT60 tariff (796 / 385 DKK a week).
/// Built line by line from weeks × tariff, so the totals the tests check are computed by the model, not typed in.
/// </summary>
public static class SampleDocuments
{
    public const decimal FullTariff = 796m;
    public const decimal PartialTariff = 385m;

    public static readonly DocumentParty Fokus = new(
        "FOKUS Folkeoplysning og Kultur", "32081330", null, "Kærvej 7, Åbningsgården", "Aalborg Øst", "9220", "DK", "faktura@fokus.example");

    public static readonly DocumentParty Aalborg = new(
        "Aalborg Kommune, Jobcenter Aalborg", "29189420", "5798000420526", "Boulevarden 13", "Aalborg", "9000", "DK", null);

    public static readonly BankTransferPayment Bank = new("1234", "0012345678");

    /// <summary>
    /// DOMAIN.md worked example spread over three participants: 100 Full weeks × 796 + 30 Partial weeks × 385
    /// = 91,150.00 ex VAT, 25 % VAT 22,787.50, payable 113,937.50.
    /// </summary>
    public static SettlementDocument WorkedExampleInvoice(PaymentInstructions? payment = null, string number = "2021-0001") =>
        Invoice(number, payment ?? Bank, 0.25m, null,
        [
            P(1, "JC-2018-0001", "F-001", 1, WeekClass.Full, 13), P(1, "JC-2018-0001", "F-001", 2, WeekClass.Full, 13),
            P(1, "JC-2018-0001", "F-001", 3, WeekClass.Partial, 10),
            P(2, "JC-2018-0002", "F-002", 1, WeekClass.Full, 13), P(2, "JC-2018-0002", "F-002", 2, WeekClass.Full, 13),
            P(2, "JC-2018-0002", "F-002", 3, WeekClass.Full, 13),
            P(3, "JC-2018-0003", "F-003", 1, WeekClass.Full, 13), P(3, "JC-2018-0003", "F-003", 2, WeekClass.Full, 13),
            P(3, "JC-2018-0003", "F-003", 3, WeekClass.Full, 9), P(3, "JC-2018-0003", "F-003", 3, WeekClass.Partial, 4),
            P(3, "JC-2018-0003", "F-003", 4, WeekClass.Partial, 13), P(3, "JC-2018-0003", "F-003", 5, WeekClass.Partial, 3),
        ]);

    /// <summary>A per-participant cap took 1,348.00 off a period of 13 Full weeks: 10,348.00 − 1,348.00 = 9,000.00.</summary>
    public static SettlementDocument CappedInvoice() =>
        Invoice("2021-0002", Bank, 0.25m, null,
        [
            P(4, "JC-2018-0004", "F-004", 12, WeekClass.Full, 13, allowance: 1348m),
            P(5, "JC-2018-0005", "F-005", 1, WeekClass.Partial, 13),
        ]);

    /// <summary>DOMAIN.md: a revision turned 5 paid Full weeks into benefit weeks: credit note of 3,980.00 ex VAT.</summary>
    public static SettlementDocument CreditNoteOfFiveFullWeeks() =>
        new(DocumentKind.CreditNote, "2021-0003", new DateOnly(2021, 7, 5), new DateOnly(2021, 8, 4), "2021-06",
            new DateOnly(2021, 7, 5), Fokus, Aalborg, "IMPACT60", "DKK", 0.25m, null, Bank,
            [new CorrectedInvoice("2021-0001", new DateOnly(2021, 6, 5))],
            [Line(1, P(1, "JC-2018-0001", "F-001", 2, WeekClass.Full, 5), correcting: "2021-0001")]);

    /// <summary>If the contract says the outcome payments are VAT exempt: rate 0, category E with a reason.</summary>
    public static SettlementDocument VatExemptInvoice() =>
        Invoice("2021-0004", Bank, 0m, "Momsfritaget jf. momslovens § 13",
        [
            P(6, "JC-2018-0006", "F-006", 1, WeekClass.Full, 13),
            P(6, "JC-2018-0006", "F-006", 2, WeekClass.Partial, 13),
        ]);

    /// <summary>
    /// A revision of earlier weeks made room under a participant's cap: period 12 (13 Full weeks, capped in an earlier
    /// settlement) now earns 1,348.00 more, with no weeks of its own changed: 0 weeks × 796 + cap released 1,348.00.
    /// </summary>
    public static SettlementDocument CapReleasedInvoice() =>
        Invoice("2021-0007", Bank, 0.25m, null,
        [
            P(4, "JC-2018-0004", "F-004", 12, WeekClass.Full, 0, charge: 1348m),
            P(5, "JC-2018-0005", "F-005", 2, WeekClass.Partial, 13),
        ]);

    /// <summary>The other way: the cap now takes 1,348.00 more off a period (0 weeks credited + 1,348.00) on a credit note.</summary>
    public static SettlementDocument CapIncreasedCreditNote() =>
        new(DocumentKind.CreditNote, "2021-0008", new DateOnly(2021, 7, 5), new DateOnly(2021, 8, 4), "2021-06",
            new DateOnly(2021, 7, 5), Fokus, Aalborg, "IMPACT60", "DKK", 0.25m, null, Bank,
            [new CorrectedInvoice("2021-0002", new DateOnly(2021, 6, 5))],
            [Line(1, P(4, "JC-2018-0004", "F-004", 12, WeekClass.Full, 0, charge: 1348m), correcting: "2021-0002")]);

    public static SettlementDocument FikInvoice() =>
        WorkedExampleInvoice(FikPayment.ForInvoice("85123456", "2021-0005"), "2021-0005");

    /// <summary>An IBAN is given: SEPA credit transfer (payment means 58).</summary>
    public static SettlementDocument IbanInvoice() =>
        WorkedExampleInvoice(new BankTransferPayment("1234", "0012345678", "DK5000400440116243", "DABADKKK"), "2021-0006");

    /// <summary>All 120 referred citizens on one invoice, one period each.</summary>
    public static SettlementDocument HundredTwentyParticipants() =>
        Invoice("2021-0120", Bank, 0.25m, null,
            Enumerable.Range(1, 120).Select(i => P(i, $"JC-2018-{i:D4}", $"F-{i:D3}", 1, i % 3 == 0 ? WeekClass.Partial : WeekClass.Full, 13)).ToList());

    public static IReadOnlyDictionary<string, SettlementDocument> AllValid() => new Dictionary<string, SettlementDocument>
    {
        ["worked-example-invoice"] = WorkedExampleInvoice(),
        ["capped-invoice"] = CappedInvoice(),
        ["cap-released-invoice"] = CapReleasedInvoice(),
        ["cap-increased-credit-note"] = CapIncreasedCreditNote(),
        ["credit-note"] = CreditNoteOfFiveFullWeeks(),
        ["vat-exempt-invoice"] = VatExemptInvoice(),
        ["fik-invoice"] = FikInvoice(),
        ["iban-invoice"] = IbanInvoice(),
        ["120-participants-invoice"] = HundredTwentyParticipants(),
    };

    /// <summary>A participant-period line; the amount is weeks × tariff − allowance.</summary>
    public record PendingLine(string ReferralId, string FokusRef, int PeriodIndex, string First, string Last, WeekClass Class, int Weeks, decimal Allowance, decimal Charge);

    public static PendingLine P(int participant, string referralId, string fokusRef, int periodIndex, WeekClass cls, int weeks, decimal allowance = 0m, decimal charge = 0m)
    {
        // Each participant's window starts a little later than the previous one; periods are 13 weeks.
        var windowStart = new IsoWeek(2019, 40).AddWeeks(participant % 20);
        var first = windowStart.AddWeeks(13 * (periodIndex - 1));
        return new PendingLine(referralId, fokusRef, periodIndex, first.ToString(), first.AddWeeks(12).ToString(), cls, weeks, allowance, charge);
    }

    public static DocumentLine Line(int lineNumber, PendingLine p, string? correcting = null)
    {
        var price = p.Class == WeekClass.Full ? FullTariff : PartialTariff;
        return new DocumentLine(lineNumber, p.ReferralId, p.FokusRef, p.PeriodIndex, p.First, p.Last, p.Class, p.Weeks,
            price, p.Allowance, p.Charge, p.Weeks * price - p.Allowance + p.Charge, correcting);
    }

    private static SettlementDocument Invoice(string number, PaymentInstructions payment, decimal vatRate, string? exemption, IReadOnlyList<PendingLine> lines) =>
        new(DocumentKind.Invoice, number, new DateOnly(2021, 7, 5), new DateOnly(2021, 8, 4), "2021-06", new DateOnly(2021, 7, 5),
            Fokus, Aalborg, "IMPACT60", "DKK", vatRate, exemption, payment, [],
            lines.Select((p, i) => Line(i + 1, p)).ToList());
}
