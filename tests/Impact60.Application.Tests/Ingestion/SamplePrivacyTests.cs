using System.Text;
using System.Text.RegularExpressions;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Pipeline;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>The privacy scan of issue 3 on the data the project ships: every CPR of samples/ is looked for everywhere Impact60 wrote.</summary>
[Collection("Azurite")]
public sealed partial class SamplePrivacyTests(AzuriteFixture azurite)
{
    private static readonly DateOnly AsOf = new(2022, 3, 31);
    private static readonly string Samples = Path.Combine(AzuriteLauncher.FindRepositoryRoot(), "samples");

    /// <summary>Anything CPR-shaped in the sample files (10 digits, or 6-4 with a dash), valid or not: all personal data.</summary>
    [GeneratedRegex(@"(?<!\d)\d{6}-?\d{4}(?!\d)")]
    private static partial Regex CprShaped();

    [Fact]
    public async Task Given_the_shipped_sample_register_ingested_through_RegisterIngestion_and_the_inbox_when_everything_written_is_scanned_then_no_cpr_of_the_samples_is_anywhere()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        string[] files = ["referrals.csv", "weeks-2021-06.csv", "weeks-2022-01-dream.csv", "weeks-2022-02-revision.csv"];
        var cprs = files.SelectMany(f => CprShaped().Matches(File.ReadAllText(Path.Combine(Samples, f))).Select(m => m.Value)).Distinct().ToList();
        var queued = 0;

        // The CLI's way: the referrals and the big June delivery straight through RegisterIngestion.
        await using (var referrals = File.OpenRead(Path.Combine(Samples, "referrals.csv")))
            Assert.Equal(120, (await host.Ingestion.IngestReferralsFileAsync(referrals, "referrals.csv", AsOf)).NewReferrals);
        await using (var june = File.OpenRead(Path.Combine(Samples, "weeks-2021-06.csv")))
            queued += await QueueVerificationAsync(host, await host.Ingestion.IngestWeeksFileAsync(june, "weeks-2021-06.csv", AsOf));

        // The Functions' way: dropped in the inbox, announced by an Event Grid BlobCreated event on the ingest queue, taken
        // off by the processor, verification queued. The jobcenter also redelivers the DREAM file under a name with a CPR.
        var renamed = $"dream-{cprs[0]}.csv";
        var inbox = host.Clients.Container(StorageNames.Containers.RegisterInbox);
        var ingestQueue = host.Clients.Queue(StorageNames.Queues.Ingest);
        foreach (var (name, file) in new[] { ("weeks-2022-01-dream.csv", "weeks-2022-01-dream.csv"), ("weeks-2022-02-revision.csv", "weeks-2022-02-revision.csv"), (renamed, "weeks-2022-01-dream.csv") })
        {
            await inbox.GetBlobClient(name).UploadAsync(Path.Combine(Samples, file));
            await ingestQueue.SendMessageAsync(IngestMessageTests.InboxEvent(name));
        }
        var outcomes = new List<InboxOutcome>();
        while ((await ingestQueue.ReceiveMessagesAsync(1)).Value is [var message])
        {
            var outcome = await host.Get<InboxProcessor>().ProcessAsync(IngestMessage.Read(message.Body.ToString()).Message!.BlobName, AsOf);
            outcomes.Add(outcome);
            queued += await QueueVerificationAsync(host, outcome.Result!);
            await ingestQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        var findings = await PrivacyScan.FindCprsAsync(host.Clients, cprs, host.LogLines);

        Assert.Empty(findings);
        // Not vacuous: the samples are full of CPRs, the deliveries were taken (one a duplicate, one with its two broken
        // rows quarantined), verification was queued, and the evidence archive (exempt by design) holds the CPRs as received.
        Assert.True(cprs.Count >= 240, $"{cprs.Count} CPR-shaped values in the samples"); // 120 people, each written both ways
        Assert.Equal([InboxStatus.Ingested, InboxStatus.Ingested, InboxStatus.Ingested], outcomes.Select(o => o.Status));
        Assert.True(outcomes[2].Result!.Duplicate);
        Assert.Equal(2, outcomes[1].Result!.RowsRejected);
        Assert.True(queued >= 120);
        Assert.Empty(await inbox.GetBlobsAsync().ToListAsync());
        var evidence = host.Clients.Container(StorageNames.Containers.Evidence);
        var evidenceText = new StringBuilder();
        await foreach (var blob in evidence.GetBlobsAsync())
            evidenceText.Append((await evidence.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
        Assert.All(cprs, c => Assert.Contains(c, evidenceText.ToString(), StringComparison.Ordinal));
        Assert.NotEmpty(host.LogLines);
    }

    /// <summary>What the function does after an ingestion: a verify message per changed participant's referral.</summary>
    private static async Task<int> QueueVerificationAsync(StorageTestHost host, IngestionResult result)
    {
        var changed = result.ChangedParticipants.ToHashSet();
        var referralIds = (await host.Participants.ReadReferralsAsync()).Where(r => changed.Contains(r.Person)).Select(r => r.ReferralId);
        return await new VerifyQueue(host.Clients).EnqueueAsync(referralIds, AsOf, CancellationToken.None);
    }
}
