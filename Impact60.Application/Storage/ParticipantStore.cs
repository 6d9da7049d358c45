using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Storage;

/// <summary>What a write of register weeks or referrals changed. Counts are rows; a row equal to the stored one is unchanged.</summary>
public sealed record ParticipantWriteResult(int New, int Revised, int Unchanged, IReadOnlyList<Pseudonym> ChangedParticipants)
{
    public static ParticipantWriteResult Empty { get; } = new(0, 0, 0, []);
}

/// <summary>
/// The register as Impact60 holds it, per participant, with only pseudonyms.
/// <list type="bullet">
/// <item>Table <c>RegisterWeeks</c>: PartitionKey = pseudonym, RowKey = ISO week (<c>2019-W14</c>);
/// properties <c>Code</c> ("" = no benefit), <c>DeliveryId</c> and <c>ChangedAt</c> (the delivery that last changed the row, and when Impact60 received it). One partition per participant,
/// so a participant's 156+ weeks are read with one query and written in transactions of up to 100.</item>
/// <item>Table <c>Referrals</c>: PartitionKey = <c>"referrals"</c>, RowKey = referral id. The referral id is the
/// identity the jobcenter revises (a corrected CPR replaces the pseudonym of the same referral, latest delivery wins),
/// and at 120 referrals one partition is read in one query for the referral cap.</item>
/// </list>
/// Writes compare with what is stored and write only the changes, with optimistic concurrency: existing rows are
/// replaced only if their ETag is unchanged since they were read, new rows are added (fails if someone added it
/// meanwhile); on such a conflict the participant's partition is read again and the comparison redone.
/// </summary>
public sealed class ParticipantStore(StorageClients clients)
{
    public const string ReferralsPartition = "referrals";
    private const int MaxTransactionSize = TableLimits.MaxBatchOperations;
    private const int MaxConflictRetries = 5;

    private readonly TableClient _weeks = clients.Table(StorageNames.Tables.RegisterWeeks);
    private readonly TableClient _referrals = clients.Table(StorageNames.Tables.Referrals);

    /// <summary>For the benchmark's baseline only: write entity by entity instead of in transactions.</summary>
    public bool WriteOneEntityAtATime { get; init; }

    /// <summary>How many participants' partitions are compared and written at the same time. 4 measured best against
    /// Azurite on 2 cores (16 was 3x slower: the emulator is single-threaded); Azure itself takes more.</summary>
    public int MaxParallelPartitions { get; init; } = 4;

    public async Task<ParticipantWriteResult> WriteWeeksAsync(
        IEnumerable<RegisterWeek> weeks, string deliveryId, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        // Within one delivery the readers already reject a person-week given twice with different codes; the last
        // of equal rows wins here, so a repeated row is one row.
        var byPerson = weeks
            .GroupBy(w => w.Person)
            .Select(g => (Person: g.Key, Weeks: g.GroupBy(w => w.Week).ToDictionary(x => x.Key, x => x.Last().Code)))
            .ToList();

        var results = new ConcurrentBag<(Pseudonym Person, int New, int Revised, int Unchanged)>();
        await Parallel.ForEachAsync(byPerson, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelPartitions, CancellationToken = cancellationToken },
            async (p, ct) =>
            {
                var (n, r, u) = await WritePartitionAsync(
                    _weeks, p.Person.Value,
                    p.Weeks.ToDictionary(kv => kv.Key.ToString(), kv => WeekEntity(p.Person, kv.Key, kv.Value, deliveryId, changedAt)),
                    SameWeek, ct).ConfigureAwait(false);
                results.Add((p.Person, n, r, u));
            }).ConfigureAwait(false);

        return Summarise(results);
    }

    public async Task<ParticipantWriteResult> WriteReferralsAsync(
        IEnumerable<Referral> referrals, string deliveryId, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        var entities = referrals
            .GroupBy(r => r.ReferralId, StringComparer.Ordinal)
            .ToDictionary(g => ReferralRowKey(g.Key), g => ReferralEntity(g.Last(), deliveryId, changedAt), StringComparer.Ordinal);
        var outcome = await WritePartitionDetailedAsync(_referrals, ReferralsPartition, entities, SameReferral, cancellationToken).ConfigureAwait(false);
        var changed = outcome.Where(kv => kv.Value != Outcome.Unchanged)
            .Select(kv => Pseudonym.Parse(entities[kv.Key].GetString("Person")))
            .Distinct().OrderBy(p => p.Value, StringComparer.Ordinal).ToList();
        return new ParticipantWriteResult(
            outcome.Count(kv => kv.Value == Outcome.New), outcome.Count(kv => kv.Value == Outcome.Revised),
            outcome.Count(kv => kv.Value == Outcome.Unchanged), changed);
    }

    public async Task<RegisterWeek[]> ReadWeeksAsync(Pseudonym person, CancellationToken cancellationToken = default)
    {
        var weeks = new List<RegisterWeek>();
        await foreach (var e in _weeks.QueryAsync<TableEntity>(x => x.PartitionKey == person.Value, cancellationToken: cancellationToken).ConfigureAwait(false))
            weeks.Add(new RegisterWeek(person, IsoWeek.Parse(e.RowKey), BenefitCode.Parse(e.GetString("Code"))));
        return weeks.OrderBy(w => w.Week).ToArray();
    }

    public async Task<IReadOnlyList<Referral>> ReadReferralsAsync(CancellationToken cancellationToken = default)
    {
        var referrals = new List<Referral>();
        await foreach (var e in _referrals.QueryAsync<TableEntity>(x => x.PartitionKey == ReferralsPartition, cancellationToken: cancellationToken).ConfigureAwait(false))
            referrals.Add(ToReferral(e));
        return referrals.OrderBy(r => r.ReferralId, StringComparer.Ordinal).ToList();
    }

    /// <summary>One referral by its id (a point read), or null when it is not stored.</summary>
    public async Task<Referral?> ReadReferralAsync(string referralId, CancellationToken cancellationToken = default)
    {
        var response = await _referrals.GetEntityIfExistsAsync<TableEntity>(ReferralsPartition, ReferralRowKey(referralId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToReferral(response.Value!) : null;
    }

    private static Referral ToReferral(TableEntity e) => new(
        e.GetString("ReferralId"),
        Pseudonym.Parse(e.GetString("Person")),
        ParseDate(e.GetString("ReferredOn")),
        ParseDate(e.GetString("CourseStart")),
        string.IsNullOrEmpty(e.GetString("CourseEnd")) ? null : ParseDate(e.GetString("CourseEnd")),
        e.GetString("FokusRef") ?? "",
        e.GetString("Business") ?? "");

    private static DateOnly ParseDate(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string FormatDate(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static TableEntity WeekEntity(Pseudonym person, IsoWeek week, BenefitCode code, string deliveryId, DateTimeOffset changedAt) =>
        new(person.Value, week.ToString())
        {
            ["Code"] = code.Value,
            ["DeliveryId"] = deliveryId,
            ["ChangedAt"] = changedAt,
        };

    private static TableEntity ReferralEntity(Referral r, string deliveryId, DateTimeOffset changedAt) =>
        new(ReferralsPartition, ReferralRowKey(r.ReferralId))
        {
            ["ReferralId"] = r.ReferralId,
            ["Person"] = r.Person.Value,
            ["ReferredOn"] = FormatDate(r.ReferredOn),
            ["CourseStart"] = FormatDate(r.CourseStart),
            ["CourseEnd"] = r.CourseEnd is { } end ? FormatDate(end) : "",
            ["FokusRef"] = r.FokusRef,
            ["Business"] = r.Business,
            ["DeliveryId"] = deliveryId,
            ["ChangedAt"] = changedAt,
        };

    /// <summary>
    /// Why <paramref name="referral"/> cannot be stored as a <c>Referrals</c> row, or null (docs/ingestion.md "Azure storage
    /// limits"). The referral id is the row's key, so it must be a valid table key as given; every field must fit a table
    /// property, and the row an entity. Checked by the ingestion before anything is written: such a row is rejected with
    /// its line like any bad row, so no value from a delivery can make the table service refuse a write.
    /// </summary>
    public static string? ReferralProblem(Referral referral)
    {
        ArgumentNullException.ThrowIfNull(referral);
        if (TableLimits.KeyProblem(referral.ReferralId) is { } key) return $"referral_id {key}, so the row cannot be stored";
        // The largest values this code itself adds: a delivery id of 16 hex digits and an instant.
        var entity = ReferralEntity(referral, new string('0', 16), DateTimeOffset.UnixEpoch);
        return TableLimits.Problem(entity, ColumnOf) is { } problem ? $"{problem}, so the row cannot be stored" : null;
    }

    /// <summary>Why <paramref name="week"/> cannot be stored as a <c>RegisterWeeks</c> row, or null. Its parts are bounded by
    /// their types (a 64-digit pseudonym, an ISO week, a code of at most 4 digits), so this holds by construction; it is
    /// checked all the same, as the last line of defence.</summary>
    public static string? WeekProblem(RegisterWeek week) =>
        TableLimits.Problem(WeekEntity(week.Person, week.Week, week.Code, new string('0', 16), DateTimeOffset.UnixEpoch), ColumnOf) is { } problem
            ? $"{problem}, so the week cannot be stored" : null;

    private static string ColumnOf(string property) => property switch
    {
        "RowKey" or "ReferralId" => "referral_id",
        "FokusRef" => "fokus_ref",
        "Business" => "business",
        "ReferredOn" => "referred_on",
        "CourseStart" => "course_start",
        "CourseEnd" => "course_end",
        "PartitionKey" or "Person" => "the pseudonym",
        "Code" => "code",
        _ => property,
    };

    /// <summary>Table keys may not hold / \ # ? or control characters: those are percent-encoded (the id itself is kept as a
    /// property). New referrals with such ids are rejected before they get here (<see cref="ReferralProblem"/>); the encoding
    /// stays so that the rows of earlier releases keep their keys.</summary>
    public static string ReferralRowKey(string referralId) =>
        string.Concat(referralId.Select(c => c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c) ? $"%{(int)c:X2}" : c.ToString()));

    private static bool SameWeek(TableEntity stored, TableEntity incoming) =>
        (stored.GetString("Code") ?? "") == incoming.GetString("Code");

    private static readonly string[] ReferralFields = ["ReferralId", "Person", "ReferredOn", "CourseStart", "CourseEnd", "FokusRef", "Business"];

    private static bool SameReferral(TableEntity stored, TableEntity incoming) =>
        ReferralFields.All(f => (stored.GetString(f) ?? "") == (incoming.GetString(f) ?? ""));

    private enum Outcome { New, Revised, Unchanged }

    private async Task<(int New, int Revised, int Unchanged)> WritePartitionAsync(
        TableClient table, string partitionKey, Dictionary<string, TableEntity> incoming,
        Func<TableEntity, TableEntity, bool> same, CancellationToken cancellationToken)
    {
        var outcome = await WritePartitionDetailedAsync(table, partitionKey, incoming, same, cancellationToken).ConfigureAwait(false);
        return (outcome.Count(kv => kv.Value == Outcome.New), outcome.Count(kv => kv.Value == Outcome.Revised), outcome.Count(kv => kv.Value == Outcome.Unchanged));
    }

    private async Task<Dictionary<string, Outcome>> WritePartitionDetailedAsync(
        TableClient table, string partitionKey, Dictionary<string, TableEntity> incoming,
        Func<TableEntity, TableEntity, bool> same, CancellationToken cancellationToken)
    {
        // A row's outcome is final once its write has committed. A conflict fails only the transaction it is in (an entity
        // group transaction is all or nothing), so after one the partition is read again and every row not yet committed
        // is compared anew: a row someone else added meanwhile is then a revision of theirs (or unchanged, if they wrote
        // the same), and a row committed by an earlier chunk keeps the New or Revised it had.
        var final = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            var stored = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == partitionKey, cancellationToken: cancellationToken).ConfigureAwait(false))
                stored[e.RowKey] = e;

            var pending = new Dictionary<string, Outcome>(StringComparer.Ordinal);
            var actions = new List<TableTransactionAction>();
            foreach (var (rowKey, entity) in incoming)
            {
                if (final.ContainsKey(rowKey)) continue;
                if (!stored.TryGetValue(rowKey, out var current))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
                    pending[rowKey] = Outcome.New;
                }
                else if (!same(current, entity))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, current.ETag));
                    pending[rowKey] = Outcome.Revised;
                }
                else
                {
                    pending[rowKey] = Outcome.Unchanged;
                }
            }

            var committed = new List<string>();
            try
            {
                await SubmitAsync(table, actions, committed, cancellationToken).ConfigureAwait(false);
                foreach (var (rowKey, outcome) in pending) final[rowKey] = outcome;
                return final;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 409 && attempt < MaxConflictRetries)
            {
                // Someone else wrote this partition since we read it: keep what did commit, read again and redo the rest.
                foreach (var rowKey in committed) final[rowKey] = pending[rowKey];
            }
        }
    }

    /// <summary>Writes the actions, in transactions of up to 100; <paramref name="committed"/> collects the row keys of
    /// every write that has committed, so a conflict part way knows which rows are done.</summary>
    private async Task SubmitAsync(TableClient table, List<TableTransactionAction> actions, List<string> committed, CancellationToken cancellationToken)
    {
        if (WriteOneEntityAtATime)
        {
            foreach (var a in actions)
            {
                if (a.ActionType == TableTransactionActionType.Add)
                    await table.AddEntityAsync(a.Entity, cancellationToken).ConfigureAwait(false);
                else
                    await table.UpdateEntityAsync(a.Entity, a.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                committed.Add(a.Entity.RowKey);
            }
            return;
        }
        foreach (var chunk in Transactions(actions))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
            committed.AddRange(chunk.Select(a => a.Entity.RowKey));
        }
    }

    /// <summary>
    /// The actions in entity group transactions within both of the service's limits: at most 100 operations, and a body of
    /// at most 4 MiB (<see cref="TableLimits.BatchBudgetBytes"/> of entities, measured as they travel, escapes and all).
    /// 100 referrals of 30,000-character fields each keep every entity limit and still make a 6 MB body: they go in several.
    /// </summary>
    internal static IEnumerable<List<TableTransactionAction>> Transactions(IEnumerable<TableTransactionAction> actions)
    {
        var chunk = new List<TableTransactionAction>();
        long bytes = 0;
        foreach (var action in actions)
        {
            var size = action.Entity is TableEntity entity ? TableLimits.WireSizeOf(entity) : TableLimits.BatchBudgetBytes / MaxTransactionSize;
            if (chunk.Count > 0 && (chunk.Count == MaxTransactionSize || bytes + size > TableLimits.BatchBudgetBytes))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }
            chunk.Add(action);
            bytes += size;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    private static ParticipantWriteResult Summarise(IEnumerable<(Pseudonym Person, int New, int Revised, int Unchanged)> results)
    {
        var list = results.ToList();
        return new ParticipantWriteResult(
            list.Sum(r => r.New), list.Sum(r => r.Revised), list.Sum(r => r.Unchanged),
            list.Where(r => r.New + r.Revised > 0).Select(r => r.Person).OrderBy(p => p.Value, StringComparer.Ordinal).ToList());
    }
}
