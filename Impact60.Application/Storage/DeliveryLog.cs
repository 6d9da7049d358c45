using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Domain.Text;

namespace Impact60.Application.Storage;

/// <summary>One received register delivery (an extract file or one page of the API) as the log keeps it. No personal data:
/// <see cref="Source"/> is the file name with anything CPR-shaped masked, or e.g. <c>api:weeks page 3</c>.</summary>
public sealed record DeliveryRecord(
    string DeliveryId,
    string Sha256,
    string Source,
    string Kind,
    DateTimeOffset ReceivedAt,
    string Status,
    bool Duplicate,
    int RowsRead,
    int RowsAccepted,
    int RowsRejected,
    int New,
    int Revised,
    int Unchanged,
    int ChangedParticipants,
    string EvidenceBlobName,
    string? QuarantineBlobName,
    string? RejectedReason)
{
    public const string Ingested = "ingested";
    public const string FileRejected = "rejected";

    /// <summary>Read, but refused whole: too large a share of its rows was rejected (<see cref="Impact60.Domain.Register.RejectionPolicy"/>); nothing stored.</summary>
    public const string Refused = "refused";

    /// <summary>Rejected rows counted by kind of reason, most frequent first (<see cref="Impact60.Domain.Register.RejectionLog.ByKind"/>).</summary>
    public IReadOnlyList<RejectionCount> RejectionsByKind { get; init; } = [];

    /// <summary>The benefit codes of the delivery the contract does not list, one line each (<see cref="Impact60.Domain.Register.UnlistedCode"/>).</summary>
    public IReadOnlyList<string> UnlistedCodes { get; init; } = [];
}

/// <summary>How many rejected rows had reasons of one kind (the reason with its values taken out).</summary>
public sealed record RejectionCount(string Kind, long Count);

/// <summary>
/// Table <c>Deliveries</c>: every delivery received, PartitionKey = its SHA-256 (so "have we had this exact content
/// before?" is one partition read), RowKey = received time in ticks (several receipts of the same content are kept:
/// the first ingested, later ones flagged duplicate).
/// </summary>
public sealed class DeliveryLog(StorageClients clients)
{
    private readonly TableClient _table = clients.Table(StorageNames.Tables.Deliveries);

    /// <summary>The delivery id: the first 16 hex digits of the content's SHA-256 (stable, and says nothing about the content).</summary>
    public static string DeliveryIdOf(string sha256) => sha256[..16];

    /// <summary>The ingested delivery with this content, if any (rejected-whole files do not count: a rerun must report the same error).</summary>
    public async Task<DeliveryRecord?> FindIngestedAsync(string sha256, CancellationToken cancellationToken = default)
    {
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == sha256, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var record = ToRecord(e);
            if (record.Status == DeliveryRecord.Ingested && !record.Duplicate) return record;
        }
        return null;
    }

    public async Task AppendAsync(DeliveryRecord record, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(record.Sha256, record.ReceivedAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture))
        {
            ["DeliveryId"] = record.DeliveryId,
            ["Sha256"] = record.Sha256,
            // Every text from input cut to fit a table property (64 KiB) with room to spare: a reason may quote a 1 MB header.
            ["Source"] = SafeText.Show(record.Source, MaxText),
            ["Kind"] = record.Kind,
            ["ReceivedAt"] = record.ReceivedAt,
            ["Status"] = record.Status,
            ["Duplicate"] = record.Duplicate,
            ["RowsRead"] = record.RowsRead,
            ["RowsAccepted"] = record.RowsAccepted,
            ["RowsRejected"] = record.RowsRejected,
            ["New"] = record.New,
            ["Revised"] = record.Revised,
            ["Unchanged"] = record.Unchanged,
            ["ChangedParticipants"] = record.ChangedParticipants,
            ["EvidenceBlobName"] = record.EvidenceBlobName,
            ["QuarantineBlobName"] = record.QuarantineBlobName,
            ["RejectedReason"] = record.RejectedReason is null ? null : SafeText.Show(record.RejectedReason, MaxText),
            ["RejectionsByKind"] = record.RejectionsByKind.Count == 0 ? null : Bounded(record.RejectionsByKind),
            ["UnlistedCodes"] = record.UnlistedCodes.Count == 0 ? null
                : JsonSerializer.Serialize(record.UnlistedCodes.Take(MaxUnlistedCodes).Select(c => SafeText.Show(c, 120))),
        };
        // Upsert: a rerun at the same instant (same key) writes the same facts again.
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeliveryRecord>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<DeliveryRecord>();
        await foreach (var e in _table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
            list.Add(ToRecord(e));
        return list.OrderBy(r => r.ReceivedAt).ToList();
    }

    private const int MaxText = 2000;
    private const int MaxListText = 16_000;


    /// <summary>The counts as JSON, as many kinds as fit in <see cref="MaxListText"/> characters (most frequent first).</summary>
    private static string Bounded(IReadOnlyList<RejectionCount> counts)
    {
        var kept = new List<RejectionCount>();
        var length = 2;
        foreach (var c in counts)
        {
            var kind = SafeText.Show(c.Kind, 300);
            length += kind.Length * 6 + 40; // JSON escapes at worst 6 characters for one
            if (length > MaxListText) break;
            kept.Add(c with { Kind = kind });
        }
        return JsonSerializer.Serialize(kept.Select(c => new KindJson(c.Kind, c.Count)));
    }

    private static IReadOnlyList<RejectionCount> ParseKinds(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<KindJson>>(json)?.Select(k => new RejectionCount(k.Kind ?? "", k.Count)).ToList() ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private sealed record KindJson(string? Kind, long Count);

    /// <summary>Codes kept in the log entry (most weeks first): 100 lines of at most 120 characters fit a property well.</summary>
    private const int MaxUnlistedCodes = 100;

    private static IReadOnlyList<string> ParseList(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static DeliveryRecord ToRecord(TableEntity e) => new(
        e.GetString("DeliveryId"), e.GetString("Sha256"), e.GetString("Source"), e.GetString("Kind"),
        e.GetDateTimeOffset("ReceivedAt") ?? default, e.GetString("Status") ?? DeliveryRecord.Ingested, e.GetBoolean("Duplicate") ?? false,
        e.GetInt32("RowsRead") ?? 0, e.GetInt32("RowsAccepted") ?? 0, e.GetInt32("RowsRejected") ?? 0,
        e.GetInt32("New") ?? 0, e.GetInt32("Revised") ?? 0, e.GetInt32("Unchanged") ?? 0, e.GetInt32("ChangedParticipants") ?? 0,
        e.GetString("EvidenceBlobName") ?? "", e.GetString("QuarantineBlobName"), e.GetString("RejectedReason"))
    {
        RejectionsByKind = ParseKinds(e.GetString("RejectionsByKind")),
        UnlistedCodes = ParseList(e.GetString("UnlistedCodes")),
    };
}
