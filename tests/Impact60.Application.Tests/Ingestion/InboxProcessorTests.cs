using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Ingestion;

[Collection("Azurite")]
public sealed class InboxProcessorTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Today = new(2019, 6, 3);

    private static async Task DropAsync(StorageTestHost host, string name, params string[] lines) =>
        await host.Clients.Container(StorageNames.Containers.RegisterInbox).GetBlobClient(name).UploadAsync(Csv(lines), overwrite: true);

    private static async Task<List<string>> InboxAsync(StorageTestHost host) =>
        await host.Clients.Container(StorageNames.Containers.RegisterInbox).GetBlobsAsync().Select(b => b.Name).ToListAsync();

    [Fact]
    public async Task Given_a_referrals_file_and_a_weeks_file_dropped_when_processed_then_each_is_ingested_by_its_header_and_removed_from_the_inbox()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        await DropAsync(host, "2019/referrals.csv", ReferralHeader, ReferralLine(1));
        await DropAsync(host, "2019/weeks.csv", WeeksHeader, $"{Cpr(1)};2019-W14;130");
        var inbox = host.Get<InboxProcessor>();

        var referrals = await inbox.ProcessAsync("2019/referrals.csv", Today);
        var weeks = await inbox.ProcessAsync("2019/weeks.csv", Today);

        Assert.Equal((InboxStatus.Ingested, 1), (referrals.Status, referrals.Result!.NewReferrals));
        Assert.Equal((InboxStatus.Ingested, 1), (weeks.Status, weeks.Result!.NewWeeks));
        Assert.Empty(await InboxAsync(host));
        var evidence = host.Clients.Container(StorageNames.Containers.Evidence);
        Assert.True(await evidence.GetBlobClient(weeks.Result.EvidenceBlobName).ExistsAsync());
        Assert.Single(await host.Participants.ReadReferralsAsync());
    }

    [Fact]
    public async Task Given_an_unreadable_file_dropped_when_processed_then_it_stays_in_place_with_an_error_report_beside_it_without_any_cpr()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        await DropAsync(host, "weeks.csv", "cpr;code", $"{Cpr(1)};130");

        var outcome = await host.Get<InboxProcessor>().ProcessAsync("weeks.csv", Today);

        Assert.Equal(InboxStatus.Rejected, outcome.Status);
        Assert.Equal(["weeks.csv", "weeks.csv.error.txt"], await InboxAsync(host));
        var report = (await host.Clients.Container(StorageNames.Containers.RegisterInbox).GetBlobClient("weeks.csv.error.txt").DownloadContentAsync()).Value.Content.ToString();
        Assert.StartsWith("weeks.csv was not ingested: ", report);
        Assert.False(PrivacyScan.ContainsAny(report, [Cpr(1)]));
    }

    [Fact]
    public async Task Given_a_corrected_file_replaces_a_rejected_one_when_processed_then_it_is_ingested_and_the_old_error_report_removed()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        await DropAsync(host, "weeks.csv", "cpr;code", $"{Cpr(1)};130");
        var inbox = host.Get<InboxProcessor>();
        await inbox.ProcessAsync("weeks.csv", Today);
        await DropAsync(host, "weeks.csv", WeeksHeader, $"{Cpr(1)};2019-W14;130");

        var outcome = await inbox.ProcessAsync("weeks.csv", Today);

        Assert.Equal(InboxStatus.Ingested, outcome.Status);
        Assert.Empty(await InboxAsync(host));
    }

    [Fact]
    public async Task Given_a_file_processed_when_the_same_message_is_processed_again_then_nothing_more_happens()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        await DropAsync(host, "weeks.csv", WeeksHeader, $"{Cpr(1)};2019-W14;130");
        var inbox = host.Get<InboxProcessor>();

        var first = await inbox.ProcessAsync("weeks.csv", Today);
        var again = await inbox.ProcessAsync("weeks.csv", Today);

        Assert.Equal(InboxStatus.Ingested, first.Status);
        Assert.Equal(InboxStatus.NotFound, again.Status);
        Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync());
    }

    [Fact]
    public async Task Given_a_crash_after_ingesting_but_before_deleting_when_retried_then_the_file_is_a_duplicate_and_is_removed()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        string[] lines = [WeeksHeader, $"{Cpr(1)};2019-W14;130"];
        await DropAsync(host, "weeks.csv", lines);
        // The crashed attempt: ingested, blob not yet deleted.
        await host.Ingestion.IngestWeeksFileAsync(Csv(lines), "weeks.csv", Today);

        var retry = await host.Get<InboxProcessor>().ProcessAsync("weeks.csv", Today);

        Assert.Equal(InboxStatus.Ingested, retry.Status);
        Assert.True(retry.Result!.Duplicate);
        Assert.Empty(await InboxAsync(host));
        Assert.Single(await host.Participants.ReadWeeksAsync(PseudonymOf(host.Pseudonymizer, Cpr(1))));
    }
}
