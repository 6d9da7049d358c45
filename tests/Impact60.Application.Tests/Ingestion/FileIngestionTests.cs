using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>Extract files through the real readers (ReferralFile, WeeksFile) into Azurite.</summary>
[Collection("Azurite")]
public sealed class FileIngestionTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Today = new(2019, 6, 3); // ISO week 2019-W23

    [Fact]
    public async Task Given_a_referrals_file_and_a_weeks_file_when_ingested_then_referrals_and_weeks_read_back_by_pseudonym()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var anna = PseudonymOf(host.Pseudonymizer, Cpr(1));

        var referrals = await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, ReferralLine(1), ReferralLine(2)), "referrals.csv", Today);
        var weeks = await host.Ingestion.IngestWeeksFileAsync(Csv(WeeksHeader, $"{Cpr(1)};2019-W14;", $"{Cpr(1)};2019-W15;130", $"{Cpr(2)};2019-W14;651"), "weeks.csv", Today);

        Assert.Equal((2, 2, 0, 2, 0), (referrals.RowsRead, referrals.RowsAccepted, referrals.RowsRejected, referrals.NewReferrals, referrals.ChangedReferrals));
        Assert.Equal((3, 3, 0, 3, 0, 0), (weeks.RowsRead, weeks.RowsAccepted, weeks.RowsRejected, weeks.NewWeeks, weeks.RevisedWeeks, weeks.Unchanged));
        Assert.Equal(2, weeks.ChangedParticipants.Count);
        Assert.Contains(anna, weeks.ChangedParticipants);
        var stored = await host.Participants.ReadReferralsAsync();
        Assert.Equal(["JC-2018-0001", "JC-2018-0002"], stored.Select(r => r.ReferralId));
        Assert.Equal(anna, stored[0].Person);
        Assert.Equal(new DateOnly(2019, 3, 29), stored[0].CourseEnd);
        Assert.Equal(
            [new RegisterWeek(anna, IsoWeek.Parse("2019-W14"), BenefitCode.NoBenefit), new RegisterWeek(anna, IsoWeek.Parse("2019-W15"), BenefitCode.Parse("130"))],
            await host.Participants.ReadWeeksAsync(anna));
        Assert.Null(weeks.QuarantineBlobName);
    }

    [Fact]
    public async Task Given_stored_weeks_when_a_later_delivery_revises_an_old_week_then_the_latest_code_is_stored_and_only_that_participant_is_changed()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var bo = PseudonymOf(host.Pseudonymizer, Cpr(2));
        await host.Ingestion.IngestWeeksFileAsync(Csv(WeeksHeader, $"{Cpr(1)};2019-W14;", $"{Cpr(2)};2019-W14;", $"{Cpr(2)};2019-W15;"), "weeks-1.csv", Today);

        var revision = await host.Ingestion.IngestWeeksFileAsync(
            Csv(WeeksHeader, $"{Cpr(1)};2019-W14;", $"{Cpr(2)};2019-W14;130", $"{Cpr(2)};2019-W15;", $"{Cpr(2)};2019-W16;"), "weeks-2.csv", Today);

        Assert.False(revision.Duplicate);
        Assert.Equal((1, 1, 2), (revision.NewWeeks, revision.RevisedWeeks, revision.Unchanged));
        Assert.Equal([bo], revision.ChangedParticipants);
        Assert.Equal("130", (await host.Participants.ReadWeeksAsync(bo)).Single(w => w.Week == IsoWeek.Parse("2019-W14")).Code.Value);
    }

    [Fact]
    public async Task Given_a_delivery_already_ingested_when_the_same_bytes_arrive_again_then_it_is_a_duplicate_and_nothing_changes()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        string[] lines = [WeeksHeader, $"{Cpr(1)};2019-W14;", $"{Cpr(1)};2019-W15;130"];
        var first = await host.Ingestion.IngestWeeksFileAsync(Csv(lines), "weeks.csv", Today);
        var weeksTable = host.Clients.Table(StorageNames.Tables.RegisterWeeks);
        var etagsBefore = await weeksTable.QueryAsync<TableEntity>().Select(e => e.ETag.ToString()).ToListAsync();

        var second = await host.Ingestion.IngestWeeksFileAsync(Csv(lines), "weeks-again.csv", Today);

        Assert.True(second.Duplicate);
        Assert.Equal(first.DeliveryId, second.DeliveryId);
        Assert.Equal(first.EvidenceBlobName, second.EvidenceBlobName);
        Assert.Equal((0, 0, 0), (second.NewWeeks, second.RevisedWeeks, second.ChangedParticipants.Count));
        Assert.Equal(etagsBefore, await weeksTable.QueryAsync<TableEntity>().Select(e => e.ETag.ToString()).ToListAsync());
        var log = await host.Get<DeliveryLog>().ReadAllAsync();
        Assert.Equal([false, true], log.Select(r => r.Duplicate));
        Assert.All(log, r => Assert.Equal(first.Sha256, r.Sha256));
    }

    [Fact]
    public async Task Given_a_weeks_file_with_bad_rows_when_ingested_then_good_rows_are_stored_and_each_bad_row_is_in_the_quarantine_report_masked()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var anna = PseudonymOf(host.Pseudonymizer, Cpr(1));
        var result = await host.Ingestion.IngestWeeksFileAsync(Csv(
            WeeksHeader,
            $"{Cpr(1)};2019-W14;",        // line 2: good
            $"{Cpr(2)};2019-W99;130",     // line 3: no such week
            $"{Cpr(3)};2019-W15;12345",   // line 4: code too long
            "3213991234;2019-W15;130",    // line 5: not a date, not a CPR
            $"{Cpr(4)};2030-W01;",        // line 6: in the future
            $"{Cpr(1)};2019-W15;130"),    // line 7: good
            "weeks.csv", Today);

        Assert.Equal((7 - 1, 2, 4), (result.RowsRead, result.RowsAccepted, result.RowsRejected));
        Assert.Equal([3, 4, 5, 6], result.Rejections.Select(r => r.Line));
        Assert.Equal(2, (await host.Participants.ReadWeeksAsync(anna)).Length);
        Assert.NotNull(result.QuarantineBlobName);
        var report = await host.Get<QuarantineReports>().ReadAsync(result.QuarantineBlobName!);
        var reportLines = report.TrimEnd('\n').Split('\n');
        Assert.Equal("file;line;reason;raw_line", reportLines[0]);
        Assert.Equal(5, reportLines.Length);
        Assert.All(reportLines.Skip(1), l => Assert.StartsWith("weeks.csv;", l));
        Assert.Contains("XXXXXX-XXXX;2019-W99;130", report);
        Assert.Contains("XXXXXX-XXXX;2030-W01;", report);
        Assert.DoesNotContain(Cpr(2), report);
        Assert.DoesNotContain(Cpr(2).Replace("-", ""), report);
        Assert.DoesNotContain("3213991234", report);
        var log = Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync());
        Assert.Equal((6, 2, 4, result.QuarantineBlobName), (log.RowsRead, log.RowsAccepted, log.RowsRejected, log.QuarantineBlobName));
    }

    [Fact]
    public async Task Given_no_referral_cap_from_a_contract_when_a_referrals_file_is_ingested_then_it_is_refused_before_anything_is_stored()
    {
        // Given ingestion composed without the contract's referral cap (there used to be a default of 120)
        await using var host = await StorageTestHost.StartAsync(azurite, ingestion: o => o.ReferralCap = null);

        // when a referrals file arrives, then it is refused, saying where the cap comes from, and nothing is stored
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, ReferralLine(1)), "referrals.csv", Today));
        Assert.Contains("referral cap comes from the contract", e.Message);
        Assert.Empty(await host.Participants.ReadReferralsAsync());
        Assert.Empty(await host.Get<DeliveryLog>().ReadAllAsync());

        // and a weeks file, which the cap does not concern, is ingested as before
        var weeks = await host.Ingestion.IngestWeeksFileAsync(Csv(WeeksHeader, $"{Cpr(1)};2019-W14;"), "weeks.csv", Today);
        Assert.Equal(1, weeks.RowsAccepted);
    }

    [Fact]
    public async Task Given_the_referral_cap_is_reached_when_a_file_brings_new_referrals_then_known_ids_are_updated_and_new_ones_rejected_with_the_reason()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, referralCap: 3);
        await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, ReferralLine(1), ReferralLine(2)), "referrals-1.csv", Today);

        var result = await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader,
            ReferralLine(1).Replace("KaffeFair", "Facility Service"), ReferralLine(3), ReferralLine(4), ReferralLine(5)), "referrals-2.csv", Today);

        Assert.Equal((1, 1, 0), (result.NewReferrals, result.ChangedReferrals, result.Unchanged));
        Assert.Equal(2, result.RowsRejected);
        Assert.All(result.Rejections, r => Assert.Contains("referral cap of 3", r.Reason));
        Assert.Equal(["JC-2018-0004", "JC-2018-0005"], result.Rejections.Select(r => r.Reason.Split(' ')[1]));
        Assert.Equal([4, 5], result.Rejections.Select(r => r.Line)); // physical lines of referrals-2.csv (header is line 1)
        Assert.All(result.Rejections, r => Assert.StartsWith("JC-2018-000", r.MaskedRawLine));
        Assert.All(result.Rejections, r => Assert.Contains(Impact60.Domain.Primitives.Cpr.Masked, r.MaskedRawLine));
        var stored = await host.Participants.ReadReferralsAsync();
        Assert.Equal(["JC-2018-0001", "JC-2018-0002", "JC-2018-0003"], stored.Select(r => r.ReferralId));
        Assert.Equal("Facility Service", stored[0].Business);
        var report = await host.Get<QuarantineReports>().ReadAsync(result.QuarantineBlobName!);
        Assert.Contains("JC-2018-0004;XXXXXX-XXXX;2018-09-27", report);
        Assert.DoesNotContain(Cpr(4), report);
    }

    [Fact]
    public async Task Given_a_file_missing_a_required_column_when_ingested_then_it_is_rejected_whole_nothing_is_stored_and_a_rerun_rejects_it_again()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        string[] lines = ["cpr;code", $"{Cpr(1)};130"];

        await Assert.ThrowsAsync<RegisterFileException>(() => host.Ingestion.IngestWeeksFileAsync(Csv(lines), "weeks.csv", Today));
        await Assert.ThrowsAsync<RegisterFileException>(() => host.Ingestion.IngestWeeksFileAsync(Csv(lines), "weeks.csv", Today));

        Assert.Empty(await host.Clients.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>().ToListAsync());
        var log = await host.Get<DeliveryLog>().ReadAllAsync();
        Assert.Equal(2, log.Count);
        Assert.All(log, r => Assert.Equal(DeliveryRecord.FileRejected, r.Status));
        Assert.All(log, r => Assert.False(string.IsNullOrEmpty(r.RejectedReason)));
        // The original is archived unchanged even when rejected whole (REGISTER.md "Bad input").
        var evidence = await host.Clients.Container(StorageNames.Containers.Evidence).GetBlobClient(log[0].EvidenceBlobName).DownloadContentAsync();
        Assert.Equal(string.Join("\n", lines) + "\n", evidence.Value.Content.ToString());
    }

    [Fact]
    public async Task Given_a_file_name_with_a_cpr_in_it_when_ingested_then_the_stored_source_is_masked()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var result = await host.Ingestion.IngestWeeksFileAsync(Csv(WeeksHeader, $"{Cpr(1)};2019-W14;"), $"weeks-{Cpr(1)}.csv", Today);

        Assert.Equal("weeks-XXXXXX-XXXX.csv", result.Source);
        Assert.Equal("weeks-XXXXXX-XXXX.csv", Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync()).Source);
    }
}
