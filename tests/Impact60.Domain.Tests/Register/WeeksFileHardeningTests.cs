using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Text;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

/// <summary>A sloppy or hostile weeks delivery: absurd weeks, control characters, zero-padded codes, huge fields.</summary>
public class WeeksFileHardeningTests
{
    private const string Header = "cpr;week;code";
    private static readonly Pseudonym A = Person("010190-1234");
    private static readonly Pseudonym B = Person("020285-1234");

    private static void AssertRejectedBetweenGoodRows(string bad, string reason)
    {
        var (weeks, rejections) = Weeks(Header, "010190-1234;2019-W14;", bad, "020285-1234;2019-W14;651");

        Assert.Equal(reason, Single(rejections, 3).Reason);
        Assert.Single(rejections);
        Assert.Equal([(A, "2019-W14", ""), (B, "2019-W14", "651")], weeks.Select(w => (w.Person, w.Week.ToString(), w.Code.Value)));
    }

    [Theory]
    [InlineData("010190-1234;1989-W52;130", "week 1989-W52 is outside the accepted range 1990-W01 to 2100-W52")]
    [InlineData("010190-1234;1900-W02;130", "week 1900-W02 is outside the accepted range 1990-W01 to 2100-W52")]
    [InlineData("010190-1234;2999-W01;130", "week 2999-W01 is outside the accepted range 1990-W01 to 2100-W52")]
    public void Given_a_week_outside_the_accepted_range_when_read_then_the_row_is_rejected(string bad, string reason)
    {
        AssertRejectedBetweenGoodRows(bad, reason);
    }

    [Theory]
    [InlineData("010190-1234;2019-W15;130\u001B", "code", "001B")]
    [InlineData("010190-1234\u200F\u202E;2019-W15;130", "cpr", "202E")]
    [InlineData("010190-1234;2019-W15\u0000;130", "week", "0000")]
    public void Given_a_control_or_bidi_character_in_a_long_form_field_when_read_then_the_row_is_rejected_naming_the_column(string bad, string column, string hex)
    {
        AssertRejectedBetweenGoodRows(bad, $"{column} holds the control or invisible character U+{hex}, which no field may hold");
    }

    [Fact]
    public void Given_a_control_character_in_a_wide_form_row_when_read_then_the_row_is_rejected_naming_the_column()
    {
        var (weeks, rejections) = Weeks("cpr;y_1914;y_1915", "0101901234;130;\u0007651", "020285-1234;;651");

        Assert.Equal("y_1915 holds the control or invisible character U+0007, which no field may hold", Single(rejections, 2).Reason);
        Assert.Equal([B, B], weeks.Select(w => w.Person));
    }

    [Fact]
    public void Given_a_zero_padded_code_in_the_long_form_when_read_then_it_is_the_code_without_the_zeros()
    {
        var (weeks, rejections) = Weeks(Header, "010190-1234;2019-W14;0651", "010190-1234;2019-W15;000");

        Assert.Empty(rejections);
        Assert.Equal(["651", "0"], weeks.Select(w => w.Code.Value));
    }

    [Fact]
    public void Given_a_zero_padded_code_in_the_wide_form_when_read_then_it_is_the_code_without_the_zeros()
    {
        var (weeks, rejections) = Weeks("cpr;y_1914;y_1915", "0101901234;0651;651");

        Assert.Empty(rejections);
        Assert.Equal(["651", "651"], weeks.Select(w => w.Code.Value));
    }

    [Fact]
    public void Given_0651_and_651_for_the_same_person_week_when_read_then_they_are_the_same_code_and_the_second_is_a_repeat()
    {
        var (weeks, rejections) = Weeks(Header, "010190-1234;2019-W14;0651", "0101901234;2019-W14;651");

        Assert.Equal("person-week 2019-W14 repeats line 2 with the same code; the first is kept", Single(rejections, 3).Reason);
        Assert.Equal("651", Assert.Single(weeks).Code.Value);
    }

    [Fact]
    public void Given_a_week_field_of_a_thousand_characters_when_rejected_then_the_reason_quotes_at_most_the_quote_length()
    {
        var huge = new string('W', 1000);
        var (_, rejections) = Weeks(Header, $"010190-1234;{huge};130");

        var reason = Single(rejections, 2).Reason;
        Assert.Equal($"week: '{SafeText.Quote(huge)}' is not an ISO week; expected YYYY-Www, e.g. 2019-W05", reason);
    }

    [Fact]
    public void Given_a_line_over_the_limit_when_read_then_it_is_rejected_with_a_cut_masked_copy_and_reading_goes_on()
    {
        var line = "010190-1234;2019-W15;" + new string('x', ExtractLimits.MaxLineBytes);
        var (weeks, rejections) = Weeks(Header, "010190-1234;2019-W14;", line, "020285-1234;2019-W14;651");

        var rejection = Single(rejections, 3);
        Assert.Equal($"line is {line.Length:N0} bytes long, more than the 262,144 allowed; the row is rejected", rejection.Reason);
        Assert.StartsWith("XXXXXX-XXXX;2019-W15;xxx", rejection.MaskedRawLine);
        Assert.EndsWith("xxx… (line cut)", rejection.MaskedRawLine);
        Assert.True(rejection.MaskedRawLine.Length <= SafeText.RawLineLength);
        Assert.Equal(2, weeks.Count);
    }

    [Fact]
    public void Given_a_person_filter_when_read_then_other_persons_are_checked_for_format_but_neither_yielded_nor_tracked_for_repeats()
    {
        var rejections = new List<Rejection>();
        var weeks = WeeksFile.Read(File([Header,
                "010190-1234;2019-W14;130",   // kept
                "030390-1234;2019-W14;130",   // not kept
                "030390-1234;2019-W14;421",   // not kept: a conflict nobody needs, not tracked
                "030390-1234;2019-W1X;130",   // not kept, but malformed: rejected
                "010190-1234;2019-W14;421"]), // kept: a conflict
            "weeks.csv", ExtractFiles.Pseudonymizer, LatestAllowed, rejections, keepPerson: p => p == A).ToList();

        Assert.Equal([(A, "2019-W14", "130")], weeks.Select(w => (w.Person, w.Week.ToString(), w.Code.Value)));
        Assert.Equal(
            [(5, "week: '2019-W1X' is not an ISO week; expected YYYY-Www, e.g. 2019-W05"),
             (6, "person-week 2019-W14 conflicts with line 2 (code '130' there, '421' here); the first is kept")],
            rejections.Select(r => (r.Line, r.Reason)));
    }

    [Fact]
    public void Given_a_person_filter_on_a_wide_file_when_read_then_only_kept_persons_are_yielded()
    {
        var rejections = new List<Rejection>();
        var weeks = WeeksFile.Read(File(["cpr;y_1914;y_1915", "0101901234;130;130", "0303901234;130;13X", "0303901234;130;130"]),
            "weeks.csv", ExtractFiles.Pseudonymizer, LatestAllowed, rejections, keepPerson: p => p == A).ToList();

        Assert.Equal([A, A], weeks.Select(w => w.Person));
        Assert.Equal([(3, "column y_1915: benefit code '13X' must be 1 to 4 digits or empty")], rejections.Select(r => (r.Line, r.Reason)));
    }
}
