using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Impact60.Application.Configuration;
using Impact60.Application.Notices;
using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Impact60.Domain.Rules;

namespace Impact60.Application.Pipeline;

/// <summary>
/// The sent-once record (table <c>NoticesSent</c>; PartitionKey = settlement id, RowKey = the notice's idempotency key).
/// The dispatcher checks it before sending and writes it after, so retries and duplicate queue messages send nothing again.
/// </summary>
public sealed class TableNoticeLedger(StorageClients clients, TimeProvider clock) : INoticeLedger
{
    private readonly TableClient _table = clients.Table(StorageNames.Tables.NoticesSent);

    public async Task<bool> WasSentAsync(NoticeKey key, CancellationToken ct) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>(key.SettlementId, key.IdempotencyKey, cancellationToken: ct)).HasValue;

    public async Task MarkSentAsync(NoticeKey key, string? providerMessageId, CancellationToken ct)
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(key.SettlementId, key.IdempotencyKey)
            {
                ["Recipient"] = key.Recipient,
                ["ProviderMessageId"] = providerMessageId,
                ["SentAt"] = clock.GetUtcNow(),
            }, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Marked by a concurrent delivery of the same message: the first record stands.
        }
    }

    /// <summary>Removes the sent-once record, so the notice is sent again (only on the operator's request: <see cref="SettlementReissue"/>).</summary>
    public async Task ForgetAsync(NoticeKey key, CancellationToken ct)
    {
        try
        {
            await _table.DeleteEntityAsync(key.SettlementId, key.IdempotencyKey, ETag.All, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Never sent (or already forgotten): nothing to remove.
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string settlementId, CancellationToken ct)
    {
        var result = new List<string>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == settlementId, cancellationToken: ct))
            result.Add(e.RowKey);
        return result;
    }
}

/// <summary>
/// Settlement output: one <see cref="NoticeMessage"/> per recipient on the <c>notices</c> queue — FOKUS, each fund, and the
/// jobcenter when there are data gaps. Messages carry only the settlement id and the recipient; the content is loaded
/// when sending, from the settlement's fixed plan.
/// </summary>
public sealed class NoticeOutput(Contract contract, StorageClients clients) : ISettlementOutput
{
    private readonly QueueClient _queue = clients.Queue(StorageNames.Queues.Notices);

    public static IEnumerable<NoticeKey> Recipients(Contract contract, SettlementPlan plan)
    {
        yield return NoticeKey.Fokus(plan.Period);
        foreach (var fund in contract.Parties.Funds) yield return NoticeKey.Fund(plan.Period, fund.Name);
        if (plan.Snapshot.DataGaps.Count > 0) yield return NoticeKey.Jobcenter(plan.Period);
    }

    public async Task PublishAsync(SettlementRecord record, SettlementPlan plan, CancellationToken ct)
    {
        foreach (var key in Recipients(contract, plan))
            await _queue.SendMessageAsync(NoticeMessage.For(key).ToJson(), ct);
    }
}

/// <summary>Builds each notice from the settlement's ledger record, its plan (the snapshot it was issued from) and its archived documents.</summary>
public sealed class SettlementNoticeContent(
    Contract contract,
    SettlementLedger ledger,
    SettlementPlanStore plans,
    DocumentArchive archive) : INoticeContentSource
{
    public async Task<NoticeContent> LoadAsync(NoticeMessage message, CancellationToken ct)
    {
        var key = message.Key;
        var record = await ledger.GetSettlementAsync(key.SettlementId, ct)
            ?? throw new InvalidOperationException($"Notice for settlement {key.SettlementId}: no such settlement in the ledger.");
        var plan = await plans.LoadAsync(record.PlanBlob, record.PlanSha256, ct);
        return key.Kind switch
        {
            RecipientKind.Fokus => new NoticeContent(await FokusAsync(record, plan, ct),
                new Recipient(contract.Parties.Supplier.Name, contract.Parties.Supplier.Email)),
            RecipientKind.Fund => await FundAsync(key, record, plan, ct),
            _ => new NoticeContent(new JobcenterDataGapNotice(plan.Period, plan.AsOf,
                    plan.Snapshot.DataGaps.Select(g => new DataGap(g.ReferralId, g.MissingWeeks.Select(IsoWeek.Parse).ToList())).ToList()),
                new Recipient(contract.Parties.Jobcenter.Name, contract.Parties.Jobcenter.Email)),
        };
    }

    private async Task<FokusNotice> FokusAsync(SettlementRecord record, SettlementPlan plan, CancellationToken ct)
    {
        var issueDates = (await ledger.ListDocumentsAsync(ct)).ToDictionary(d => d.Number, d => d.IssueDate, StringComparer.Ordinal);
        var documents = SettlementDocuments.Build(contract, record, plan, issueDates);
        var issued = documents.Select(d => new IssuedDocument(d.Number,
            d.Kind == Documents.DocumentKind.Invoice ? NoticeDocumentKind.Invoice : NoticeDocumentKind.CreditNote,
            d.LineExtensionAmount, d.VatAmount, d.PayableAmount, d.DueDate)).ToList();
        var lines = SettlementLedger.Documents(record, plan).SelectMany(doc => doc.Lines.Select(l => new FokusNoticeLine(doc.Number,
            l.ReferralId, l.FokusRef, l.PeriodIndex, IsoWeek.Parse(l.PeriodFirstWeek), IsoWeek.Parse(l.PeriodLastWeek), l.Class, l.Weeks,
            doc.Kind == "Invoice" ? l.Amount : -l.Amount,
            doc.Kind == "Invoice" ? -l.CapReduction : l.CapReduction))).ToList();
        var held = plan.Snapshot.HeldPeriods.Select(h => new HeldPeriod(h.ReferralId, h.FokusRef, h.PeriodIndex,
            h.MissingWeeks.Select(IsoWeek.Parse).ToList())).ToList();
        var attachments = new List<NoticeAttachment>();
        foreach (var d in documents)
        {
            attachments.Add(new NoticeAttachment($"{d.Number}.pdf", "application/pdf", await archive.ReadAsync(SettlementDocuments.BlobName(d.Number, "pdf"), ct)));
            attachments.Add(new NoticeAttachment($"{d.Number}.xml", "application/xml", await archive.ReadAsync(SettlementDocuments.BlobName(d.Number, "xml"), ct)));
        }
        var notSettled = plan.Snapshot.LeftOut.Select(n => new NotSettledParticipant(n.ReferralId, n.FokusRef, n.Reason)).ToList();
        return new FokusNotice(plan.Period, plan.AsOf, issued, lines, held, attachments, notSettled);
    }

    private async Task<NoticeContent> FundAsync(NoticeKey key, SettlementRecord record, SettlementPlan plan, CancellationToken ct)
    {
        var fund = contract.Parties.Funds.FirstOrDefault(f => f.Name == key.FundName)
            ?? throw new InvalidOperationException($"Notice for settlement {key.SettlementId}: the contract names no fund '{key.FundName}'.");
        // Revenue to date: every settlement issued up to and including this one, invoices less credit notes (ex VAT).
        var settlements = await ledger.ListSettlementsAsync(ct);
        var revenue = settlements.Where(s => string.CompareOrdinal(s.Period, plan.Period) <= 0).Sum(s => s.InvoiceTotal - s.CreditTotal);
        var month = DateOnly.ParseExact(plan.Period + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var planned = GuaranteeExposure.PlanToDate(contract.RevenuePlan, month);
        var notice = new FundsNotice(plan.Period, plan.AsOf, fund.Name, plan.Snapshot.Referred, plan.Snapshot.InCourse, plan.Snapshot.Achieved,
            contract.TargetShare, contract.ReferralCap, revenue, planned, fund.DeficitGuarantee ?? 0m);
        return new NoticeContent(notice, new Recipient(fund.Name, fund.Email));
    }
}
