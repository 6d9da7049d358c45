using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Settlement;

/// <summary>
/// The settlement ledger in Azure Tables. Everything of one programme lives in one partition, so that allocating
/// document numbers and recording the settlement that uses them is one atomic entity-group transaction:
/// a number is never lost (the counter only moves together with the record that holds it) and never used twice
/// (the counter is ETag-checked). Row keys:
/// <list type="bullet">
/// <item><c>series|{series}</c> — the next number of a document series;</item>
/// <item><c>head|settlements</c> — rewritten by every numbering, so a plan computed before another settlement was
/// numbered fails its ETag check instead of invoicing the same weeks twice;</item>
/// <item><c>settlement|{yyyy-MM}</c> — one settlement period: status, plan, document numbers;</item>
/// <item><c>doc|{number}</c> and <c>line|{number}|{n}</c> — the documents and their lines;</item>
/// <item><c>invoiced|{grain}</c> — what is invoiced so far per participant, period, class and tariff.</item>
/// </list>
/// Amounts are stored as invariant decimal text (Tables has no decimal type).
/// </summary>
public sealed class SettlementLedger(TableClient table, string programme)
{
    private const int MaxBatch = 100;

    public string Programme => programme;

    public async Task<SettlementRecord?> GetSettlementAsync(string period, CancellationToken ct)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(programme, "settlement|" + period, cancellationToken: ct);
        return response.HasValue ? ToSettlement(response.Value!) : null;
    }

    public async Task<IReadOnlyList<SettlementRecord>> ListSettlementsAsync(CancellationToken ct)
    {
        var result = new List<SettlementRecord>();
        await foreach (var e in QueryPrefixAsync("settlement|", ct)) result.Add(ToSettlement(e));
        return result.OrderBy(s => s.Period, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyDictionary<string, InvoicedGrain>> ReadInvoicedAsync(CancellationToken ct) =>
        (await ReadInvoicedEntitiesAsync(ct)).ToDictionary(kv => kv.Key, kv => kv.Value.Grain, StringComparer.Ordinal);

    private async Task<Dictionary<string, (InvoicedGrain Grain, ETag ETag)>> ReadInvoicedEntitiesAsync(CancellationToken ct)
    {
        var result = new Dictionary<string, (InvoicedGrain, ETag)>(StringComparer.Ordinal);
        await foreach (var e in QueryPrefixAsync("invoiced|", ct))
        {
            var g = new InvoicedGrain(
                e.GetString("ReferralId"), e.GetString("FokusRef") ?? "", e.GetString("PeriodFirstWeek") ?? "", e.GetString("PeriodLastWeek") ?? "",
                e.GetInt32("PeriodIndex") ?? 0, Enum.Parse<WeekClass>(e.GetString("Class")),
                MoneyText.Parse(e.GetString("UnitPrice")), e.GetInt32("Weeks") ?? 0, MoneyText.Parse(e.GetString("Gross")),
                MoneyText.Parse(e.GetString("CapReduction")), MoneyText.Parse(e.GetString("Amount")),
                e.GetString("LastInvoiceNumber") ?? "", e.GetString("LastSettlement") ?? "");
            result[LedgerKeys.Grain(g.ReferralId, g.PeriodIndex, g.Class, g.UnitPrice)] = (g, e.ETag);
        }
        return result;
    }

    /// <summary>
    /// The ledger's head: one row that every numbering transaction rewrites. A plan is computed from the invoiced-so-far
    /// grains as they stood when the head was read; numbering it is conditional on the head's ETag, so a plan computed
    /// before another settlement was numbered can never be issued (it would invoice the same weeks twice).
    /// </summary>
    public async Task<LedgerHead> ReadHeadAsync(CancellationToken ct)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(programme, HeadRow, cancellationToken: ct);
        return response.HasValue ? new LedgerHead(response.Value!.ETag, response.Value.GetString("LastPeriod")) : new LedgerHead(null, null);
    }

    private const string HeadRow = "head|settlements";

    /// <summary>
    /// Allocates the numbers the plan needs, moves the head and records the settlement as Numbered, in one transaction
    /// conditional on the counters' and the head's ETags. Returns the record of this period — the new one, or the one a
    /// concurrent run recorded first (whose plan is then the one to issue) — or null when another settlement was numbered
    /// since <paramref name="head"/> was read: the plan may be stale and must be computed again.
    /// </summary>
    public async Task<SettlementRecord?> TryNumberAsync(SettlementPlan plan, string planBlob, string planSha256,
        string invoiceSeries, string creditNoteSeries, LedgerHead head, CancellationToken ct)
    {
        var existing = await GetSettlementAsync(plan.Period, ct);
        if (existing is not null) return existing;

        var actions = new List<TableTransactionAction>();
        string? invoiceNumber = null, creditNumber = null;
        if (plan.InvoiceLines.Count > 0)
            invoiceNumber = await NextNumberAsync(invoiceSeries, actions, ct);
        if (plan.CreditLines.Count > 0)
            creditNumber = await NextNumberAsync(creditNoteSeries, actions, ct);

        var headEntity = new TableEntity(programme, HeadRow) { ["LastPeriod"] = plan.Period };
        actions.Add(head.ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, headEntity, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, headEntity));
        var record = new SettlementRecord(plan.Period, plan.AsOf, SettlementStatus.Numbered, planBlob, planSha256,
            invoiceNumber, creditNumber, plan.InvoiceTotal, plan.CreditTotal);
        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, FromSettlement(record)));
        try
        {
            await table.SubmitTransactionAsync(actions, ct);
            return record;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            // A counter, the head or this period's record moved under us: nothing of ours was written (one transaction).
            return await GetSettlementAsync(plan.Period, ct);
        }
    }

    private async Task<string> NextNumberAsync(string series, List<TableTransactionAction> actions, CancellationToken ct)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(programme, "series|" + series, cancellationToken: ct);
        long next;
        if (response.HasValue)
        {
            var counter = response.Value!;
            next = counter.GetInt64("Next") ?? 1;
            counter["Next"] = next + 1;
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, counter, counter.ETag));
        }
        else
        {
            next = 1;
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                new TableEntity(programme, "series|" + series) { ["Next"] = 2L, ["Series"] = series }));
        }
        return FormatNumber(series, next);
    }

    public static string FormatNumber(string series, long n) => $"{series}-{n.ToString("D6", CultureInfo.InvariantCulture)}";

    /// <summary>Writes the document headers and lines of a numbered settlement. Deterministic upserts: safe to repeat.</summary>
    public async Task WriteDocumentsAsync(SettlementRecord record, SettlementPlan plan, CancellationToken ct)
    {
        foreach (var (number, kind, lines) in Documents(record, plan))
        {
            var entities = new List<TableEntity>
            {
                new(programme, "doc|" + number)
                {
                    ["Number"] = number, ["Kind"] = kind, ["Period"] = plan.Period,
                    ["AsOf"] = Date(plan.AsOf), ["IssueDate"] = Date(plan.IssueDate), ["DueDate"] = Date(plan.DueDate),
                    ["Total"] = MoneyText.Format(lines.Sum(l => l.Amount)), ["LineCount"] = lines.Count,
                    ["Corrects"] = string.Join(",", lines.Select(l => l.CorrectsInvoiceNumber).Where(n => n is not null).Distinct().Order(StringComparer.Ordinal)),
                },
            };
            for (var i = 0; i < lines.Count; i++)
            {
                var l = lines[i];
                entities.Add(new TableEntity(programme, $"line|{number}|{(i + 1).ToString("D4", CultureInfo.InvariantCulture)}")
                {
                    ["Number"] = number, ["LineNumber"] = i + 1, ["ReferralId"] = l.ReferralId, ["FokusRef"] = l.FokusRef,
                    ["PeriodIndex"] = l.PeriodIndex, ["PeriodFirstWeek"] = l.PeriodFirstWeek, ["PeriodLastWeek"] = l.PeriodLastWeek,
                    ["Class"] = l.Class.ToString(), ["UnitPrice"] = MoneyText.Format(l.UnitPrice), ["Weeks"] = l.Weeks,
                    ["Gross"] = MoneyText.Format(l.Gross), ["CapReduction"] = MoneyText.Format(l.CapReduction), ["Amount"] = MoneyText.Format(l.Amount),
                    ["CorrectsInvoiceNumber"] = l.CorrectsInvoiceNumber,
                });
            }
            foreach (var chunk in entities.Chunk(MaxBatch))
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct);
        }
    }

    public static IEnumerable<(string Number, string Kind, IReadOnlyList<PlannedLine> Lines)> Documents(SettlementRecord record, SettlementPlan plan)
    {
        if (record.InvoiceNumber is { } inv) yield return (inv, "Invoice", plan.InvoiceLines);
        if (record.CreditNoteNumber is { } crn) yield return (crn, "CreditNote", plan.CreditLines);
    }

    /// <summary>
    /// Adds the plan's differences to the invoiced-so-far grains. Each grain remembers the last settlement applied to it,
    /// so a rerun after a crash halfway skips the grains already done instead of adding twice. Writes are ETag-checked:
    /// if a concurrent completion of the same settlement wrote a grain first, the grains are read again and only what is
    /// still missing is written.
    /// </summary>
    public async Task ApplyInvoicedAsync(SettlementRecord record, SettlementPlan plan, CancellationToken ct)
    {
        var deltas = plan.InvoiceLines.Select(l => (Line: l, Sign: 1, Number: record.InvoiceNumber!))
            .Concat(plan.CreditLines.Select(l => (Line: l, Sign: -1, Number: record.CreditNoteNumber!)))
            .ToList();
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadInvoicedEntitiesAsync(ct);
            var writes = new List<TableTransactionAction>();
            foreach (var (line, sign, number) in deltas)
            {
                InvoicedGrain? before = current.TryGetValue(line.GrainKey, out var found) ? found.Grain : null;
                if (before?.LastSettlement == plan.Period) continue;
                var entity = new TableEntity(programme, "invoiced|" + line.GrainKey)
                {
                    ["ReferralId"] = line.ReferralId, ["FokusRef"] = line.FokusRef, ["PeriodFirstWeek"] = line.PeriodFirstWeek,
                    ["PeriodLastWeek"] = line.PeriodLastWeek, ["PeriodIndex"] = line.PeriodIndex, ["Class"] = line.Class.ToString(),
                    ["UnitPrice"] = MoneyText.Format(line.UnitPrice),
                    ["Weeks"] = (before?.Weeks ?? 0) + sign * line.Weeks,
                    ["Gross"] = MoneyText.Format((before?.Gross ?? 0m) + sign * line.Gross),
                    ["CapReduction"] = MoneyText.Format((before?.CapReduction ?? 0m) + sign * line.CapReduction),
                    ["Amount"] = MoneyText.Format((before?.Amount ?? 0m) + sign * line.Amount),
                    ["LastInvoiceNumber"] = sign > 0 ? number : before?.LastInvoiceNumber ?? "",
                    ["LastSettlement"] = plan.Period,
                };
                writes.Add(before is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, found.ETag));
            }
            try
            {
                foreach (var chunk in writes.Chunk(MaxBatch))
                    await table.SubmitTransactionAsync(chunk, ct);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 10)
            {
                // Another completion of this settlement wrote some grains first: read again, write only what is missing.
            }
        }
    }

    public async Task MarkIssuedAsync(SettlementRecord record, CancellationToken ct)
    {
        var entity = FromSettlement(record with { Status = SettlementStatus.Issued });
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
    }

    public async Task<IReadOnlyList<LedgerDocument>> ListDocumentsAsync(CancellationToken ct)
    {
        var result = new List<LedgerDocument>();
        await foreach (var e in QueryPrefixAsync("doc|", ct))
            result.Add(new LedgerDocument(e.GetString("Number"), e.GetString("Kind"), e.GetString("Period"),
                DateOnly.Parse(e.GetString("IssueDate"), CultureInfo.InvariantCulture), MoneyText.Parse(e.GetString("Total")),
                e.GetInt32("LineCount") ?? 0, e.GetString("Corrects") ?? ""));
        return result.OrderBy(d => d.Number, StringComparer.Ordinal).ToList();
    }

    private IAsyncEnumerable<TableEntity> QueryPrefixAsync(string prefix, CancellationToken ct)
    {
        // Row keys sort as strings: every key with the prefix lies in [prefix, prefix + char.MaxValue).
        var upper = prefix[..^1] + (char)(prefix[^1] + 1);
        return table.QueryAsync<TableEntity>(
            $"PartitionKey eq '{programme}' and RowKey ge '{prefix}' and RowKey lt '{upper}'", cancellationToken: ct);
    }

    private TableEntity FromSettlement(SettlementRecord r) => new(programme, "settlement|" + r.Period)
    {
        ["Period"] = r.Period, ["AsOf"] = Date(r.AsOf), ["Status"] = r.Status.ToString(),
        ["PlanBlob"] = r.PlanBlob, ["PlanSha256"] = r.PlanSha256,
        ["InvoiceNumber"] = r.InvoiceNumber, ["CreditNoteNumber"] = r.CreditNoteNumber,
        ["InvoiceTotal"] = MoneyText.Format(r.InvoiceTotal), ["CreditTotal"] = MoneyText.Format(r.CreditTotal),
    };

    private static SettlementRecord ToSettlement(TableEntity e) => new(
        e.GetString("Period"), DateOnly.Parse(e.GetString("AsOf"), CultureInfo.InvariantCulture),
        Enum.Parse<SettlementStatus>(e.GetString("Status")), e.GetString("PlanBlob"), e.GetString("PlanSha256"),
        e.GetString("InvoiceNumber"), e.GetString("CreditNoteNumber"),
        MoneyText.Parse(e.GetString("InvoiceTotal")), MoneyText.Parse(e.GetString("CreditTotal")));

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The ledger's head as read before planning: its ETag (null when no settlement was ever numbered) and the last period numbered.</summary>
public sealed record LedgerHead(ETag? ETag, string? LastPeriod);

public sealed record LedgerDocument(string Number, string Kind, string Period, DateOnly IssueDate, decimal Total, int LineCount, string Corrects);
