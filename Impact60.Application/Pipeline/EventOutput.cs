using Impact60.Application.Events;
using Impact60.Application.Settlement;
using Impact60.Domain.Contracts;

namespace Impact60.Application.Pipeline;

/// <summary>
/// Settlement output: the <c>SettlementIssued</c> event (docs/events.md). Its messages are byte-identical on a rerun and
/// carry the document number as MessageId, so the topic's duplicate detection drops a retried send.
/// </summary>
public sealed class EventOutput(Contract contract, SettlementLedger ledger, ISettlementEventPublisher publisher) : ISettlementOutput
{
    public async Task PublishAsync(SettlementRecord record, SettlementPlan plan, CancellationToken ct)
    {
        var issueDates = (await ledger.ListDocumentsAsync(ct)).ToDictionary(d => d.Number, d => d.IssueDate, StringComparer.Ordinal);
        var documents = SettlementDocuments.Build(contract, record, plan, issueDates);
        await publisher.PublishAsync(SettlementIssued.From(plan.Period, plan.AsOf, contract.Programme, documents), ct);
    }
}
