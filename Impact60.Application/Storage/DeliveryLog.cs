using System.Globalization;
using Azure.Data.Tables;
using Impact60.Application.Configuration;

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
}

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
            ["Source"] = record.Source,
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
            ["RejectedReason"] = record.RejectedReason,
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

    private static DeliveryRecord ToRecord(TableEntity e) => new(
        e.GetString("DeliveryId"), e.GetString("Sha256"), e.GetString("Source"), e.GetString("Kind"),
        e.GetDateTimeOffset("ReceivedAt") ?? default, e.GetString("Status") ?? DeliveryRecord.Ingested, e.GetBoolean("Duplicate") ?? false,
        e.GetInt32("RowsRead") ?? 0, e.GetInt32("RowsAccepted") ?? 0, e.GetInt32("RowsRejected") ?? 0,
        e.GetInt32("New") ?? 0, e.GetInt32("Revised") ?? 0, e.GetInt32("Unchanged") ?? 0, e.GetInt32("ChangedParticipants") ?? 0,
        e.GetString("EvidenceBlobName") ?? "", e.GetString("QuarantineBlobName"), e.GetString("RejectedReason"));
}
