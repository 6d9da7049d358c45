using System.Text;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Register;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>
/// Rejections are bounded (docs/ingestion.md "Rejected rows"): the result keeps counts by kind and the first examples, the
/// quarantine report has every row, and a delivery with more than half its rows bad (of 10 or more) is refused whole —
/// nothing stored, logged as refused, the report still written with a first line saying why. A delivery sent again tells
/// the rejections of its first receipt again.
/// </summary>
[Collection("Azurite")]
public sealed class RejectionPolicyTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Today = new(2019, 6, 3);

    private static MemoryStream Weeks(int good, int bad, int badFirst = 0)
    {
        var sb = new StringBuilder(WeeksHeader).Append('\n');
        for (var i = 0; i < badFirst; i++) sb.Append(Cpr(i % 9000)).Append(";2019-W99;130\n");
        for (var i = 0; i < good; i++) sb.Append(Cpr(i % 9000)).Append($";2019-W{1 + i / 9000 % 20:00};130\n");
        for (var i = 0; i < bad - badFirst; i++) sb.Append(Cpr(i % 9000)).Append(";2019-W99;130\n");
        return new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static async Task<int> StoredWeeksAsync(StorageTestHost host) =>
        await host.Clients.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>().CountAsync();

    [Fact]
    public async Task Given_20000_bad_rows_when_ingested_then_the_result_keeps_100_examples_and_the_counts_the_report_every_row_and_the_delivery_is_refused_whole()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var result = await host.Ingestion.IngestWeeksFileAsync(Weeks(good: 0, bad: 20_000), "weeks.csv", Today);

        Assert.True(result.Refused);
        Assert.Equal((20_000, 0, 20_000), (result.RowsRead, result.RowsAccepted, result.RowsRejected));
        Assert.Equal(RejectionLog.DefaultExampleLimit, result.Rejections.Count);
        Assert.Equal(Enumerable.Range(2, 100), result.Rejections.Select(r => r.Line));
        var kind = Assert.Single(result.RejectionsByKind);
        Assert.Equal(20_000, kind.Count);
        Assert.Equal(0, await StoredWeeksAsync(host));
        Assert.Empty(result.ChangedParticipants);

        var report = (await host.Get<QuarantineReports>().ReadAsync(result.QuarantineBlobName!)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("# refused whole: 20000 of 20000 rows rejected, more than 50 %: a delivery that is mostly wrong is taken to be the wrong file, so nothing of it was stored", report[0]);
        Assert.Equal(QuarantineReports.Header, report[1]);
        Assert.Equal(2 + 20_000, report.Length);
        Assert.StartsWith("weeks.csv;20001;", report[^1]);

        var log = Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync());
        Assert.Equal((DeliveryRecord.Refused, 20_000, 0, result.QuarantineBlobName), (log.Status, log.RowsRejected, log.RowsAccepted, log.QuarantineBlobName));
        Assert.Equal(20_000, Assert.Single(log.RejectionsByKind).Count);
    }

    [Fact]
    public async Task Given_6_bad_rows_of_10_when_ingested_then_the_4_good_ones_are_not_stored_either_and_the_same_file_again_is_refused_again()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var first = await host.Ingestion.IngestWeeksFileAsync(Weeks(good: 4, bad: 6), "weeks.csv", Today);
        var again = await host.Ingestion.IngestWeeksFileAsync(Weeks(good: 4, bad: 6), "weeks.csv", Today);

        Assert.True(first.Refused);
        Assert.True(again.Refused); // a refused delivery is not "ingested": sent again, it is read and refused again, not a duplicate
        Assert.False(again.Duplicate);
        Assert.Equal(0, await StoredWeeksAsync(host));
        Assert.Equal([DeliveryRecord.Refused, DeliveryRecord.Refused], (await host.Get<DeliveryLog>().ReadAllAsync()).Select(r => r.Status));
    }

    [Fact]
    public async Task Given_5_bad_rows_of_10_or_9_bad_rows_of_9_when_ingested_then_the_good_rows_are_stored_and_the_bad_ones_reported()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var half = await host.Ingestion.IngestWeeksFileAsync(Weeks(good: 5, bad: 5), "weeks-half.csv", Today);
        var small = await host.Ingestion.IngestWeeksFileAsync(Weeks(good: 0, bad: 9, badFirst: 9), "weeks-small.csv", new DateOnly(2019, 6, 4));

        Assert.False(half.Refused);
        Assert.Equal((5, 5), (half.RowsAccepted, half.RowsRejected));
        Assert.False(small.Refused); // under 10 rows the share does not apply: one bad row of two does not refuse a file
        Assert.Equal(9, small.RowsRejected);
        Assert.Equal(5, await StoredWeeksAsync(host));
    }

    [Fact]
    public async Task Given_a_delivery_with_rejected_rows_when_the_same_bytes_arrive_again_then_the_duplicate_tells_the_earlier_rejections_again()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, ingestion: o => o.RejectionExamples = 3);
        var first = await host.Ingestion.IngestWeeksFileAsync(Weeks(good: 20, bad: 5), "weeks.csv", Today);

        var again = await host.Ingestion.IngestWeeksFileAsync(Weeks(good: 20, bad: 5), "weeks-again.csv", Today);

        Assert.True(again.Duplicate);
        Assert.True(again.NeedsAttention);
        Assert.Equal((0, 0, 5), (again.NewWeeks, again.ChangedParticipants.Count, again.RowsRejected));
        Assert.Equal(first.QuarantineBlobName, again.QuarantineBlobName);
        Assert.Equal(first.Rejections, again.Rejections); // the first 3, read back from the report
        Assert.Equal(3, again.Rejections.Count);
        Assert.Equal(first.RejectionsByKind, again.RejectionsByKind);
        Assert.Contains("it had 5 rejected row(s), still to be corrected", again.ToString());
    }

    [Fact]
    public async Task Given_a_referrals_file_mostly_beyond_the_referral_cap_when_ingested_then_it_is_refused_whole_and_no_referral_is_taken()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, referralCap: 2);

        var result = await host.Ingestion.IngestReferralsFileAsync(Csv([ReferralHeader, .. Enumerable.Range(1, 10).Select(i => ReferralLine(i))]), "referrals.csv", Today);

        Assert.True(result.Refused);
        Assert.Equal(8, result.RowsRejected);
        Assert.Empty(await host.Participants.ReadReferralsAsync());
    }

    [Fact]
    public void Given_a_report_line_with_quotes_and_separators_when_read_back_then_it_is_the_rejection_written()
    {
        var rejection = new Rejection("weeks;1.csv", 7, "benefit code '1\"3' must be 1 to 4 digits", "XXXXXX-XXXX;2019-W14;\"1\"3\"");
        var line = string.Join(';', QuarantineReports.Field(rejection.File), "7", QuarantineReports.Field(rejection.Reason), QuarantineReports.Field(rejection.MaskedRawLine));

        Assert.Equal(rejection, QuarantineReports.ParseLine(line));
        Assert.Null(QuarantineReports.ParseLine(QuarantineReports.Header));
    }
}
