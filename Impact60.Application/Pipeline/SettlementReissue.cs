using Azure.Storage.Blobs;
using Impact60.Application.Configuration;
using Impact60.Application.Notices;
using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Domain.Contracts;
using Microsoft.Extensions.Logging;

namespace Impact60.Application.Pipeline;

/// <summary>What became of one document blob when a settlement was re-issued.</summary>
public sealed record ReissuedBlob(string Name, bool Rewritten);

public sealed record ReissueOutcome(SettlementRecord Record, IReadOnlyList<ReissuedBlob> Blobs, IReadOnlyList<NoticeKey> Resent)
{
    public int RewrittenCount => Blobs.Count(b => b.Rewritten);
}

/// <summary>The operator asked for something the ledger cannot give: an unknown month, a month not yet issued, a recipient the settlement never had.</summary>
public sealed class ReissueException(string message) : Exception(message);

/// <summary>
/// Re-issues an issued settlement's documents: every document blob (<c>&lt;number&gt;.xml|.pdf|.json</c>) that is missing
/// from the <c>documents</c> container is written again from the ledger — the record's numbers, the fixed plan's lines,
/// the issue dates of the invoices a credit note corrects — through the same writers, so XML and JSON come back
/// byte-identical. A blob that is there is never touched (the container is WORM in Azure). Running it again finds
/// nothing missing and writes nothing. On request it also sends chosen notices again on purpose: the notice's
/// sent-once record is removed and its message queued, so the next delivery sends it (once) again.
/// </summary>
public sealed class SettlementReissue(
    Contract contract,
    SettlementLedger ledger,
    SettlementPlanStore plans,
    DocumentArchive archive,
    TableNoticeLedger notices,
    StorageClients storage,
    ILogger<SettlementReissue> logger)
{
    private readonly BlobContainerClient _documents = storage.Container(StorageNames.Containers.Documents);

    public async Task<ReissueOutcome> ReissueAsync(string period, IReadOnlyCollection<string> resend, CancellationToken ct)
    {
        var record = await ledger.GetSettlementAsync(period, ct)
            ?? throw new ReissueException($"settlement {period} is not in the ledger: nothing was issued for that month (settle it first)");
        if (record.Status != SettlementStatus.Issued)
            throw new ReissueException($"settlement {period} is numbered but not yet issued: run settle for {period} to complete it");
        var plan = await plans.LoadAsync(record.PlanBlob, record.PlanSha256, ct);
        var keys = ResolveRecipients(plan, resend);

        var issueDates = (await ledger.ListDocumentsAsync(ct)).ToDictionary(d => d.Number, d => d.IssueDate, StringComparer.Ordinal);
        var blobs = new List<ReissuedBlob>();
        foreach (var document in SettlementDocuments.Build(contract, record, plan, issueDates))
        {
            var missing = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (extension, _) in DocumentArchive.Formats)
            {
                var name = SettlementDocuments.BlobName(document.Number, extension);
                if (!await _documents.GetBlobClient(name).ExistsAsync(ct)) missing.Add(name);
            }
            if (missing.Count > 0) await archive.WriteAsync(document, ct); // writes exactly the missing ones
            foreach (var (extension, _) in DocumentArchive.Formats)
            {
                var name = SettlementDocuments.BlobName(document.Number, extension);
                blobs.Add(new ReissuedBlob(name, missing.Contains(name)));
            }
        }
        foreach (var b in blobs.Where(b => b.Rewritten))
            logger.LogWarning("Settlement {Period}: document blob {Blob} was missing and is written again from the ledger", period, b.Name);

        var queue = storage.Queue(StorageNames.Queues.Notices);
        foreach (var key in keys)
        {
            await notices.ForgetAsync(key, ct);
            await queue.SendMessageAsync(NoticeMessage.For(key).ToJson(), ct);
            logger.LogWarning("Settlement {Period}: notice {Recipient} queued to be sent again, on the operator's request", period, key.Recipient);
        }
        return new ReissueOutcome(record, blobs, keys);
    }

    /// <summary>
    /// <c>fokus</c>, <c>jobcenter</c>, <c>fund:&lt;name&gt;</c> (as the contract spells it, case-insensitive) or <c>all</c>
    /// (every recipient the settlement had). Only recipients the settlement had can be sent again.
    /// </summary>
    private IReadOnlyList<NoticeKey> ResolveRecipients(SettlementPlan plan, IReadOnlyCollection<string> resend)
    {
        var had = NoticeOutput.Recipients(contract, plan).ToList();
        var result = new List<NoticeKey>();
        foreach (var raw in resend)
        {
            var r = raw.Trim();
            IEnumerable<NoticeKey> chosen;
            if (r.Equals("all", StringComparison.OrdinalIgnoreCase)) chosen = had;
            else if (r.Equals("fokus", StringComparison.OrdinalIgnoreCase)) chosen = [NoticeKey.Fokus(plan.Period)];
            else if (r.Equals("jobcenter", StringComparison.OrdinalIgnoreCase)) chosen = [NoticeKey.Jobcenter(plan.Period)];
            else if (r.StartsWith("fund:", StringComparison.OrdinalIgnoreCase))
            {
                var name = r["fund:".Length..].Trim();
                var fund = contract.Parties.Funds.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ReissueException($"--resend {raw}: the contract names no fund '{name}' (funds: {string.Join(", ", contract.Parties.Funds.Select(f => f.Name))})");
                chosen = [NoticeKey.Fund(plan.Period, fund.Name)];
            }
            else throw new ReissueException($"--resend {raw}: give fokus, jobcenter, fund:<name> or all");

            foreach (var key in chosen)
            {
                if (!had.Contains(key))
                    throw new ReissueException($"--resend {raw}: settlement {plan.Period} had no notice for {key.Recipient} (it had: {string.Join(", ", had.Select(k => k.Recipient))})");
                if (!result.Contains(key)) result.Add(key);
            }
        }
        return result;
    }
}
