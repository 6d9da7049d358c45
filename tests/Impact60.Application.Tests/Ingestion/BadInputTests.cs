using System.Text;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>
/// REGISTER.md "Bad input", case by case, through the real readers into Azurite: good rows are stored, each bad row is in
/// the quarantine report (file, line, the reason, the raw line with the CPR masked), and a file that cannot be read at
/// all is rejected whole, with its reason, and left in the inbox.
/// </summary>
[Collection("Azurite")]
public sealed class BadInputTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Today = new(2019, 6, 3); // ISO week 2019-W23

    private static async Task<Dictionary<(string Person, string Week), string>> StoredWeeksAsync(StorageTestHost host) =>
        await host.Clients.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>()
            .ToDictionaryAsync(e => (e.PartitionKey, e.RowKey), e => e.GetString("Code"));

    private static string P(StorageTestHost host, int i) => PseudonymOf(host.Pseudonymizer, Cpr(i)).Value;

    private static async Task<string> ReportAsync(StorageTestHost host, IngestionResult result) =>
        await host.Get<QuarantineReports>().ReadAsync(result.QuarantineBlobName ?? throw new InvalidOperationException("no quarantine report"));

    [Fact]
    public async Task Given_a_weeks_file_with_an_unknown_column_when_ingested_then_the_column_is_reported_at_the_header_and_every_row_is_stored()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var result = await host.Ingestion.IngestWeeksFileAsync(
            Csv("cpr;week;code;note", $"{Cpr(1)};2019-W14;130;moved", $"{Cpr(1)};2019-W15;;"), "weeks.csv", Today);

        Assert.Equal((2, 1), (result.RowsAccepted, result.RowsRejected));
        Assert.Equal(
            "file;line;reason;raw_line\n" +
            "weeks.csv;1;\"unknown column 'note' in the header; the column is ignored\";\"cpr;week;code;note\"\n",
            await ReportAsync(host, result));
        Assert.Equal(new Dictionary<(string, string), string> { [(P(host, 1), "2019-W14")] = "130", [(P(host, 1), "2019-W15")] = "" }, await StoredWeeksAsync(host));
    }

    [Fact]
    public async Task Given_the_same_person_week_twice_with_different_codes_when_ingested_then_the_first_is_stored_and_the_repeat_reported_naming_the_first_line()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var result = await host.Ingestion.IngestWeeksFileAsync(Csv(
            WeeksHeader,
            $"{Cpr(1)};2019-W14;",                     // 2
            $"{Cpr(1)};2019-W14;130",                  // 3: conflicts with 2
            $"{Cpr(1)};2019-W15;130",                  // 4
            $"{Cpr(1)};2019-W15;130",                  // 5: repeats 4
            $"{Cpr(2)};2019-W14;651",                  // 6
            $"{Cpr(2).Replace("-", "")};2019-W14;652"), // 7: the same person written without the dash: conflicts with 6
            "weeks.csv", Today);

        Assert.Equal((3, 3), (result.RowsAccepted, result.RowsRejected));
        Assert.Equal(
            "file;line;reason;raw_line\n" +
            "weeks.csv;3;\"person-week 2019-W14 conflicts with line 2 (code empty there, '130' here); the first is kept\";\"XXXXXX-XXXX;2019-W14;130\"\n" +
            "weeks.csv;5;\"person-week 2019-W15 repeats line 4 with the same code; the first is kept\";\"XXXXXX-XXXX;2019-W15;130\"\n" +
            "weeks.csv;7;\"person-week 2019-W14 conflicts with line 6 (code '651' there, '652' here); the first is kept\";\"XXXXXX-XXXX;2019-W14;652\"\n",
            await ReportAsync(host, result));
        Assert.Equal(new Dictionary<(string, string), string>
        {
            [(P(host, 1), "2019-W14")] = "", [(P(host, 1), "2019-W15")] = "130", [(P(host, 2), "2019-W14")] = "651",
        }, await StoredWeeksAsync(host));
    }

    [Fact]
    public async Task Given_a_wide_file_with_bad_cells_bad_columns_and_bad_rows_when_ingested_then_each_is_reported_and_every_good_cell_is_stored()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var result = await host.Ingestion.IngestWeeksFileAsync(Csv(
            "cpr;y_1914;y_1915;y_19AB;y_1960;y_1930",
            $"{Cpr(1).Replace("-", "")};;130;1;2;3",  // 2: good (the three bad columns are not read)
            $"{Cpr(2).Replace("-", "")};13O;651;;;",  // 3: the y_1914 cell is bad, y_1915 is kept
            "01019O1234;130;130;;;",                  // 4: a CPR that is not one: the whole row
            $"{Cpr(4).Replace("-", "")};130"),        // 5: too few cells
            "dream.csv", Today);

        Assert.Equal((3, 6), (result.RowsAccepted, result.RowsRejected));
        Assert.Equal(
            "file;line;reason;raw_line\n" +
            "dream.csv;1;\"column 'y_19ab' is not a week column; expected y_YYWW, e.g. y_1914; the column is ignored\";\"cpr;y_1914;y_1915;y_19AB;y_1960;y_1930\"\n" +
            "dream.csv;1;\"column 'y_1960' is not a week: ISO year 2019 has weeks 1 to 52, not 60; the column is ignored\";\"cpr;y_1914;y_1915;y_19AB;y_1960;y_1930\"\n" +
            "dream.csv;1;\"column 'y_1930' is week 2019-W30, in the future (latest allowed 2019-W23); the column is ignored\";\"cpr;y_1914;y_1915;y_19AB;y_1960;y_1930\"\n" +
            "dream.csv;3;column y_1914: benefit code '13O' must be 1 to 4 digits or empty;\"XXXXXX-XXXX;13O;651;;;\"\n" +
            "dream.csv;4;\"cpr: CPR must be 10 digits, as DDMMYY-SSSS or DDMMYYSSSS; the whole row is rejected\";\"XXXXXX-XXXX;130;130;;;\"\n" +
            "dream.csv;5;expected 6 fields as in the header, found 2;\"XXXXXX-XXXX;130\"\n",
            await ReportAsync(host, result));
        Assert.Equal(new Dictionary<(string, string), string>
        {
            [(P(host, 1), "2019-W14")] = "", [(P(host, 1), "2019-W15")] = "130", [(P(host, 2), "2019-W15")] = "651",
        }, await StoredWeeksAsync(host));
    }

    [Fact]
    public async Task Given_a_referrals_file_with_bad_rows_when_ingested_then_each_bad_row_is_reported_with_its_reason_and_the_good_referrals_are_stored()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var result = await host.Ingestion.IngestReferralsFileAsync(Csv([
            ReferralHeader,
            $"JC-1;{Cpr(1)};2018-09-27;2018-10-01;2019-03-29;F-001;KaffeFair",  // 2: good
            "JC-2;3213991234;2018-09-27;2018-10-01;;F-002;KaffeFair",           // 3: not a date in the CPR
            $"JC-3;{Cpr(3)};27-09-2018;2018-10-01;;F-003;KaffeFair",            // 4: date not yyyy-MM-dd
            $";{Cpr(4)};2018-09-27;2018-10-01;;F-004;KaffeFair",                // 5: no referral id
            $"JC-5;;2018-09-27;2018-10-01;;F-005;KaffeFair",                    // 6: no CPR
            $"JC-6;{Cpr(6)};2018-09-27;2018-10-01;2018-09-30;F-006;KaffeFair",  // 7: course ends before it starts
            $"JC-1;{Cpr(7)};2018-09-27;2018-10-01;;F-007;KaffeFair",            // 8: the id again
            $"JC-8;{Cpr(1)};2018-09-27;2018-10-01;;F-008;KaffeFair",            // 9: the person again
            $"JC-9;{Cpr(9)};2018-10-02;2018-10-01;;F-009;KaffeFair",            // 10: referred after the course started
            $"JC-10;{Cpr(10)};2018-09-27;2018-10-01;;;KaffeFair",               // 11: no FOKUS reference
            $"JC-11;{Cpr(11)};2018-09-27",                                      // 12: too few fields
            $"JC-12;{Cpr(12)};2018-09-27;2018-10-01;;F-012;Butik ByRetro",      // 13: good
            // 14-21: good, so that no more than half the rows are bad (a file mostly bad is refused whole: RejectionPolicy)
            .. Enumerable.Range(13, 8).Select(i => $"JC-{i};{Cpr(i)};2018-09-27;2018-10-01;;F-{i:000};KaffeFair")]),
            "referrals.csv", Today);

        Assert.Equal((10, 10), (result.RowsAccepted, result.RowsRejected));
        Assert.Equal(
            "file;line;reason;raw_line\n" +
            "referrals.csv;3;cpr: CPR's first six digits are not a valid date (DDMMYY);\"JC-2;XXXXXX-XXXX;2018-09-27;2018-10-01;;F-002;KaffeFair\"\n" +
            "referrals.csv;4;\"referred_on '27-09-2018' is not a date; expected yyyy-MM-dd\";\"JC-3;XXXXXX-XXXX;27-09-2018;2018-10-01;;F-003;KaffeFair\"\n" +
            "referrals.csv;5;referral_id is empty;\";XXXXXX-XXXX;2018-09-27;2018-10-01;;F-004;KaffeFair\"\n" +
            "referrals.csv;6;cpr is empty;\"JC-5;;2018-09-27;2018-10-01;;F-005;KaffeFair\"\n" +
            "referrals.csv;7;course_end 2018-09-30 is before course_start 2018-10-01;\"JC-6;XXXXXX-XXXX;2018-09-27;2018-10-01;2018-09-30;F-006;KaffeFair\"\n" +
            "referrals.csv;8;\"referral_id 'JC-1' already appears on line 2; the first is kept\";\"JC-1;XXXXXX-XXXX;2018-09-27;2018-10-01;;F-007;KaffeFair\"\n" +
            "referrals.csv;9;\"the same person is already referred on line 2 (referral_id 'JC-1'); the first is kept\";\"JC-8;XXXXXX-XXXX;2018-09-27;2018-10-01;;F-008;KaffeFair\"\n" +
            "referrals.csv;10;referred_on 2018-10-02 is after course_start 2018-10-01: a course cannot start before the referral;\"JC-9;XXXXXX-XXXX;2018-10-02;2018-10-01;;F-009;KaffeFair\"\n" +
            "referrals.csv;11;fokus_ref is empty;\"JC-10;XXXXXX-XXXX;2018-09-27;2018-10-01;;;KaffeFair\"\n" +
            "referrals.csv;12;expected 7 fields as in the header, found 3;\"JC-11;XXXXXX-XXXX;2018-09-27\"\n",
            await ReportAsync(host, result));
        var stored = await host.Participants.ReadReferralsAsync();
        Assert.Equal(
            [new Referral("JC-1", PseudonymOf(host.Pseudonymizer, Cpr(1)), new(2018, 9, 27), new(2018, 10, 1), new(2019, 3, 29), "F-001", "KaffeFair"),
             new Referral("JC-12", PseudonymOf(host.Pseudonymizer, Cpr(12)), new(2018, 9, 27), new(2018, 10, 1), null, "F-012", "Butik ByRetro")],
            stored.Where(r => r.ReferralId is "JC-1" or "JC-12"));
        Assert.Equal(10, stored.Count);
        var log = Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync());
        Assert.Equal((20, 10, 10, result.QuarantineBlobName), (log.RowsRead, log.RowsAccepted, log.RowsRejected, log.QuarantineBlobName));
    }

    public static TheoryData<string, byte[], string> UnreadableFiles => new()
    {
        { "empty.csv", [], "the file is empty: expected a header row" },
        { "blank-first-line.csv", Encoding.UTF8.GetBytes($"\n{WeeksHeader}\n{Cpr(1)};2019-W14;130\n"), "line 1 is blank: expected a header row" },
        { "no-header.csv", Encoding.UTF8.GetBytes($"{Cpr(1)};2019-W14;130\n{Cpr(2)};2019-W14;\n"), "missing required column 'week' (long form) or y_YYWW week columns (wide form)" },
        // Saved as UTF-16 (with its byte order mark) by a spreadsheet.
        { "utf16.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes($"{WeeksHeader}\n{Cpr(1)};2019-W14;130\n")], "the file looks like UTF-16 (little-endian, with a byte order mark), not UTF-8; save it as UTF-8 and deliver it again" },
        // Saved as Latin-1: the good row before the bad byte must not be stored either.
        { "latin1-referrals.csv", Encoding.Latin1.GetBytes($"{ReferralHeader}\n{ReferralLine(1)}\nJC-2018-0002;{Cpr(2)};2018-09-27;2018-10-01;;F-002;Kaffe Æbler\n"),
            "the file looks like Windows-1252/Latin-1, not UTF-8 (first at line 3: byte 0xC6, 'Æ' in Windows-1252); save it as UTF-8 and deliver it again" },
    };

    [Theory]
    [MemberData(nameof(UnreadableFiles))]
    public async Task Given_a_file_that_cannot_be_read_at_all_dropped_in_the_inbox_when_processed_then_it_is_rejected_whole_with_its_reason_left_in_place_and_nothing_is_stored(
        string name, byte[] content, string reason)
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var inbox = host.Clients.Container(StorageNames.Containers.RegisterInbox);
        await inbox.GetBlobClient(name).UploadAsync(new BinaryData(content));

        var outcome = await host.Get<InboxProcessor>().ProcessAsync(name, Today);

        Assert.Equal(InboxStatus.Rejected, outcome.Status);
        Assert.Equal([name, name + ".error.txt"], await inbox.GetBlobsAsync().Select(b => b.Name).ToListAsync());
        Assert.Equal(content, (await inbox.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray()); // left as it came
        Assert.Equal($"{name} was not ingested: {reason}. Correct the file and drop it again (the rejected file stays here).\n",
            (await inbox.GetBlobClient(name + ".error.txt").DownloadContentAsync()).Value.Content.ToString());
        var log = Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync());
        Assert.Equal((DeliveryRecord.FileRejected, reason), (log.Status, log.RejectedReason));
        Assert.Empty(await StoredWeeksAsync(host));
        Assert.Empty(await host.Participants.ReadReferralsAsync());
        Assert.Empty(await host.Clients.Container(StorageNames.Containers.Quarantine).GetBlobsAsync().ToListAsync());
    }

    [Fact]
    public async Task Given_a_file_named_with_a_cpr_that_cannot_be_read_when_ingested_then_the_exception_the_delivery_log_and_the_logs_name_it_masked()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        var name = $"weeks-{Cpr(1).Replace("-", "")}.csv";

        var rejected = await Assert.ThrowsAsync<RegisterFileException>(() =>
            host.Ingestion.IngestWeeksFileAsync(Csv($"cpr;{Cpr(2)};{Cpr(2)}", $"{Cpr(2)};1;2"), name, Today));

        Assert.Equal("weeks-XXXXXX-XXXX.csv", rejected.File);
        Assert.DoesNotContain(Cpr(2).Replace("-", ""), rejected.Message);
        Assert.DoesNotContain(Cpr(2), rejected.Message);
        Assert.StartsWith("weeks-XXXXXX-XXXX.csv: ", rejected.Message);
        Assert.Equal("weeks-XXXXXX-XXXX.csv", Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync()).Source);
        Assert.Empty(await PrivacyScan.FindCprsAsync(host.Clients, [Cpr(1), Cpr(2)], [.. host.LogLines, ("exception", rejected.ToString())]));
    }
}
