using Azure;
using Azure.Data.Tables;
using Impact60.Application.Configuration;

namespace Impact60.Application.RegisterApi;

/// <summary>
/// Table <c>Cursors</c>, row (<c>register</c>, <c>weeks</c>): the highest register <c>changedAt</c> whose page is stored.
/// Only moves forward, also when two pulls commit at once (a timer run and an operator's <c>./impact60 pull</c>): the
/// commit is optimistic — the row is added only if absent and replaced only if its ETag is the one just read — and on a
/// conflict it reads again, so a later cursor written meanwhile is never overwritten by an earlier one.
/// </summary>
public sealed class PullCursor(Storage.StorageClients clients)
{
    private const string Partition = "register";
    private const string Row = "weeks";
    private const int MaxConflictRetries = 10; // each retry means another writer moved the cursor; a few at most in practice

    private readonly TableClient _table = clients.Table(StorageNames.Tables.Cursors);

    public async Task<DateTimeOffset?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var entity = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue ? entity.Value!.GetDateTimeOffset("ChangedSince") : null;
    }

    /// <summary>Moves the cursor to <paramref name="changedSince"/> unless it is there or beyond already.</summary>
    /// <returns>true if this call moved it; false if the stored cursor was already at or past <paramref name="changedSince"/>.</returns>
    public async Task<bool> CommitAsync(DateTimeOffset changedSince, string deliveryId, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(Partition, Row)
        {
            ["ChangedSince"] = changedSince,
            ["DeliveryId"] = deliveryId,
        };
        for (var attempt = 1; ; attempt++)
        {
            var current = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!current.HasValue)
                {
                    await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                if (current.Value!.GetDateTimeOffset("ChangedSince") is { } stored && stored >= changedSince) return false;
                await _table.UpdateEntityAsync(entity, current.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxConflictRetries)
            {
                // Another commit came between the read and the write (409: it added the row; 412: it replaced it): read again.
            }
        }
    }
}
