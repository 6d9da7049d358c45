using System.Text;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Storage;

/// <summary>
/// No Azure storage limit is reachable from a delivery (docs/ingestion.md "Azure storage limits"): a referral whose id
/// holds a character a table key cannot hold or is longer than a key, or whose field is larger than a table property, is
/// rejected as a bad row with its line, and the other rows are stored — nothing is thrown. Against Azurite. The reasons
/// are not asserted here: the file reader may reject such a value first, in its own words; TableLimitsTests checks the
/// store's own reasons.
/// </summary>
[Collection("Azurite")]
public sealed class StorageLimitsTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Today = new(2019, 6, 3);

    public static TheoryData<string, string> UnstorableReferralIds => new()
    {
        { "slash", "JC/2018/0002" },
        { "backslash", "JC\\2018\\0002" },
        { "hash", "JC#2018-0002" },
        { "question mark", "JC?2018-0002" },
        { "control character", "JC-2018\u0001-0002" },
        { "1,100 characters", "JC-" + new string('7', 1_097) },
    };

    [Theory]
    [MemberData(nameof(UnstorableReferralIds))]
    public async Task Given_a_referral_id_a_table_key_cannot_hold_when_the_file_is_ingested_then_that_row_is_rejected_with_its_line_and_the_others_are_stored(string what, string referralId)
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var result = await host.Ingestion.IngestReferralsFileAsync(Csv(
            ReferralHeader, ReferralLine(1),
            $"{referralId};{Cpr(2)};2018-09-27;2018-10-01;;F-002;KaffeFair",
            ReferralLine(3)), "referrals.csv", Today);

        Assert.True(result.RowsRejected == 1, what);
        Assert.Equal(3, Assert.Single(result.Rejections).Line);
        Assert.Equal(["JC-2018-0001", "JC-2018-0003"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
        Assert.NotNull(result.QuarantineBlobName);
    }

    [Fact]
    public async Task Given_a_business_of_1_MB_when_the_file_is_ingested_then_that_row_is_rejected_with_its_line_the_others_are_stored_and_the_report_line_is_cut()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var result = await host.Ingestion.IngestReferralsFileAsync(Csv(
            ReferralHeader, ReferralLine(1),
            $"JC-2018-0002;{Cpr(2)};2018-09-27;2018-10-01;;F-002;{new string('K', 1_000_000)}",
            ReferralLine(3)), "referrals.csv", Today);

        Assert.Equal(3, Assert.Single(result.Rejections).Line);
        Assert.Equal(["JC-2018-0001", "JC-2018-0003"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
        var report = await host.Get<QuarantineReports>().ReadAsync(result.QuarantineBlobName!);
        Assert.True(report.Length < 5_000, $"the report is {report.Length} characters: the 1 MB field was not cut");
    }

    [Fact]
    public async Task Given_100_referrals_each_within_every_entity_limit_but_6_MB_together_when_written_then_all_are_stored_in_transactions_within_4_MiB()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var p = host.Pseudonymizer;
        // 30,000 characters is within a property's 64 KiB; 100 of them are a 6 MB body, over a transaction's 4 MiB.
        var referrals = Enumerable.Range(1, 100)
            .Select(i => new Referral($"JC-{i:000}", PseudonymOf(p, Cpr(i)), new(2018, 9, 27), new(2018, 10, 1), null, $"F-{i:000}", new string('b', 30_000)))
            .ToList();

        var written = await host.Participants.WriteReferralsAsync(referrals, "0123456789abcdef", DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.Equal(100, written.New);
        Assert.Equal(100, (await host.Participants.ReadReferralsAsync()).Count);
    }

    [Fact]
    public async Task Given_an_unreadable_file_whose_name_is_1020_characters_with_a_control_character_when_processed_then_its_error_report_gets_a_valid_name()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var inbox = host.Clients.Container(StorageNames.Containers.RegisterInbox);
        var name = "weeks-\u0007" + new string('w', 1_009) + ".csv";
        await inbox.GetBlobClient(name).UploadAsync(new BinaryData(Encoding.UTF8.GetBytes("no header here\n")));

        var outcome = await host.Get<InboxProcessor>().ProcessAsync(name, Today);

        Assert.Equal(InboxStatus.Rejected, outcome.Status);
        Assert.True(outcome.ErrorReport!.Length <= 1024, $"{outcome.ErrorReport.Length} characters");
        Assert.DoesNotContain('\u0007', outcome.ErrorReport);
        Assert.EndsWith(".error.txt", outcome.ErrorReport);
        Assert.True((await inbox.GetBlobClient(outcome.ErrorReport).ExistsAsync()).Value);
        // The source kept in the log is cut and escaped too.
        var log = Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync());
        Assert.True(log.Source.Length < 300);
        Assert.DoesNotContain('\u0007', log.Source);
    }

    [Fact]
    public async Task Given_a_file_rejected_whole_with_a_reason_quoting_a_1_MB_header_when_ingested_then_the_delivery_log_keeps_it_cut_and_nothing_throws_but_the_rejection()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var column = new string('c', 1_000_000);

        var rejected = await Assert.ThrowsAsync<RegisterFileException>(() =>
            host.Ingestion.IngestWeeksFileAsync(Csv($"cpr;{column};{column}", $"{Cpr(1)};1;2"), "weeks.csv", Today));

        var log = Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync());
        Assert.Equal(DeliveryRecord.FileRejected, log.Status);
        Assert.True(log.RejectedReason!.Length < 3_000);
        Assert.True(rejected.Message.Length < 3_000);
    }
}
