using System.Text;
using Azure.Storage.Queues.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Pipeline;
using Impact60.Functions.Functions;
using Microsoft.Azure.Functions.Worker;

namespace Impact60.Functions.Tests.Infrastructure;

/// <summary>
/// One fictitious participant and the steps of the pipeline, driven through the functions as the host would drive them.
/// The course ends in 2019-W07, so the first verification period is 2019-W08..W20; every one of those weeks has an empty
/// code (no benefit: Full), all final by 2019-07-14, so as of 2019-08-01 the period is verified: 13 × 796 = 10,348.00.
/// W21 and W22 are final by then too but have no row: a data gap the jobcenter is told about.
/// </summary>
internal static class Scenario
{
    public const string Cpr = "010190-9901";
    public const string ReferralId = "JC-2018-0001";
    public const decimal FirstPeriodAmount = 13 * 796m;

    /// <summary>06:00 in Copenhagen on 1 August 2019: the settlement run of July.</summary>
    public static readonly DateTimeOffset FirstOfAugust = new(2019, 8, 1, 4, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly AsOf = new(2019, 8, 1);

    public static readonly string ReferralsFile =
        "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business\n" +
        $"{ReferralId};{Cpr};2018-09-27;2018-10-01;2019-02-15;F-001;KaffeFair\n";

    public static readonly string WeeksFile =
        "cpr;week;code\n" + string.Concat(Enumerable.Range(8, 13).Select(w => $"{Cpr};2019-W{w:00};\n"));

    /// <summary>A queue message as the trigger hands it over: the body already decoded from base64.</summary>
    public static QueueMessage Message(string body, long dequeueCount = 1) =>
        QueuesModelFactory.QueueMessage(Guid.NewGuid().ToString("N"), "pop-receipt", BinaryData.FromString(body), dequeueCount);

    public static async Task DropAsync(FunctionsTestHost host, string blobName, string content) =>
        await host.Storage.Container(StorageNames.Containers.RegisterInbox).GetBlobClient(blobName)
            .UploadAsync(BinaryData.FromString(content), overwrite: true);

    /// <summary>Both files dropped in the inbox and announced on the ingest queue.</summary>
    public static async Task IngestAsync(FunctionsTestHost host)
    {
        await DropAsync(host, "2019/referrals.csv", ReferralsFile);
        await DropAsync(host, "2019/weeks-2019-07.csv", WeeksFile);
        var ingest = host.Function<RegisterInboxIngest>();
        await ingest.Run(Message(new IngestMessage("2019/referrals.csv").ToJson()), CancellationToken.None);
        await ingest.Run(Message(new IngestMessage("2019/weeks-2019-07.csv").ToJson()), CancellationToken.None);
    }

    /// <summary>Takes every message off a queue (the host deletes a message once its function succeeds).</summary>
    public static async Task<List<QueueMessage>> DrainAsync(FunctionsTestHost host, string queue)
    {
        var client = host.Storage.Queue(queue);
        var all = new List<QueueMessage>();
        while (true)
        {
            QueueMessage[] batch = (await client.ReceiveMessagesAsync(maxMessages: 32)).Value;
            if (batch.Length == 0) return all;
            foreach (var m in batch) await client.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            all.AddRange(batch);
        }
    }

    /// <summary>Ingest, then run VerifyParticipant on every message the ingestion queued.</summary>
    public static async Task IngestAndVerifyAsync(FunctionsTestHost host)
    {
        await IngestAsync(host);
        foreach (var message in await DrainAsync(host, StorageNames.Queues.Verify))
            await host.Function<VerifyParticipant>().Run(message, CancellationToken.None);
    }

    public static Task SettleAsync(FunctionsTestHost host) =>
        host.Function<MonthlySettlement>().Run(new TimerInfo(), CancellationToken.None);

    /// <summary>No CPR, in either written form, in any captured log line or exception.</summary>
    public static void AssertNoCprInLogs(FunctionsTestHost host)
    {
        var text = new StringBuilder();
        foreach (var r in host.Logs) text.AppendLine(r.Message).AppendLine(r.Exception?.ToString());
        AssertNoCpr(text.ToString(), "the logs");
    }

    public static void AssertNoCpr(string text, string where)
    {
        Assert.False(text.Contains(Cpr, StringComparison.Ordinal), $"{where} contain the CPR");
        Assert.False(text.Contains(Cpr.Replace("-", "", StringComparison.Ordinal), StringComparison.Ordinal), $"{where} contain the CPR");
    }
}
