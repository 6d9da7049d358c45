using Azure.Data.Tables;
using Impact60.Application.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Tests.Storage;

/// <summary>The store's own guard against the Azure Table limits (docs/ingestion.md "Azure storage limits"), with its exact reasons.</summary>
public sealed class TableLimitsTests
{
    private static readonly Pseudonym Person = Pseudonym.Parse(new string('a', 64));

    private static Referral Referral(string id = "JC-2018-0001", string fokusRef = "F-001", string business = "KaffeFair") =>
        new(id, Person, new(2018, 9, 27), new(2018, 10, 1), null, fokusRef, business);

    [Theory]
    [InlineData("JC/1", "referral_id holds '/', which a table key cannot hold, so the row cannot be stored")]
    [InlineData("JC\\1", "referral_id holds '\\', which a table key cannot hold, so the row cannot be stored")]
    [InlineData("JC#1", "referral_id holds '#', which a table key cannot hold, so the row cannot be stored")]
    [InlineData("JC?1", "referral_id holds '?', which a table key cannot hold, so the row cannot be stored")]
    [InlineData("JC\u00011", "referral_id holds the control character U+0001, which a table key cannot hold, so the row cannot be stored")]
    [InlineData("JC\u00851", "referral_id holds the control character U+0085, which a table key cannot hold, so the row cannot be stored")]
    public void Given_a_referral_id_with_a_character_a_key_cannot_hold_then_the_referral_cannot_be_stored(string id, string reason) =>
        Assert.Equal(reason, ParticipantStore.ReferralProblem(Referral(id)));

    [Fact]
    public void Given_a_referral_id_of_1100_characters_then_it_is_too_long_for_a_key_and_one_of_512_is_not()
    {
        Assert.Equal("referral_id is 1,100 characters long; a table key holds at most 512 (1 KiB), so the row cannot be stored",
            ParticipantStore.ReferralProblem(Referral(new string('7', 1_100))));
        Assert.Null(ParticipantStore.ReferralProblem(Referral(new string('7', 512))));
        Assert.NotNull(ParticipantStore.ReferralProblem(Referral(new string('7', 513))));
    }

    [Fact]
    public void Given_a_business_of_1_MB_or_a_fokus_ref_just_over_64_KiB_then_the_referral_cannot_be_stored_and_one_just_within_can()
    {
        Assert.Equal("business is 1,000,000 characters long; a table property holds at most 32,768 (64 KiB), so the row cannot be stored",
            ParticipantStore.ReferralProblem(Referral(business: new string('b', 1_000_000))));
        Assert.Equal("fokus_ref is 32,769 characters long; a table property holds at most 32,768 (64 KiB), so the row cannot be stored",
            ParticipantStore.ReferralProblem(Referral(fokusRef: new string('f', 32_769))));
        Assert.Null(ParticipantStore.ReferralProblem(Referral(fokusRef: new string('f', 32_768), business: new string('b', 32_768))));
    }

    [Fact]
    public void Given_an_entity_over_1_MiB_in_properties_each_within_64_KiB_then_it_cannot_be_stored()
    {
        var entity = new TableEntity("p", "r");
        for (var i = 0; i < 17; i++) entity[$"P{i}"] = new string('x', 32_000); // 17 × 64,004 bytes
        Assert.Equal("the row would take 1,088,294 bytes; a table entity holds at most 1,048,576 (1 MiB)", TableLimits.Problem(entity));
    }

    [Fact]
    public void Given_an_entity_of_253_properties_then_it_has_too_many_with_the_three_system_ones_and_252_is_fine()
    {
        var entity = new TableEntity("p", "r");
        for (var i = 0; i < 252; i++) entity[$"P{i}"] = i;
        Assert.Null(TableLimits.Problem(entity));
        entity["P252"] = 252;
        Assert.Equal("the row would have 256 table properties; an entity holds at most 255", TableLimits.Problem(entity));
    }

    [Fact]
    public void Given_keys_then_the_partition_key_is_checked_as_the_row_key_and_the_size_is_the_services_measure()
    {
        Assert.Equal("PartitionKey holds '#', which a table key cannot hold", TableLimits.Problem(new TableEntity("a#b", "r")));
        // 4 + 2×1 + 2×1, then "Code": 8 + 2×4 + (4 + 2×3), then "N": 8 + 2×1 + 4.
        Assert.Equal(8 + 26 + 14, TableLimits.SizeOf(new TableEntity("p", "r") { ["Code"] = "130", ["N"] = 1 }));
    }

    [Fact]
    public void Given_the_largest_week_a_reader_can_make_then_it_can_be_stored() =>
        Assert.Null(ParticipantStore.WeekProblem(new RegisterWeek(Person, IsoWeek.Parse("2100-W52"), BenefitCode.Parse("9999"))));

    [Fact]
    public void Given_text_that_json_escapes_then_its_wire_size_counts_six_bytes_a_character()
    {
        var plain = TableLimits.WireSizeOf(new TableEntity("p", "r") { ["B"] = new string('b', 1000) });
        var escaped = TableLimits.WireSizeOf(new TableEntity("p", "r") { ["B"] = new string('æ', 1000) });
        Assert.Equal(5000, escaped - plain);
    }

    [Fact]
    public void Given_100_large_entities_when_split_into_transactions_then_each_has_at_most_100_operations_and_stays_within_the_budget()
    {
        var actions = Enumerable.Range(0, 250)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                new TableEntity("p", $"r{i}") { ["Business"] = new string('b', i % 2 == 0 ? 30_000 : 10) }))
            .ToList();

        var transactions = ParticipantStore.Transactions(actions).ToList();

        Assert.Equal(250, transactions.Sum(t => t.Count));
        Assert.All(transactions, t => Assert.InRange(t.Count, 1, TableLimits.MaxBatchOperations));
        Assert.All(transactions, t => Assert.True(t.Sum(a => TableLimits.WireSizeOf((TableEntity)a.Entity)) <= TableLimits.BatchBudgetBytes));
        Assert.Equal(actions.Select(a => a.Entity.RowKey), transactions.SelectMany(t => t).Select(a => a.Entity.RowKey)); // order kept
    }
}
