using System.Text;
using System.Text.RegularExpressions;
using Impact60.Application.Notices;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Tests.Notices;

/// <summary>
/// One settlement (2021-06) seen from each recipient, built from the same participants, so a test can check that
/// what FOKUS is told never reaches the funds.
/// </summary>
internal static class NoticeTestData
{
    public const string SettlementId = "2021-06";
    public static readonly DateOnly AsOf = new(2021, 6, 30);

    // The person-level identifiers present in this settlement.
    public static readonly string[] ReferralIds = ["JC-2019-0042", "JC-2019-0007", "JC-2019-0099"];
    public static readonly string[] FokusReferences = ["KF-017", "BR-003", "FS-021"];

    public static readonly Recipient From = new("IMPACT60", "impact60@aalborg.example");
    public static readonly Recipient Fokus = new("FOKUS <b>Folkeoplysning</b> & Co", "okonomi@fokus.example");
    public static readonly Recipient Fund = new("Den Sociale Kapitalfond", "invest@dsk.example");
    public static readonly Recipient Jobcenter = new("Jobcenter Aalborg", "jobcenter@aalborg.example");

    public static readonly byte[] InvoicePdf = Encoding.ASCII.GetBytes("%PDF-1.7\n% invoice 2021-0007\n");
    public static readonly byte[] InvoiceXml = Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><Invoice>2021-0007</Invoice>");
    public static readonly byte[] CreditPdf = Encoding.ASCII.GetBytes("%PDF-1.7\n% credit note 2021-0002\n");

    internal static IsoWeek W(string w) => IsoWeek.Parse(w);

    public static FokusNotice SampleFokusNotice() => new(
        SettlementId,
        AsOf,
        Documents:
        [
            new IssuedDocument("2021-0007", NoticeDocumentKind.Invoice, 91_150m, 22_787.50m, 113_937.50m, new DateOnly(2021, 7, 30)),
            new IssuedDocument("K2021-0002", NoticeDocumentKind.CreditNote, 3_980m, 995m, 4_975m, new DateOnly(2021, 7, 30)),
        ],
        Lines:
        [
            // KF-017: the worked example, 100 full + 30 partial weeks = 91.150,00 kr.
            new FokusNoticeLine("2021-0007", "JC-2019-0042", "KF-017", 1, W("2019-W40"), W("2020-W11"), WeekClass.Full, 100, 79_600m),
            new FokusNoticeLine("2021-0007", "JC-2019-0042", "KF-017", 2, W("2020-W20"), W("2020-W49"), WeekClass.Partial, 30, 11_550m),
            // BR-003: a revision turned 5 paid full weeks into benefit weeks.
            new FokusNoticeLine("K2021-0002", "JC-2019-0007", "BR-003", 3, W("2020-W30"), W("2020-W42"), WeekClass.Full, -5, -3_980m),
        ],
        HeldPeriods:
        [
            new HeldPeriod("JC-2019-0099", "FS-021", 2, [W("2021-W11"), W("2021-W10")]),
        ],
        Attachments:
        [
            new NoticeAttachment("faktura-2021-0007.pdf", "application/pdf", InvoicePdf),
            new NoticeAttachment("faktura-2021-0007.xml", "application/xml", InvoiceXml),
            new NoticeAttachment("kreditnota-K2021-0002.pdf", "application/pdf", CreditPdf),
        ]);

    public static FundsNotice SampleFundsNotice(decimal? plan = 1_500_000m, decimal revenue = 1_234_567.50m) => new(
        SettlementId, AsOf, "Den Sociale Kapitalfond",
        participantsReferred: 120,
        participantsInCourse: 14,
        participantsAchievedSelfSufficiency: 55,
        targetShare: 0.5m,
        referralCap: 120,
        revenueToDateExVat: revenue,
        planToDateExVat: plan,
        deficitGuarantee: 4_000_000m);

    public static JobcenterDataGapNotice SampleJobcenterNotice() => new(
        SettlementId, AsOf,
        [
            new DataGap("JC-2019-0099", [W("2021-W10"), W("2021-W11")]),
            new DataGap("JC-2019-0042", [W("2021-W02")]),
        ]);

    /// <summary>Anything shaped like a CPR number: DDMMYY-SSSS, DDMMYYSSSS or any 10 digits in a row.</summary>
    public static readonly Regex CprShaped = new(@"(?<!\d)\d{6}-?\d{4}(?!\d)", RegexOptions.Compiled);

    public static IEnumerable<string> AllText(RenderedEmail e) => [e.Subject, e.HtmlBody, e.TextBody];
}
