using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Tests.Storage;

[Collection("Azurite")]
public sealed class ParticipantStoreTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Given_weeks_written_for_two_participants_when_read_back_then_each_gets_exactly_their_weeks_in_order()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var p = host.Pseudonymizer;
        var anna = SampleRegister.PseudonymOf(p, SampleRegister.Cpr(1));
        var bo = SampleRegister.PseudonymOf(p, SampleRegister.Cpr(2));
        RegisterWeek[] weeks =
        [
            new(anna, IsoWeek.Parse("2019-W15"), BenefitCode.Parse("130")),
            new(anna, IsoWeek.Parse("2019-W14"), BenefitCode.NoBenefit),
            new(bo, IsoWeek.Parse("2019-W14"), BenefitCode.Parse("651")),
        ];

        var result = await host.Participants.WriteWeeksAsync(weeks, "d1", Now, default);

        Assert.Equal((3, 0, 0), (result.New, result.Revised, result.Unchanged));
        Assert.Equal(new[] { anna, bo }.OrderBy(x => x.Value, StringComparer.Ordinal), result.ChangedParticipants);
        Assert.Equal([weeks[1], weeks[0]], await host.Participants.ReadWeeksAsync(anna));
        Assert.Equal([weeks[2]], await host.Participants.ReadWeeksAsync(bo));
    }

    [Fact]
    public async Task Given_120_participants_with_156_weeks_each_when_written_in_batches_then_every_week_is_stored_and_a_rewrite_changes_nothing_but_revisions()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var p = host.Pseudonymizer;
        var people = Enumerable.Range(0, 120).Select(i => SampleRegister.PseudonymOf(p, SampleRegister.Cpr(i))).ToList();
        var first = IsoWeek.Parse("2019-W01");
        var weeks = people.SelectMany((person, i) => Enumerable.Range(0, 156).Select(w =>
            new RegisterWeek(person, first.AddWeeks(w), (i + w) % 3 == 0 ? BenefitCode.Parse("130") : BenefitCode.NoBenefit))).ToList();

        var written = await host.Participants.WriteWeeksAsync(weeks, "d1", Now, default);

        Assert.Equal((120 * 156, 0, 0, 120), (written.New, written.Revised, written.Unchanged, written.ChangedParticipants.Count));
        var table = host.Clients.Table(StorageNames.Tables.RegisterWeeks);
        var stored = new Dictionary<(string, string), string>();
        await foreach (var e in table.QueryAsync<TableEntity>()) stored[(e.PartitionKey, e.RowKey)] = e.GetString("Code");
        Assert.Equal(120 * 156, stored.Count);
        Assert.All(weeks, w => Assert.Equal(w.Code.Value, stored[(w.Person.Value, w.Week.ToString())]));

        var rewrite = await host.Participants.WriteWeeksAsync(weeks, "d2", Now, default);
        Assert.Equal((0, 0, 120 * 156, 0), (rewrite.New, rewrite.Revised, rewrite.Unchanged, rewrite.ChangedParticipants.Count));

        var revised = weeks.Select(w => w.Person == people[7] && w.Week == first.AddWeeks(100) ? w with { Code = BenefitCode.Parse("999") } : w).ToList();
        var revision = await host.Participants.WriteWeeksAsync(revised, "d3", Now, default);
        Assert.Equal((0, 1, 120 * 156 - 1), (revision.New, revision.Revised, revision.Unchanged));
        Assert.Equal([people[7]], revision.ChangedParticipants);
        Assert.Equal("999", (await host.Participants.ReadWeeksAsync(people[7])).Single(w => w.Week == first.AddWeeks(100)).Code.Value);
    }

    [Fact]
    public async Task Given_a_stored_referral_when_the_same_id_comes_with_a_new_course_end_then_it_is_replaced_not_duplicated()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var person = SampleRegister.PseudonymOf(host.Pseudonymizer, SampleRegister.Cpr(3));
        var referral = new Referral("JC-2018-0003", person, new(2018, 9, 27), new(2018, 10, 1), null, "F-003", "KaffeFair");

        var first = await host.Participants.WriteReferralsAsync([referral], "d1", Now, default);
        var again = await host.Participants.WriteReferralsAsync([referral], "d2", Now, default);
        var ended = referral with { CourseEnd = new DateOnly(2019, 3, 29) };
        var change = await host.Participants.WriteReferralsAsync([ended], "d3", Now, default);

        Assert.Equal((1, 0, 0), (first.New, first.Revised, first.Unchanged));
        Assert.Equal((0, 0, 1), (again.New, again.Revised, again.Unchanged));
        Assert.Equal((0, 1, 0), (change.New, change.Revised, change.Unchanged));
        Assert.Equal([person], change.ChangedParticipants);
        Assert.Equal([ended], await host.Participants.ReadReferralsAsync());
    }

    [Fact]
    public async Task Given_a_referral_id_with_characters_tables_forbid_in_keys_when_stored_then_it_reads_back_unchanged()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var person = SampleRegister.PseudonymOf(host.Pseudonymizer, SampleRegister.Cpr(4));
        var referral = new Referral("JC/2018#4?", person, new(2018, 9, 27), new(2018, 10, 1), null, "F-004", "Butik ByRetro");

        await host.Participants.WriteReferralsAsync([referral], "d1", Now, default);

        Assert.Equal([referral], await host.Participants.ReadReferralsAsync());
    }

    [Fact]
    public async Task Given_evidence_already_archived_under_a_name_when_written_again_then_the_first_bytes_are_kept()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var archive = host.Get<EvidenceArchive>();
        var name = EvidenceArchive.BlobNameFor(Now, "0123456789abcdef", "weeks", "csv");

        var first = await archive.ArchiveAsync(name, SampleRegister.Csv("first"), "sha-of-first", "weeks");
        var second = await archive.ArchiveAsync(name, SampleRegister.Csv("second"), "sha-of-second", "weeks");

        Assert.Equal("2026/11/02/0123456789abcdef-weeks.csv", name);
        Assert.True(first);
        Assert.False(second);
        var blob = host.Clients.Container(StorageNames.Containers.Evidence).GetBlobClient(name);
        Assert.Equal("first\n", (await blob.DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal("sha-of-first", (await blob.GetPropertiesAsync()).Value.Metadata["sha256"]);
    }
}
