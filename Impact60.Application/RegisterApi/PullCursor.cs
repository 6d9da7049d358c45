using Azure;
using Azure.Data.Tables;
using Impact60.Application.Configuration;

namespace Impact60.Application.RegisterApi;

/// <summary>
/// Table <c>Cursors</c>, row (<c>register</c>, <c>weeks</c>): the highest register <c>changedAt</c> whose page is stored.
/// Only moves forward.
/// </summary>
public sealed class PullCursor(Storage.StorageClients clients)
{
    private const string Partition = "register";
    private const string Row = "weeks";
    private readonly TableClient _table = clients.Table(StorageNames.Tables.Cursors);

    public async Task<DateTimeOffset?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var entity = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue ? entity.Value!.GetDateTimeOffset("ChangedSince") : null;
    }

    public async Task CommitAsync(DateTimeOffset changedSince, string deliveryId, CancellationToken cancellationToken = default)
    {
        var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (current is { } c && c >= changedSince) return;
        await _table.UpsertEntityAsync(new TableEntity(Partition, Row)
        {
            ["ChangedSince"] = changedSince,
            ["DeliveryId"] = deliveryId,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
