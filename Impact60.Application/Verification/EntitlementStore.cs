using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Verification;

/// <summary>
/// Table <c>Entitlements</c>: one row per participant (PartitionKey = programme, RowKey = pseudonym), replaced whole
/// each time the participant is verified. Periods, lines and gaps are JSON properties; amounts are invariant decimal text
/// inside them (System.Text.Json writes <see cref="decimal"/> exactly).
/// </summary>
public sealed class EntitlementStore(TableClient table, string programme)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task WriteAsync(StoredEntitlement e, CancellationToken ct) =>
        table.UpsertEntityAsync(ToEntity(e), TableUpdateMode.Replace, ct);

    public async Task<StoredEntitlement?> ReadAsync(Pseudonym person, CancellationToken ct) =>
        (await ReadForUpdateAsync(person, ct)).Entitlement;

    /// <summary>The stored entitlement with its ETag, for <see cref="WriteUnlessNewerAsync"/>.</summary>
    public async Task<(StoredEntitlement? Entitlement, ETag? ETag)> ReadForUpdateAsync(Pseudonym person, CancellationToken ct)
    {
        var r = await table.GetEntityIfExistsAsync<TableEntity>(programme, person.Value, cancellationToken: ct);
        return r.HasValue ? (FromEntity(r.Value!), r.Value!.ETag) : (null, null);
    }

    /// <summary>
    /// Stores <paramref name="e"/> unless the store holds a result computed as of a later date. The write is conditional
    /// on <paramref name="etag"/> (what the caller read; null = nothing was stored): two verifications of one participant
    /// running at once — a delivery's and a night's, as of different dates, in one queue batch — cannot let the earlier
    /// date's result overwrite the later one's. On a conflict the row is read again and the rule applied again.
    /// Returns what is stored afterwards.
    /// </summary>
    public async Task<StoredEntitlement> WriteUnlessNewerAsync(StoredEntitlement e, ETag? etag, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (etag is { } expected) await table.UpdateEntityAsync(ToEntity(e), expected, TableUpdateMode.Replace, ct);
                else await table.AddEntityAsync(ToEntity(e), ct);
                return e;
            }
            catch (RequestFailedException conflict) when (conflict.Status is 409 or 412 && attempt < 10)
            {
                var (stored, storedETag) = await ReadForUpdateAsync(e.Person, ct);
                if (stored is not null && stored.AsOf > e.AsOf) return stored;
                etag = storedETag;
            }
        }
    }

    public async Task<IReadOnlyList<StoredEntitlement>> ReadAllAsync(CancellationToken ct)
    {
        var result = new List<StoredEntitlement>();
        await foreach (var e in table.QueryAsync<TableEntity>($"PartitionKey eq '{programme}'", cancellationToken: ct))
            result.Add(FromEntity(e));
        return result.OrderBy(e => e.ReferralId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every stored entitlement with its ETag, for <see cref="WriteUnlessNewerAsync"/>.</summary>
    public async Task<Dictionary<Pseudonym, (StoredEntitlement Entitlement, ETag ETag)>> ReadAllForUpdateAsync(CancellationToken ct)
    {
        var result = new Dictionary<Pseudonym, (StoredEntitlement, ETag)>();
        await foreach (var e in table.QueryAsync<TableEntity>($"PartitionKey eq '{programme}'", cancellationToken: ct))
        {
            var stored = FromEntity(e);
            result[stored.Person] = (stored, e.ETag);
        }
        return result;
    }

    /// <summary>Participants whose entitlement may differ on <paramref name="asOf"/> although their data did not change.</summary>
    public async Task<IReadOnlyList<Pseudonym>> DueForReviewAsync(DateOnly asOf, CancellationToken ct)
    {
        var result = new List<Pseudonym>();
        var filter = $"PartitionKey eq '{programme}' and ReviewOn le '{Date(asOf)}'";
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
            result.Add(Pseudonym.Parse(e.RowKey));
        return result;
    }

    /// <summary>Every participant with a stored entitlement (keys only).</summary>
    public async Task<HashSet<Pseudonym>> ReadPersonsAsync(CancellationToken ct)
    {
        var result = new HashSet<Pseudonym>();
        await foreach (var e in table.QueryAsync<TableEntity>($"PartitionKey eq '{programme}'", select: ["RowKey"], cancellationToken: ct))
            result.Add(Pseudonym.Parse(e.RowKey));
        return result;
    }

    private TableEntity ToEntity(StoredEntitlement e) => new(programme, e.Person.Value)
    {
        ["ReferralId"] = e.ReferralId,
        ["FokusRef"] = e.FokusRef,
        ["AsOf"] = Date(e.AsOf),
        // A participant with nothing left to mature has no review date; the empty string sorts before every date,
        // so it is stored as a far date instead to keep the "ReviewOn le" query simple.
        ["ReviewOn"] = e.ReviewOn is { } r ? Date(r) : "9999-12-31",
        ["InCourse"] = e.InCourse,
        ["Amount"] = e.Amount.ToString("0.00", CultureInfo.InvariantCulture),
        ["FullWeeksPaid"] = e.FullWeeksPaid,
        ["PartialWeeksPaid"] = e.PartialWeeksPaid,
        ["Achieved"] = e.AchievedSelfSufficiency,
        ["Periods"] = JsonSerializer.Serialize(e.Periods, Json),
        ["Lines"] = JsonSerializer.Serialize(e.Lines, Json),
        ["MissingFinalWeeks"] = string.Join(",", e.MissingFinalWeeks),
        ["Problems"] = JsonSerializer.Serialize(e.Problems, Json),
    };

    private static StoredEntitlement FromEntity(TableEntity t)
    {
        var review = t.GetString("ReviewOn");
        return new StoredEntitlement(
            Pseudonym.Parse(t.RowKey), t.GetString("ReferralId"), t.GetString("FokusRef"),
            DateOnly.Parse(t.GetString("AsOf"), CultureInfo.InvariantCulture),
            review is null or "9999-12-31" ? null : DateOnly.Parse(review, CultureInfo.InvariantCulture),
            t.GetBoolean("InCourse") ?? false,
            decimal.Parse(t.GetString("Amount"), CultureInfo.InvariantCulture),
            t.GetInt32("FullWeeksPaid") ?? 0, t.GetInt32("PartialWeeksPaid") ?? 0, t.GetBoolean("Achieved") ?? false,
            JsonSerializer.Deserialize<List<StoredPeriod>>(t.GetString("Periods") ?? "[]", Json) ?? [],
            JsonSerializer.Deserialize<List<StoredLine>>(t.GetString("Lines") ?? "[]", Json) ?? [],
            (t.GetString("MissingFinalWeeks") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            JsonSerializer.Deserialize<List<string>>(t.GetString("Problems") ?? "[]", Json) ?? []);
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
