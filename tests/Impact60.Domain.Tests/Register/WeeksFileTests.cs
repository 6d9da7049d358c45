using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

public class WeeksFileLongFormTests
{
    private const string Header = "cpr;week;code";
    private static readonly Domain.Primitives.Pseudonym A = Person("010190-1234");
    private static readonly Domain.Primitives.Pseudonym B = Person("020285-1234");

    [Fact]
    public void Given_a_long_form_file_when_read_then_each_row_is_a_register_week_and_an_empty_code_is_no_benefit()
    {
        var (weeks, rejections) = Weeks(Header, "010190-1234;2019-W14;", "010190-1234;2019-W15;130", "0202851234;2019-W15;0421");

        Assert.Empty(rejections);
        Assert.Equal(
            [new RegisterWeek(A, new IsoWeek(2019, 14), BenefitCode.NoBenefit),
             new RegisterWeek(A, new IsoWeek(2019, 15), BenefitCode.Parse("130")),
             new RegisterWeek(B, new IsoWeek(2019, 15), BenefitCode.Parse("0421"))],
            weeks);
        Assert.True(weeks[0].Code.IsNoBenefit);
    }

    [Theory]
    [InlineData("310290-1234;2019-W16;130", "cpr: CPR's first six digits are not a valid date (DDMMYY)")]
    [InlineData("01019012345;2019-W16;130", "cpr: CPR must be 10 digits, as DDMMYY-SSSS or DDMMYYSSSS")]
    [InlineData("010190-1234;2019-16;130", "week: '2019-16' is not an ISO week; expected YYYY-Www, e.g. 2019-W05")]
    [InlineData("010190-1234;2021-W53;130", "week: ISO year 2021 has weeks 1 to 52, not 53")]
    [InlineData("010190-1234;;130", "week is empty")]
    [InlineData("010190-1234;2019-W16;13A", "code: benefit code '13A' must be 1 to 4 digits or empty")]
    [InlineData("010190-1234;2019-W16;13000", "code: benefit code '13000' must be 1 to 4 digits or empty")]
    [InlineData("010190-1234;2022-W01;130", "week 2022-W01 is in the future (latest allowed 2021-W52)")]
    [InlineData("010190-1234;2019-W16", "expected 3 fields as in the header, found 2")]
    [InlineData("010190-1234;2019-W16;130;x", "expected 3 fields as in the header, found 4")]
    [InlineData("010190-1234;2019-W14;130", "person-week 2019-W14 conflicts with line 2 (code empty there, '130' here); the first is kept")]
    [InlineData("0101901234;2019-W15;421", "person-week 2019-W15 conflicts with line 3 (code '130' there, '421' here); the first is kept")]
    [InlineData("010190-1234;2019-W15;130", "person-week 2019-W15 repeats line 3 with the same code; the first is kept")]
    public void Given_a_bad_row_between_good_rows_when_read_then_it_is_rejected_with_its_line_and_reason_and_the_good_rows_are_kept(string bad, string reason)
    {
        var (weeks, rejections) = Weeks(Header, "010190-1234;2019-W14;", "010190-1234;2019-W15;130", bad, "020285-1234;2019-W14;651");

        var rejection = Single(rejections, 4);
        Assert.Equal(reason, rejection.Reason);
        Assert.Equal("weeks.csv", rejection.File);
        Assert.Single(rejections);
        Assert.Equal(
            [(A, "2019-W14", ""), (A, "2019-W15", "130"), (B, "2019-W14", "651")],
            weeks.Select(w => (w.Person, w.Week.ToString(), w.Code.Value)));
    }

    [Fact]
    public void Given_the_latest_allowed_week_itself_when_read_then_it_is_taken()
    {
        var (weeks, rejections) = Weeks(Header, "010190-1234;2021-W52;");

        Assert.Empty(rejections);
        Assert.Equal(LatestAllowed, Assert.Single(weeks).Week);
    }

    [Fact]
    public void Given_a_rejected_row_when_reported_then_its_cpr_is_masked_in_the_raw_line()
    {
        var (_, rejections) = Weeks(Header, "010190-1234;2019-W16;13A", "2902901234;2019-W16;130");

        Assert.Equal("XXXXXX-XXXX;2019-W16;13A", Single(rejections, 2).MaskedRawLine);
        Assert.Equal("XXXXXX-XXXX;2019-W16;130", Single(rejections, 3).MaskedRawLine);
    }

    [Fact]
    public void Given_columns_in_another_order_and_upper_case_with_crlf_when_read_then_they_are_found_by_name()
    {
        var (weeks, rejections) = Weeks(File(["CODE;Week;Cpr", "130;2019-W15;010190-1234", ";2019-W16;010190-1234"], newline: "\r\n"));

        Assert.Empty(rejections);
        Assert.Equal([BenefitCode.Parse("130"), BenefitCode.NoBenefit], weeks.Select(w => w.Code));
        Assert.Equal([new IsoWeek(2019, 15), new IsoWeek(2019, 16)], weeks.Select(w => w.Week));
    }

    [Fact]
    public void Given_an_unknown_column_when_read_then_it_is_reported_at_line_1_and_ignored()
    {
        var (weeks, rejections) = Weeks("cpr;week;code;source", "010190-1234;2019-W15;130;dream");

        Assert.Equal("unknown column 'source' in the header; the column is ignored", Single(rejections, 1).Reason);
        Assert.Equal(BenefitCode.Parse("130"), Assert.Single(weeks).Code);
    }

    [Fact]
    public void Given_a_long_form_file_without_the_code_column_when_read_then_the_whole_file_is_rejected()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Weeks("cpr;week", "010190-1234;2019-W15"));

        Assert.StartsWith("missing required column 'code'", ex.Reason);
    }

    [Fact]
    public void Given_a_header_that_is_neither_form_when_read_then_the_whole_file_is_rejected()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Weeks("cpr;uge;kode", "010190-1234;2019-W15;130"));

        Assert.Equal("missing required column 'week' (long form) or y_YYWW week columns (wide form)", ex.Reason);
    }

    [Fact]
    public void Given_a_header_that_mixes_both_forms_when_read_then_the_whole_file_is_rejected()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Weeks("cpr;week;code;y_1915", "010190-1234;2019-W15;130;"));

        Assert.Equal("the header mixes the long form's 'week' column with wide-form y_YYWW columns", ex.Reason);
    }

    [Fact]
    public void Given_a_file_without_a_cpr_column_when_read_then_the_whole_file_is_rejected()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Weeks("person;week;code", "x;2019-W15;130"));

        Assert.StartsWith("missing required column 'cpr'", ex.Reason);
    }

    [Theory]
    [InlineData("cpr;week;code", WeeksFileForm.Long)]
    [InlineData("\uFEFFCPR;WEEK;CODE", WeeksFileForm.Long)]
    [InlineData("cpr;y_1914;Y_1915", WeeksFileForm.Wide)]
    [InlineData("cpr;uge;kode", null)]
    [InlineData("cpr;week;y_1914", null)]
    public void Given_a_header_when_detecting_the_form_then_long_wide_or_neither(string header, WeeksFileForm? expected)
    {
        Assert.Equal(expected, WeeksFile.DetectForm(header));
    }
}

public class WeeksFileWideFormTests
{
    private static readonly Domain.Primitives.Pseudonym A = Person("010190-1234");
    private static readonly Domain.Primitives.Pseudonym B = Person("020285-1234");

    [Fact]
    public void Given_a_wide_dream_file_when_read_then_each_cell_is_a_register_week_and_an_empty_cell_is_no_benefit()
    {
        var (weeks, rejections) = Weeks("cpr;y_1914;y_1915;y_1916", "0101901234;;130;", "020285-1234;651;651;652");

        Assert.Empty(rejections);
        Assert.Equal(
            [(A, "2019-W14", ""), (A, "2019-W15", "130"), (A, "2019-W16", ""), (B, "2019-W14", "651"), (B, "2019-W15", "651"), (B, "2019-W16", "652")],
            weeks.Select(w => (w.Person, w.Week.ToString(), w.Code.Value)));
    }

    [Theory]
    [InlineData("y_1914", 2019, 14)]
    [InlineData("y_2053", 2020, 53)]
    [InlineData("Y_1801", 2018, 1)]
    public void Given_a_wide_column_name_when_parsed_then_it_is_iso_week_ww_of_20yy(string column, int year, int week)
    {
        Assert.True(WeeksFile.TryParseWideColumn(column, out var parsed, out _));
        Assert.Equal(new IsoWeek(year, week), parsed);
        Assert.Equal(column.ToLowerInvariant(), WeeksFile.WideColumnName(parsed));
    }

    [Theory]
    [InlineData("y_2153", "column 'y_2153' is not a week: ISO year 2021 has weeks 1 to 52, not 53")]
    [InlineData("y_1900", "column 'y_1900' is not a week: ISO year 2019 has weeks 1 to 52, not 0")]
    [InlineData("y_191", "column 'y_191' is not a week column; expected y_YYWW, e.g. y_1914")]
    [InlineData("y_19w4", "column 'y_19w4' is not a week column; expected y_YYWW, e.g. y_1914")]
    public void Given_a_wide_column_that_is_not_a_week_when_parsed_then_the_error_says_why(string column, string error)
    {
        Assert.False(WeeksFile.TryParseWideColumn(column, out _, out var actual));
        Assert.Equal(error, actual);
    }

    [Fact]
    public void Given_bad_cells_when_read_then_each_is_rejected_naming_its_column_and_the_other_cells_of_the_row_are_kept()
    {
        var (weeks, rejections) = Weeks("cpr;y_1914;y_1915;y_1916", "0101901234;13A;130;12345", "020285-1234;;;");

        AssertNoCpr(rejections);
        Assert.Equal(
            [(2, "column y_1914: benefit code '13A' must be 1 to 4 digits or empty"),
             (2, "column y_1916: benefit code '12345' must be 1 to 4 digits or empty")],
            rejections.Select(r => (r.Line, r.Reason)));
        Assert.All(rejections, r => Assert.Equal("XXXXXX-XXXX;13A;130;12345", r.MaskedRawLine));
        Assert.Equal(
            [(A, "2019-W15", "130"), (B, "2019-W14", ""), (B, "2019-W15", ""), (B, "2019-W16", "")],
            weeks.Select(w => (w.Person, w.Week.ToString(), w.Code.Value)));
    }

    [Fact]
    public void Given_a_bad_cpr_when_read_then_the_whole_row_is_rejected_and_other_rows_kept()
    {
        var (weeks, rejections) = Weeks("cpr;y_1914;y_1915", "3102901234;130;130", "020285-1234;;651");

        var rejection = Single(rejections, 2);
        Assert.Equal("cpr: CPR's first six digits are not a valid date (DDMMYY); the whole row is rejected", rejection.Reason);
        Assert.Equal("XXXXXX-XXXX;130;130", rejection.MaskedRawLine);
        Assert.Equal(2, weeks.Count);
        Assert.All(weeks, w => Assert.Equal(B, w.Person));
    }

    [Fact]
    public void Given_a_row_with_the_wrong_number_of_cells_when_read_then_the_row_is_rejected()
    {
        var (weeks, rejections) = Weeks("cpr;y_1914;y_1915", "0101901234;130", "020285-1234;;651");

        Assert.Equal("expected 3 fields as in the header, found 2", Single(rejections, 2).Reason);
        Assert.Equal(2, weeks.Count);
    }

    [Fact]
    public void Given_the_same_person_on_two_rows_when_read_then_each_repeated_cell_is_rejected_naming_the_first_line()
    {
        var (weeks, rejections) = Weeks("cpr;y_1914;y_1915", "0101901234;;130", "010190-1234;;421");

        Assert.Equal(
            ["column y_1914: person-week 2019-W14 repeats line 2 with the same code; the first is kept",
             "column y_1915: person-week 2019-W15 conflicts with line 2 (code '130' there, '421' here); the first is kept"],
            rejections.Select(r => r.Reason));
        Assert.All(rejections, r => Assert.Equal(3, r.Line));
        Assert.Equal(["", "130"], weeks.Select(w => w.Code.Value));
    }

    [Fact]
    public void Given_header_columns_that_are_unknown_not_a_week_or_in_the_future_when_read_then_each_is_reported_at_line_1_and_its_cells_ignored()
    {
        var (weeks, rejections) = Weeks("cpr;kommune;y_2053;y_2153;y_2201", "0101901234;851;651;130;130");

        AssertNoCpr(rejections);
        Assert.Equal(
            ["unknown column 'kommune' in the header; the column is ignored",
             "column 'y_2153' is not a week: ISO year 2021 has weeks 1 to 52, not 53; the column is ignored",
             "column 'y_2201' is week 2022-W01, in the future (latest allowed 2021-W52); the column is ignored"],
            rejections.Select(r => r.Reason));
        Assert.All(rejections, r => Assert.Equal(1, r.Line));
        Assert.Equal((A, "2020-W53", "651"), weeks.Select(w => (w.Person, w.Week.ToString(), w.Code.Value)).Single());
    }
}

public class ExtractFileReadabilityTests
{
    [Fact]
    public void Given_an_empty_file_when_read_then_it_is_rejected_whole()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Weeks(new MemoryStream()));

        Assert.Equal("the file is empty: expected a header row", ex.Reason);
        Assert.Equal("weeks.csv: the file is empty: expected a header row", ex.Message);
    }

    [Fact]
    public void Given_a_file_that_starts_with_a_blank_line_when_read_then_it_is_rejected_for_having_no_header()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Referrals("", "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business"));

        Assert.Equal("line 1 is blank: expected a header row", ex.Reason);
    }

    [Fact]
    public void Given_a_header_that_names_a_column_twice_when_read_then_it_is_rejected_whole()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Weeks("cpr;week;code;Week", "010190-1234;2019-W15;130;2019-W15"));

        Assert.Equal("header column 'week' appears more than once", ex.Reason);
    }

    [Fact]
    public void Given_invalid_utf8_in_a_row_when_read_then_the_whole_file_is_rejected_naming_the_line()
    {
        byte[] bytes = [.. "cpr;week;code\n010190-1234;2019-W15;130\n010190-1234;2019-W16;"u8, 0xC3, 0x28, .. "\n"u8];

        var ex = Assert.Throws<RegisterFileException>(() => Weeks(new MemoryStream(bytes)));

        Assert.Equal("the file looks like Windows-1252/Latin-1, not UTF-8 (first at line 3: byte 0xC3, 'Ã' in Windows-1252); save it as UTF-8 and deliver it again", ex.Reason);
    }

    [Fact]
    public void Given_a_utf16_file_when_read_then_it_is_rejected_as_utf16()
    {
        var bytes = System.Text.Encoding.Unicode.GetPreamble().Concat(System.Text.Encoding.Unicode.GetBytes("cpr;week;code\n")).ToArray();

        var ex = Assert.Throws<RegisterFileException>(() => Weeks(new MemoryStream(bytes)));

        Assert.StartsWith("the file looks like UTF-16", ex.Reason);
    }

    [Fact]
    public void Given_non_ascii_text_in_valid_utf8_with_a_bom_when_read_then_it_is_kept()
    {
        var (referrals, rejections) = Referrals(File(
            ["referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business", "JC-1;010190-1234;2018-09-27;2018-10-01;;F-001;Café Ølbæk"], bom: true));

        Assert.Empty(rejections);
        Assert.Equal("Café Ølbæk", Assert.Single(referrals).Business);
    }

    [Fact]
    public void Given_a_large_file_when_the_first_week_is_taken_then_the_reader_has_not_read_the_whole_stream()
    {
        var lines = new List<string> { "cpr;week;code" };
        for (var w = 1; w <= 52; w++)
            for (var p = 0; p < 800; p++)
                lines.Add($"010190-{p:D4};2019-W{w:D2};130");
        var stream = File([.. lines]);

        using var weeks = WeeksFile.Read(stream, "weeks.csv", ExtractFiles.Pseudonymizer, LatestAllowed, new List<Rejection>()).GetEnumerator();
        Assert.True(weeks.MoveNext());

        Assert.True(stream.Position < stream.Length / 4, $"read {stream.Position} of {stream.Length} bytes before the first week");
        var count = 1;
        while (weeks.MoveNext()) count++;
        Assert.Equal(52 * 800, count);
    }
}
