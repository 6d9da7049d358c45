using Azure.Messaging.ServiceBus;
using Impact60.Application.Documents;

namespace Impact60.Application.Events;

/// <summary>
/// Turns a <see cref="SettlementIssued"/> into Service Bus messages: one per document, <c>MessageId</c> = the document
/// number, so the topic's duplicate detection drops a re-publish after a retry. Each body carries the whole
/// settlement so a consumer sees a document in its context. A settlement without documents still announces itself
/// once, with <c>MessageId</c> = <c>settlement-{period}</c> (there is no number to dedupe by).
/// Everything here is derived from the event alone, so the same event always gives the same messages and bytes.
/// </summary>
public static class SettlementMessages
{
    public const string Subject = "SettlementIssued";
    public const string ContentType = "application/json";

    public const string SettlementPeriodProperty = "settlementPeriod";
    public const string DocumentNumberProperty = "documentNumber";
    public const string KindProperty = "kind";

    public static string EmptySettlementMessageId(string settlementPeriod) => $"settlement-{settlementPeriod}";

    public static IReadOnlyList<ServiceBusMessage> Build(SettlementIssued e)
    {
        var body = BinaryData.FromBytes(SettlementIssuedJson.Serialize(e));
        if (e.Documents.Count == 0)
            return [Message(EmptySettlementMessageId(e.SettlementPeriod), e.SettlementPeriod, body, document: null)];
        return e.Documents.Select(d => Message(d.Number, e.SettlementPeriod, body, d)).ToList();
    }

    private static ServiceBusMessage Message(string messageId, string period, BinaryData body, IssuedDocument? document)
    {
        var m = new ServiceBusMessage(body)
        {
            MessageId = messageId,
            ContentType = ContentType,
            Subject = Subject,
            CorrelationId = period,
        };
        m.ApplicationProperties[SettlementPeriodProperty] = period;
        // Absent on the no-documents message, so a subscription filter on kind sees only real documents.
        if (document is not null)
        {
            m.ApplicationProperties[DocumentNumberProperty] = document.Number;
            m.ApplicationProperties[KindProperty] = KindName(document.Kind);
        }
        return m;
    }

    /// <summary>The kind as the contract spells it: <c>invoice</c> or <c>creditNote</c>.</summary>
    public static string KindName(DocumentKind kind) => kind switch
    {
        DocumentKind.Invoice => "invoice",
        DocumentKind.CreditNote => "creditNote",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown document kind"),
    };
}
