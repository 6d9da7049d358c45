using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Register;
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

    [Fact]
    public async Task Given_unreadable_files_named_with_a_cpr_when_processed_then_each_error_report_is_named_and_written_without_the_cpr_and_is_its_own()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var (anna, bo) = ($"weeks-{Cpr(1).Replace("-", "")}.csv", $"weeks-{Cpr(2).Replace("-", "")}.csv");
        await DropAsync(host, anna, "cpr;code", $"{Cpr(1)};130");
        await DropAsync(host, bo, "cpr;code", $"{Cpr(2)};130");
        var inbox = host.Get<InboxProcessor>();

        var first = await inbox.ProcessAsync(anna, Today);
        var second = await inbox.ProcessAsync(bo, Today);

        Assert.Equal((InboxStatus.Rejected, InboxStatus.Rejected), (first.Status, second.Status));
        // Masked name + 8 hex digits of a keyed hash of the real name: both mask to weeks-XXXXXX-XXXX.csv, yet each has its own report.
        Assert.Matches(@"^weeks-XXXXXX-XXXX\.csv\.[0-9a-f]{8}\.error\.txt$", first.ErrorReport);
        Assert.Matches(@"^weeks-XXXXXX-XXXX\.csv\.[0-9a-f]{8}\.error\.txt$", second.ErrorReport);
        Assert.NotEqual(first.ErrorReport, second.ErrorReport);
        Assert.Equal(first.ErrorReport, inbox.ErrorReportName(anna)); // found again from the file's name
        Assert.Equal(new[] { anna, bo, first.ErrorReport!, second.ErrorReport! }.Order(StringComparer.Ordinal), await InboxAsync(host));
        var report = (await host.Clients.Container(StorageNames.Containers.RegisterInbox).GetBlobClient(first.ErrorReport).DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(
            "weeks-XXXXXX-XXXX.csv was not ingested: missing required column 'week' (long form) or y_YYWW week columns (wide form). " +
            "Correct the file and drop it again (the rejected file stays here).\n", report);
        Assert.Equal(report.TrimEnd('\n'), first.Error);
        // Only the jobcenter's own two files carry the CPR in their names; nothing Impact60 wrote or logged does.
        var findings = await PrivacyScan.FindCprsAsync(host.Clients, [Cpr(1), Cpr(2)], host.LogLines);
        Assert.Equal([$"blob name register-inbox/{anna} contains a CPR ({anna[6..8]}…)", $"blob name register-inbox/{bo} contains a CPR ({bo[6..8]}…)"], findings.Order(StringComparer.Ordinal));
        Assert.Contains(host.LogLines, l => l.Text.Contains("Inbox file weeks-XXXXXX-XXXX.csv rejected whole", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_rejected_file_named_with_a_cpr_when_a_corrected_file_of_the_same_name_is_ingested_then_its_error_report_is_removed()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var name = $"weeks-{Cpr(1)}.csv";
        await DropAsync(host, name, "cpr;code", $"{Cpr(1)};130");
        var inbox = host.Get<InboxProcessor>();
        var rejected = await inbox.ProcessAsync(name, Today);
        Assert.Contains(rejected.ErrorReport!, await InboxAsync(host));
        await DropAsync(host, name, WeeksHeader, $"{Cpr(1)};2019-W14;130");

        var outcome = await inbox.ProcessAsync(name, Today);

        Assert.Equal(InboxStatus.Ingested, outcome.Status);
        Assert.Empty(await InboxAsync(host));
        Assert.Equal("weeks-XXXXXX-XXXX.csv", outcome.Result!.Source);
    }

    [Fact]
    public async Task Given_a_file_named_with_a_cpr_with_bad_rows_when_processed_then_the_rejections_the_report_the_delivery_log_and_the_logs_name_it_masked()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var name = $"2019/weeks-{Cpr(1).Replace("-", "")}.csv";
        await DropAsync(host, name, WeeksHeader, $"{Cpr(1)};2019-W14;130", $"{Cpr(2)};2019-W99;130");

        var outcome = await host.Get<InboxProcessor>().ProcessAsync(name, Today);

        var result = outcome.Result!;
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal(new Rejection("2019/weeks-XXXXXX-XXXX.csv", 3, "week: ISO year 2019 has weeks 1 to 52, not 99", "XXXXXX-XXXX;2019-W99;130"), rejection);
        var report = await host.Get<QuarantineReports>().ReadAsync(result.QuarantineBlobName!);
        Assert.Equal("file;line;reason;raw_line\n2019/weeks-XXXXXX-XXXX.csv;3;week: ISO year 2019 has weeks 1 to 52, not 99;\"XXXXXX-XXXX;2019-W99;130\"\n", report);
        Assert.Equal("2019/weeks-XXXXXX-XXXX.csv", Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync()).Source);
        Assert.Empty(await PrivacyScan.FindCprsAsync(host.Clients, [Cpr(1), Cpr(2)], host.LogLines));
        Assert.Empty(await InboxAsync(host)); // ingested, so the jobcenter's CPR-named file is gone from the inbox too
    }
}
