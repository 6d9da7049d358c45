using Azure;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Tests.Storage;

/// <summary>
/// The store's optimistic concurrency: between reading a participant's partition and writing the changes, another writer
/// (a second client, made to write at exactly that moment) changes the partition. The transaction is refused (409 for an
/// add of a row that now exists, 412 for a replace whose ETag is stale) and the store reads again and redoes the comparison.
/// </summary>
[Collection("Azurite")]
public sealed class ParticipantStoreConflictTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek W14 = IsoWeek.Parse("2019-W14");
    private static readonly IsoWeek W15 = IsoWeek.Parse("2019-W15");

    private TableClient OtherWriter => StorageClients.FromConnectionString(azurite.ConnectionString).Table(StorageNames.Tables.RegisterWeeks);

    /// <summary>Before the <paramref name="nth"/> entity group transaction on RegisterWeeks, <paramref name="competitor"/> writes on its own client.</summary>
    private static BeforeRequest CompetitorBeforeTransaction(int nth, Func<Task> competitor) => new()
    {
        Matches = m => BeforeRequest.IsBatch(m) && BeforeRequest.BodyOf(m).Contains(StorageNames.Tables.RegisterWeeks, StringComparison.Ordinal),
        Before = n => n == nth ? competitor() : Task.CompletedTask,
    };

    private static async Task<Dictionary<string, (string Code, string DeliveryId)>> StoredAsync(StorageTestHost host, Pseudonym person) =>
        await host.Clients.Table(StorageNames.Tables.RegisterWeeks)
            .QueryAsync<TableEntity>(e => e.PartitionKey == person.Value)
            .ToDictionaryAsync(e => e.RowKey, e => (e.GetString("Code"), e.GetString("DeliveryId")));

    private static TableEntity Week(Pseudonym person, IsoWeek week, string code, string deliveryId) =>
        new(person.Value, week.ToString()) { ["Code"] = code, ["DeliveryId"] = deliveryId, ["ChangedAt"] = Now };

    [Fact]
    public async Task Given_another_writer_adds_a_week_after_the_partition_was_read_when_the_adds_are_refused_then_the_store_rereads_and_revises_that_week()
    {
        Pseudonym anna = default;
        var interception = CompetitorBeforeTransaction(1, () => OtherWriter.AddEntityAsync(Week(anna, W14, "651", "other")));
        await using var host = await StorageTestHost.StartAsync(azurite, tablePolicy: interception);
        anna = SampleRegister.PseudonymOf(host.Pseudonymizer, SampleRegister.Cpr(1));

        var result = await host.Participants.WriteWeeksAsync(
            [new RegisterWeek(anna, W14, BenefitCode.Parse("130")), new RegisterWeek(anna, W15, BenefitCode.NoBenefit)], "d2", Now, default);

        Assert.Equal(2, interception.Count); // refused once (409), then written
        // W14 existed (the other writer's 651) when the store wrote: a revision of it; W15 is new. Latest delivery wins.
        Assert.Equal((1, 1, 0), (result.New, result.Revised, result.Unchanged));
        Assert.Equal([anna], result.ChangedParticipants);
        Assert.Equal(new Dictionary<string, (string, string)> { ["2019-W14"] = ("130", "d2"), ["2019-W15"] = ("", "d2") }, await StoredAsync(host, anna));
    }

    [Fact]
    public async Task Given_another_writer_replaces_a_stored_week_after_the_partition_was_read_when_the_stale_replace_is_refused_then_the_store_rereads_and_replaces_it()
    {
        Pseudonym anna = default;
        var interception = CompetitorBeforeTransaction(2, async () =>
            await OtherWriter.UpdateEntityAsync(Week(anna, W14, "651", "other"), ETag.All, TableUpdateMode.Replace));
        await using var host = await StorageTestHost.StartAsync(azurite, tablePolicy: interception);
        anna = SampleRegister.PseudonymOf(host.Pseudonymizer, SampleRegister.Cpr(1));
        await host.Participants.WriteWeeksAsync([new RegisterWeek(anna, W14, BenefitCode.NoBenefit)], "d1", Now, default);

        var result = await host.Participants.WriteWeeksAsync(
            [new RegisterWeek(anna, W14, BenefitCode.Parse("130")), new RegisterWeek(anna, W15, BenefitCode.NoBenefit)], "d2", Now, default);

        Assert.Equal(3, interception.Count); // d1; d2 refused once (412: W14's ETag had changed); d2 again
        Assert.Equal((1, 1, 0), (result.New, result.Revised, result.Unchanged));
        Assert.Equal(new Dictionary<string, (string, string)> { ["2019-W14"] = ("130", "d2"), ["2019-W15"] = ("", "d2") }, await StoredAsync(host, anna));
    }

    [Fact]
    public async Task Given_another_writer_stores_exactly_the_same_weeks_first_when_the_store_rereads_then_nothing_is_counted_as_changed_by_this_delivery()
    {
        Pseudonym anna = default;
        var interception = CompetitorBeforeTransaction(1, async () =>
            await OtherWriter.SubmitTransactionAsync([
                new TableTransactionAction(TableTransactionActionType.Add, Week(anna, W14, "130", "other")),
                new TableTransactionAction(TableTransactionActionType.Add, Week(anna, W15, "", "other"))]));
        await using var host = await StorageTestHost.StartAsync(azurite, tablePolicy: interception);
        anna = SampleRegister.PseudonymOf(host.Pseudonymizer, SampleRegister.Cpr(1));

        var result = await host.Participants.WriteWeeksAsync(
            [new RegisterWeek(anna, W14, BenefitCode.Parse("130")), new RegisterWeek(anna, W15, BenefitCode.NoBenefit)], "d2", Now, default);

        Assert.Equal(1, interception.Count); // refused, and after the re-read there is nothing left to write
        Assert.Equal((0, 0, 2), (result.New, result.Revised, result.Unchanged));
        Assert.Empty(result.ChangedParticipants);
        Assert.Equal(new Dictionary<string, (string, string)> { ["2019-W14"] = ("130", "other"), ["2019-W15"] = ("", "other") }, await StoredAsync(host, anna));
    }

    [Fact]
    public async Task Given_150_new_weeks_in_two_transactions_when_the_second_is_refused_then_the_first_100_stay_new_and_only_the_rest_is_compared_again()
    {
        Pseudonym anna = default;
        var first = IsoWeek.Parse("2019-W01");
        var contested = first.AddWeeks(120); // in the second transaction (rows 101-150)
        var interception = CompetitorBeforeTransaction(2, () => OtherWriter.AddEntityAsync(Week(anna, contested, "651", "other")));
        await using var host = await StorageTestHost.StartAsync(azurite, tablePolicy: interception);
        anna = SampleRegister.PseudonymOf(host.Pseudonymizer, SampleRegister.Cpr(1));
        var weeks = Enumerable.Range(0, 150).Select(i => new RegisterWeek(anna, first.AddWeeks(i), BenefitCode.Parse("130"))).ToList();

        var result = await host.Participants.WriteWeeksAsync(weeks, "d1", Now, default);

        Assert.Equal(3, interception.Count); // 100 committed, 50 refused (409), 50 again
        Assert.Equal((149, 1, 0), (result.New, result.Revised, result.Unchanged));
        var stored = await StoredAsync(host, anna);
        Assert.Equal(150, stored.Count);
        Assert.All(stored.Values, v => Assert.Equal(("130", "d1"), v));
    }
}
