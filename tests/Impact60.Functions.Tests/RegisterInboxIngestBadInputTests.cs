using Impact60.Application.Configuration;
using Impact60.Application.Pipeline;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Functions.Functions;
using Impact60.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using static Impact60.Functions.Tests.Infrastructure.Scenario;

namespace Impact60.Functions.Tests;

/// <summary>
/// Bad deliveries dropped in the inbox never poison the ingest message: a row no table could hold is rejected and the
/// rest stored; a file mostly bad is refused whole and left for correction with the reason beside it. Either way the
/// function returns and the host completes the message.
/// </summary>
[Collection("Azurite")]
public sealed class RegisterInboxIngestBadInputTests(AzuriteFixture azurite)
{
    private static async Task<List<string>> InboxAsync(FunctionsTestHost host) =>
        await host.Storage.Container(StorageNames.Containers.RegisterInbox).GetBlobsAsync().Select(b => b.Name).ToListAsync();

    [Fact]
    public async Task Given_a_referrals_file_with_a_business_of_1_MB_and_a_referral_id_of_1100_characters_when_the_function_runs_then_those_rows_are_rejected_the_rest_stored_and_the_message_completes()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await DropAsync(host, "referrals.csv", ReferralsFile +
            $"JC-2018-0002;020190-9902;2018-09-27;2018-10-01;2019-02-15;F-002;{new string('K', 1_000_000)}\n" +
            $"JC-{new string('7', 1_097)};030190-9903;2018-09-27;2018-10-01;2019-02-15;F-003;KaffeFair\n" +
            "JC-2018-0004;040190-9904;2018-09-27;2018-10-01;2019-02-15;F-004;KaffeFair\n");

        await host.Function<RegisterInboxIngest>().Run(Message(new IngestMessage("referrals.csv").ToJson()), CancellationToken.None);

        Assert.Equal([ReferralId, "JC-2018-0004"], (await host.Get<ParticipantStore>().ReadReferralsAsync(CancellationToken.None)).Select(r => r.ReferralId));
        Assert.Empty(await InboxAsync(host)); // ingested (the bad rows are in the quarantine report), so removed
        var report = await host.Storage.Container(StorageNames.Containers.Quarantine).GetBlobsAsync().SingleAsync();
        var text = (await host.Storage.Container(StorageNames.Containers.Quarantine).GetBlobClient(report.Name).DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(["referrals.csv;3;", "referrals.csv;4;"], text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l[..(l.IndexOf(';', 14) + 1)]));
        Assert.DoesNotContain(host.Logs, r => r.Level >= LogLevel.Error);
        AssertNoCprInLogs(host);
    }

    [Fact]
    public async Task Given_a_weeks_file_mostly_bad_when_the_function_runs_then_nothing_is_stored_the_file_stays_with_the_reason_beside_it_and_the_message_completes()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await DropAsync(host, "weeks.csv", "cpr;week;code\n" + string.Concat(Enumerable.Range(1, 12).Select(w => $"{Cpr};2019-W{(w <= 7 ? 99 : w):00};\n")));

        await host.Function<RegisterInboxIngest>().Run(Message(new IngestMessage("weeks.csv").ToJson()), CancellationToken.None);

        Assert.Equal(["weeks.csv", "weeks.csv.error.txt"], await InboxAsync(host));
        var reason = (await host.Storage.Container(StorageNames.Containers.RegisterInbox).GetBlobClient("weeks.csv.error.txt").DownloadContentAsync()).Value.Content.ToString();
        Assert.StartsWith("weeks.csv was refused whole: 7 of 12 rows rejected, more than 50 %", reason);
        Assert.Contains("The rejected rows are in quarantine/", reason);
        Assert.Empty(await host.Storage.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<Azure.Data.Tables.TableEntity>().ToListAsync());
        Assert.Equal(DeliveryRecord.Refused, Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync()).Status);
        Assert.Contains(host.Logs, r => r.Message.Contains("Inbox weeks.csv: Rejected", StringComparison.Ordinal));
        AssertNoCprInLogs(host);
    }
}
