using System.Text;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
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
/// The blob drop as wired in Azure: a file lands in register-inbox, the storage account's Event Grid system topic writes a
/// Microsoft.Storage.BlobCreated event (Event Grid schema) as one base64 message on queue "ingest", and the host hands the
/// decoded message to RegisterInboxIngest. Here the event is written to Azurite's queue the way Event Grid writes it and
/// received the way the host receives it (host.json: messageEncoding base64).
/// </summary>
[Collection("Azurite")]
public sealed class RegisterInboxIngestEventGridTests(AzuriteFixture azurite)
{
    /// <summary>A BlobCreated event as Azure Storage documents it (Event Grid schema), for our account.</summary>
    private static string BlobCreatedEvent(string container, string blobName) => $$"""
        {
          "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-impact60/providers/Microsoft.Storage/storageAccounts/stimpact60",
          "subject": "/blobServices/default/containers/{{container}}/blobs/{{blobName}}",
          "eventType": "Microsoft.Storage.BlobCreated",
          "eventTime": "2019-08-01T04:00:01.9584103Z",
          "id": "9e5b0b3a-101e-0054-0a2f-48b8c4069f21",
          "data": {
            "api": "PutBlob",
            "clientRequestId": "6d79dbfb-0e37-4fc4-981f-442c9ca65760",
            "requestId": "9e5b0b3a-101e-0054-0a2f-48b8c4000000",
            "eTag": "0x8DB1D2C0F2E4A11",
            "contentType": "text/csv",
            "contentLength": 1024,
            "blobType": "BlockBlob",
            "url": "https://stimpact60.blob.core.windows.net/{{container}}/{{Uri.EscapeDataString(blobName).Replace("%2F", "/", StringComparison.Ordinal)}}",
            "sequencer": "00000000000000000000000000012c6b0000000000a5b3f2",
            "storageDiagnostics": { "batchId": "b68529f3-68cd-4744-baa4-3c0498ec19f0" }
          },
          "dataVersion": "",
          "metadataVersion": "1"
        }
        """;

    /// <summary>What Event Grid does for a blob it was told about: one base64 message per event on queue "ingest".</summary>
    private static async Task EventGridDeliversAsync(AzuriteFixture azurite, string eventJson) =>
        await new QueueClient(azurite.ConnectionString, StorageNames.Queues.Ingest)
            .SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(eventJson)));

    /// <summary>What the host does: receive (decoding base64), run the function, delete the message when it returns.</summary>
    private static async Task<int> HostRunsIngestAsync(FunctionsTestHost host)
    {
        var queue = host.Storage.Queue(StorageNames.Queues.Ingest);
        var handled = 0;
        while ((await queue.ReceiveMessagesAsync(1)).Value is [var message])
        {
            await host.Function<RegisterInboxIngest>().Run(message, CancellationToken.None);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            handled++;
        }
        return handled;
    }

    private static async Task<List<string>> InboxAsync(FunctionsTestHost host) =>
        await host.Storage.Container(StorageNames.Containers.RegisterInbox).GetBlobsAsync().Select(b => b.Name).ToListAsync();

    [Fact]
    public async Task Given_files_uploaded_to_the_inbox_and_their_BlobCreated_events_on_the_queue_when_the_function_runs_then_they_are_ingested_removed_and_verification_queued()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await DropAsync(host, "2019/referrals.csv", ReferralsFile);
        await EventGridDeliversAsync(azurite, BlobCreatedEvent("register-inbox", "2019/referrals.csv"));
        await DropAsync(host, "2019/weeks 2019-07.csv", WeeksFile);
        await EventGridDeliversAsync(azurite, BlobCreatedEvent("register-inbox", "2019/weeks 2019-07.csv"));

        Assert.Equal(2, await HostRunsIngestAsync(host));

        Assert.Empty(await InboxAsync(host));
        var referral = Assert.Single(await host.Get<ParticipantStore>().ReadReferralsAsync(CancellationToken.None));
        Assert.Equal(13, (await host.Get<ParticipantStore>().ReadWeeksAsync(referral.Person, CancellationToken.None)).Length);
        var verify = (await DrainAsync(host, StorageNames.Queues.Verify)).Select(m => VerifyMessage.FromJson(m.Body.ToString())).Distinct().ToList();
        Assert.Equal([new VerifyMessage(ReferralId, AsOf)], verify);
        Assert.Empty(await DrainAsync(host, StorageNames.Queues.IngestPoison));
        AssertNoCprInLogs(host);
    }

    [Fact]
    public async Task Given_an_unreadable_file_named_with_a_cpr_when_its_event_is_handled_then_it_stays_with_an_error_report_named_without_the_cpr_whose_own_event_is_completed_not_poisoned()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        var name = $"weeks-{Cpr.Replace("-", "", StringComparison.Ordinal)}.csv";
        await DropAsync(host, name, "cpr;code\n" + $"{Cpr};130\n");
        await EventGridDeliversAsync(azurite, BlobCreatedEvent("register-inbox", name));

        await HostRunsIngestAsync(host);

        var inbox = await InboxAsync(host);
        Assert.Equal(2, inbox.Count);
        Assert.Contains(name, inbox); // the jobcenter's file, as they named it, stays for correction
        var report = Assert.Single(inbox, n => n != name);
        Assert.Matches(@"^weeks-XXXXXX-XXXX\.csv\.[0-9a-f]{8}\.error\.txt$", report);
        var text = (await host.Storage.Container(StorageNames.Containers.RegisterInbox).GetBlobClient(report).DownloadContentAsync()).Value.Content.ToString();
        Assert.StartsWith("weeks-XXXXXX-XXXX.csv was not ingested: missing required column 'week'", text);
        AssertNoCpr(text, "the error report");

        // Writing the report is itself a BlobCreated in register-inbox: Event Grid announces it too. That message names
        // only the report (no CPR) and is completed without ingesting, not poisoned.
        var reportEvent = BlobCreatedEvent("register-inbox", report);
        AssertNoCpr(reportEvent, "the error report's event");
        await EventGridDeliversAsync(azurite, reportEvent);
        Assert.Equal(1, await HostRunsIngestAsync(host));

        Assert.Equal(inbox, await InboxAsync(host));
        Assert.Empty(await DrainAsync(host, StorageNames.Queues.IngestPoison));
        Assert.Empty(await DrainAsync(host, StorageNames.Queues.Verify));
        Assert.Contains(host.Logs, r => r.Message.Contains("Inbox weeks-XXXXXX-XXXX.csv: Rejected", StringComparison.Ordinal));
        Assert.Contains(host.Logs, r => r.Message.Contains("completed without ingesting", StringComparison.Ordinal) && r.Message.Contains("an error report Impact60 wrote itself", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs, r => r.Level >= LogLevel.Error);
        AssertNoCprInLogs(host);
    }

    [Fact]
    public async Task Given_a_BlobCreated_event_for_another_container_when_the_function_runs_then_it_is_completed_without_ingesting_and_not_poisoned()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await EventGridDeliversAsync(azurite, BlobCreatedEvent("quarantine", "2019/08/01/0123456789abcdef-weeks-rejections.csv"));

        Assert.Equal(1, await HostRunsIngestAsync(host));

        Assert.Empty(await DrainAsync(host, StorageNames.Queues.IngestPoison));
        var info = Assert.Single(host.Logs, r => r.Message.Contains("completed without ingesting", StringComparison.Ordinal));
        Assert.Contains("is for container 'quarantine', not register-inbox", info.Message);
    }

    [Fact]
    public async Task Given_an_event_that_names_no_blob_when_the_function_runs_then_it_goes_to_the_poison_queue_at_once_with_the_reason()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        const string garbage = """{ "eventType": "Microsoft.Storage.BlobCreated", "id": "e-1", "subject": "/something/else", "data": {} }""";
        await EventGridDeliversAsync(azurite, garbage);

        await HostRunsIngestAsync(host);

        Assert.Equal([garbage], (await DrainAsync(host, StorageNames.Queues.IngestPoison)).Select(m => m.Body.ToString()));
        var error = Assert.Single(host.Logs, r => r.Level == LogLevel.Error);
        Assert.Contains("cannot be read and is moved to ingest-poison: Event Grid event e-1 names no blob", error.Message);
    }
}
