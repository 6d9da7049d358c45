using Impact60.Application.Documents;
using Impact60.Application.Events;
using Impact60.Application.Tests.Documents;

namespace Impact60.Application.Tests.Events;

/// <summary>Settlements built from the sample documents (whose lines carry referral ids and FOKUS references).</summary>
internal static class SampleSettlements
{
    public static readonly DateOnly AsOf = new(2021, 7, 5);

    /// <summary>Two invoices (91,150.00 and 14,005.00 ex VAT) and a credit note of 3,980.00 correcting 2021-0001.</summary>
    public static IReadOnlyList<SettlementDocument> JuneDocuments() =>
        [SampleDocuments.WorkedExampleInvoice(), SampleDocuments.CappedInvoice(), SampleDocuments.CreditNoteOfFiveFullWeeks()];

    public static SettlementIssued June() => SettlementIssued.From("2021-06", AsOf, "IMPACT60", JuneDocuments());

    public static SettlementIssued NothingToSettle() => SettlementIssued.From("2021-06", AsOf, "IMPACT60", []);
}
