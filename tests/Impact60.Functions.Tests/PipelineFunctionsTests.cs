using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Impact60.Application.Configuration;
using Impact60.Application.Notices;
using Impact60.Application.Pipeline;
using Impact60.Application.RegisterApi;
using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Verification;
using Impact60.Domain.Primitives;
using Impact60.Functions.Functions;
using Impact60.Functions.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using static Impact60.Functions.Tests.Infrastructure.Scenario;

namespace Impact60.Functions.Tests;

/// <summary>Each function invoked as the host invokes it, against real Azurite, through the app's own composition.</summary>
[Collection("Azurite")]
public sealed class PipelineFunctionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Given_a_referrals_file_and_a_weeks_file_in_the_inbox_when_RegisterInboxIngest_runs_then_both_are_ingested_and_the_participant_is_queued_for_verification()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);

        await IngestAsync(host);

        Assert.Empty(await host.Storage.Container(StorageNames.Containers.RegisterInbox).GetBlobsAsync().ToListAsync());
        var referral = Assert.Single(await host.Get<ParticipantStore>().ReadReferralsAsync(CancellationToken.None));
        Assert.Equal(ReferralId, referral.ReferralId);
        Assert.Equal(13, (await host.Get<ParticipantStore>().ReadWeeksAsync(referral.Person, CancellationToken.None)).Length);
        var queued = (await DrainAsync(host, StorageNames.Queues.Verify)).Select(m => VerifyMessage.FromJson(m.Body.ToString())).ToList();
        Assert.NotEmpty(queued);
        Assert.All(queued, m => Assert.Equal(new VerifyMessage(ReferralId, AsOf), m));
        AssertNoCprInLogs(host);
    }

    [Fact]
    public async Task Given_the_pipeline_enqueues_a_verify_message_when_it_is_on_the_queue_then_it_is_base64_as_host_json_tells_the_trigger_to_expect()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAsync(host);

        // A client without an encoding sees the wire format the Functions host decodes.
        var raw = new QueueClient(azurite.ConnectionString, StorageNames.Queues.Verify);
        var peeked = (await raw.PeekMessagesAsync(maxMessages: 1)).Value;

        var wire = Assert.Single(peeked).Body.ToString();
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(wire));
        Assert.Equal(new VerifyMessage(ReferralId, AsOf), VerifyMessage.FromJson(decoded));
    }

    [Fact]
    public async Task Given_a_message_from_the_verify_queue_when_VerifyParticipant_runs_then_the_entitlement_is_stored_in_the_Entitlements_table()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAsync(host);
        var message = (await DrainAsync(host, StorageNames.Queues.Verify))[0];

        await host.Function<VerifyParticipant>().Run(message, CancellationToken.None);

        var rows = await host.Storage.Table(StorageNames.Tables.Entitlements).QueryAsync<TableEntity>().ToListAsync();
        var row = Assert.Single(rows);
        Assert.Equal(ReferralId, row.GetString("ReferralId"));
        Assert.Equal("2019-08-01", row.GetString("AsOf"));
        Assert.Equal("10348.00", row.GetString("Amount"));
        Assert.Equal(13, row.GetInt32("FullWeeksPaid"));
        // Per period: status, amount, weeks. W08..W20 are all final and reported: verified, 13 Full weeks. W21..W33 is
        // open (W33 is not final), and W21, W22 are final without a row: the missing weeks the jobcenter is told about.
        var stored = Assert.Single(await host.Get<EntitlementStore>().ReadAllAsync(CancellationToken.None));
        Assert.Equal(
            [(1, "2019-W08", "2019-W20", "Verified", FirstPeriodAmount, ""), (2, "2019-W21", "2019-W33", "Open", 0m, "2019-W21,2019-W22")],
            stored.Periods.Take(2).Select(p => (p.Index, p.FirstWeek, p.LastWeek, p.Status, p.Amount, string.Join(",", p.MissingWeeks))));
        Assert.All(stored.Periods.Skip(2), p => Assert.Equal(("Open", 0m), (p.Status, p.Amount)));
        var line = Assert.Single(stored.Lines);
        Assert.Equal((1, WeekClass.Full, 796m, 13, FirstPeriodAmount), (line.PeriodIndex, line.Class, line.UnitPrice, line.Weeks, line.Amount));
        Assert.Contains("\"status\":\"Verified\"", row.GetString("Periods"));
        AssertNoCpr(string.Join("|", row.Select(kv => kv.Value?.ToString())), "the entitlement row");
        AssertNoCprInLogs(host);
    }

    [Fact]
    public async Task Given_a_referral_never_verified_and_no_register_API_when_NightlyRegisterPull_runs_then_nothing_is_pulled_and_the_referral_is_queued()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAsync(host);
        await DrainAsync(host, StorageNames.Queues.Verify); // the messages of the ingestion are lost

        await host.Function<NightlyRegisterPull>().Run(new TimerInfo(), CancellationToken.None);

        Assert.Null(host.TryGet<RegisterPull>());
        var queued = (await DrainAsync(host, StorageNames.Queues.Verify)).Select(m => VerifyMessage.FromJson(m.Body.ToString()));
        Assert.Equal([new VerifyMessage(ReferralId, AsOf)], queued);
        Assert.Contains(host.Logs, r => r.Message.StartsWith("Night ", StringComparison.Ordinal)
            && r.Message.EndsWith(": 0 changed, 0 due for review, 1 never verified; 1 verify messages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_verified_participant_when_NightlyRegisterPull_runs_before_and_on_its_review_date_then_it_is_queued_only_on_the_review_date()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAndVerifyAsync(host);
        var reviewOn = Assert.Single(await host.Get<EntitlementStore>().ReadAllAsync(CancellationToken.None)).ReviewOn!.Value;
        Assert.True(reviewOn > AsOf);

        await host.Function<NightlyRegisterPull>().Run(new TimerInfo(), CancellationToken.None);
        var sameNight = await DrainAsync(host, StorageNames.Queues.Verify);

        // 00:30 UTC on the review date is already that date in Copenhagen.
        host.Clock.SetUtcNow(new DateTimeOffset(reviewOn.ToDateTime(new TimeOnly(0, 30)), TimeSpan.Zero));
        await host.Function<NightlyRegisterPull>().Run(new TimerInfo(), CancellationToken.None);
        var reviewNight = (await DrainAsync(host, StorageNames.Queues.Verify)).Select(m => VerifyMessage.FromJson(m.Body.ToString()));

        Assert.Empty(sameNight);
        Assert.Equal([new VerifyMessage(ReferralId, reviewOn)], reviewNight);
    }

    [Fact]
    public async Task Given_a_verified_period_when_MonthlySettlement_runs_on_the_1st_then_the_previous_month_is_settled_in_the_ledger_and_a_notice_per_recipient_queued()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAndVerifyAsync(host);

        await SettleAsync(host);

        var settlement = await host.Get<SettlementLedger>().GetSettlementAsync("2019-07", CancellationToken.None);
        Assert.NotNull(settlement);
        Assert.Equal((SettlementStatus.Issued, AsOf, FirstPeriodAmount, 0m), (settlement.Status, settlement.AsOf, settlement.InvoiceTotal, settlement.CreditTotal));
        Assert.StartsWith("I60F", settlement.InvoiceNumber);
        var ledger = await host.Storage.Table(StorageNames.Tables.Ledger).QueryAsync<TableEntity>().ToListAsync();
        Assert.Contains(ledger, e => e.RowKey == "settlement|2019-07");
        // The invoice line and the invoiced-so-far grain are per participant, verification period, class and tariff.
        var line = Assert.Single(ledger, e => e.RowKey.StartsWith($"line|{settlement.InvoiceNumber}|", StringComparison.Ordinal));
        Assert.Equal((ReferralId, 1, "2019-W08", "2019-W20", "Full", "796.00", 13, "10348.00"),
            (line.GetString("ReferralId"), line.GetInt32("PeriodIndex"), line.GetString("PeriodFirstWeek"), line.GetString("PeriodLastWeek"),
             line.GetString("Class"), line.GetString("UnitPrice"), line.GetInt32("Weeks"), line.GetString("Amount")));
        var grain = Assert.Single(ledger, e => e.RowKey.StartsWith("invoiced|", StringComparison.Ordinal));
        Assert.Equal(($"invoiced|{ReferralId}|001|Full|796.00", 13, "10348.00", settlement.InvoiceNumber),
            (grain.RowKey, grain.GetInt32("Weeks"), grain.GetString("Amount"), grain.GetString("LastInvoiceNumber")));
        // The settlement wrote the entitlement it settled from through to the store, per period, as of its date.
        var stored = Assert.Single(await host.Get<EntitlementStore>().ReadAllAsync(CancellationToken.None));
        Assert.Equal((AsOf, "Verified", FirstPeriodAmount, "Open"), (stored.AsOf, stored.Periods[0].Status, stored.Periods[0].Amount, stored.Periods[1].Status));
        var notices = (await DrainAsync(host, StorageNames.Queues.Notices)).Select(m => NoticeMessage.FromJson(m.Body.ToString()).Key.Recipient).Order();
        // W21 and W22 are final by 1 August but have no register row: a data gap, so the jobcenter is told too.
        Assert.Equal(["Fokus", "Fund:Den Sociale Kapitalfond", "Fund:Det Obelske Familiefond", "Jobcenter"], notices);
        AssertNoCprInLogs(host);
    }

    [Fact]
    public async Task Given_a_second_participant_whose_course_ends_9999_12_31_when_VerifyParticipant_and_MonthlySettlement_run_then_its_message_fails_for_a_retry_and_the_month_is_settled_without_it()
    {
        // Given the scenario's participant ingested and verified, and JC-2018-0002 stored directly with course_end 9999-12-31
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAndVerifyAsync(host);
        var bad = new Impact60.Domain.Register.Referral("JC-2018-0002", Pseudonym.Parse(new string('d', 64)), new DateOnly(2018, 9, 27),
            new DateOnly(2018, 10, 1), new DateOnly(9999, 12, 31), "F-002", "KaffeFair");
        await host.Get<ParticipantStore>().WriteReferralsAsync([bad], "stored-directly", FirstOfAugust, CancellationToken.None);

        // when its verify message is handled, then it fails (the host retries it, and after five attempts poisons it) naming why
        var failure = await Assert.ThrowsAsync<ParticipantComputationException>(() =>
            host.Function<VerifyParticipant>().Run(Message(new VerifyMessage("JC-2018-0002", AsOf).ToJson()), CancellationToken.None));
        Assert.Equal("Referral JC-2018-0002: the computation failed: course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31", failure.Message);

        // when the month is settled, then the scenario's participant is invoiced and JC-2018-0002 left out and logged
        await SettleAsync(host);

        var settlement = (await host.Get<SettlementLedger>().GetSettlementAsync("2019-07", CancellationToken.None))!;
        Assert.Equal((SettlementStatus.Issued, FirstPeriodAmount), (settlement.Status, settlement.InvoiceTotal));
        Assert.Contains(host.Logs, r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error
            && r.Message == "Settlement 2019-07: 1 participant(s) not settled because their entitlement could not be computed: JC-2018-0002");
        AssertNoCprInLogs(host);
    }

    [Fact]
    public async Task Given_a_settled_month_when_MonthlySettlement_is_retried_then_no_second_settlement_and_no_second_notices()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAndVerifyAsync(host);
        await SettleAsync(host);
        var first = await DrainAsync(host, StorageNames.Queues.Notices);

        await SettleAsync(host);

        Assert.Equal(4, first.Count);
        Assert.Empty(await DrainAsync(host, StorageNames.Queues.Notices));
        Assert.Single(await host.Get<SettlementLedger>().ListSettlementsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Given_the_notices_of_a_settlement_when_SendNotice_runs_on_each_then_one_eml_per_recipient_is_in_the_pickup_folder_and_recorded_as_sent()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAndVerifyAsync(host);
        await SettleAsync(host);
        var invoice = (await host.Get<SettlementLedger>().GetSettlementAsync("2019-07", CancellationToken.None))!.InvoiceNumber!;

        foreach (var message in await DrainAsync(host, StorageNames.Queues.Notices))
            await host.Function<SendNotice>().Run(message, CancellationToken.None);

        var files = Directory.GetFiles(host.PickupFolder, "*.eml");
        Assert.Equal(4, files.Length);
        var texts = files.Select(File.ReadAllText).ToList();
        Assert.Contains(texts, t => t.Contains("impact60@example.dk", StringComparison.Ordinal) && t.Contains($"{invoice}.pdf", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("impact60.dsk@example.dk", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("impact60.obelske@example.dk", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("impact60.jobcenter@example.dk", StringComparison.Ordinal) && t.Contains(ReferralId, StringComparison.Ordinal));
        Assert.All(texts, t => AssertNoCpr(t, "a notice"));
        Assert.Equal(4, (await host.Storage.Table(StorageNames.Tables.NoticesSent).QueryAsync<TableEntity>().ToListAsync()).Count);
    }

    [Fact]
    public async Task Given_a_notice_sent_when_the_same_message_is_delivered_again_then_nothing_is_sent_again_even_after_the_file_was_collected()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAndVerifyAsync(host);
        await SettleAsync(host);
        var message = (await DrainAsync(host, StorageNames.Queues.Notices))[0];
        await host.Function<SendNotice>().Run(message, CancellationToken.None);
        var sent = Assert.Single(Directory.GetFiles(host.PickupFolder, "*.eml"));

        await host.Function<SendNotice>().Run(message, CancellationToken.None);
        var afterDuplicate = Directory.GetFiles(host.PickupFolder, "*.eml");
        // The mail system collects files from the pickup folder; the sent-once record, not the file, must stop a resend.
        File.Delete(sent);
        await host.Function<SendNotice>().Run(message, CancellationToken.None);

        Assert.Equal([sent], afterDuplicate);
        Assert.Empty(Directory.GetFiles(host.PickupFolder, "*.eml"));
        Assert.Single(await host.Storage.Table(StorageNames.Tables.NoticesSent).QueryAsync<TableEntity>().ToListAsync());
    }
}
