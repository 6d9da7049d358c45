using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Text;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

/// <summary>
/// What a rejection shows is cut (the raw line at 1,000 characters, the reason at 500, the file name at 260, a quoted value
/// at 80). A run of eleven or more digits is no CPR, but cut so that exactly ten digits are left before "…" it looks like
/// one to every scan and to a person reading the report (docs/fuzzing.md, F4). What is shown is never CPR-shaped: it is
/// masked again after the cut. 31129912345678 is such a run: its first ten digits, 311299-1234, have a valid date.
/// </summary>
public sealed class RejectionCutTests
{
    private const string FourteenDigits = "31129912345678";

    /// <summary><paramref name="length"/> characters of text whose last ten are the start of <see cref="FourteenDigits"/>.</summary>
    private static string DigitsAcrossTheCut(int length) => new string('a', length - 10) + FourteenDigits + " and more";

    [Fact]
    public void Given_a_raw_line_whose_digit_run_straddles_the_cut_when_rejected_then_what_is_kept_is_not_cpr_shaped()
    {
        var rejection = new Rejection("weeks.csv", 2, "bad row", DigitsAcrossTheCut(SafeText.RawLineLength));

        Assert.False(Cpr.ContainsCprLike(rejection.MaskedRawLine), rejection.MaskedRawLine[^40..]);
        Assert.StartsWith(new string('a', SafeText.RawLineLength - 10), rejection.MaskedRawLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_reason_and_a_file_name_whose_digit_runs_straddle_the_cut_when_rejected_then_neither_is_cpr_shaped()
    {
        var rejection = new Rejection(DigitsAcrossTheCut(260), 2, DigitsAcrossTheCut(Rejection.ReasonLength), "x");

        Assert.False(Cpr.ContainsCprLike(rejection.Reason), rejection.Reason[^40..]);
        Assert.False(Cpr.ContainsCprLike(rejection.File), rejection.File[^40..]);
    }

    [Fact]
    public void Given_a_quoted_value_whose_digit_run_straddles_the_cut_when_quoted_then_it_is_not_cpr_shaped()
    {
        var quoted = SafeText.Quote(DigitsAcrossTheCut(SafeText.QuoteLength));

        Assert.False(Cpr.ContainsCprLike(quoted), quoted);
    }

    [Fact]
    public void Given_a_referrals_line_with_a_long_digit_run_at_the_cut_when_rejected_for_its_field_count_then_the_raw_line_shown_is_not_cpr_shaped()
    {
        // Two fields, not seven: rejected with its raw line, whose first field runs 4 characters past the cut.
        var (referrals, rejections) = Referrals(
            "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business",
            DigitsAcrossTheCut(SafeText.RawLineLength) + ";x");

        Assert.Empty(referrals);
        var rejection = Assert.Single(rejections);
        Assert.StartsWith("expected 7 fields", rejection.Reason, StringComparison.Ordinal);
        Assert.False(Cpr.ContainsCprLike(rejection.MaskedRawLine), rejection.MaskedRawLine[^40..]);
    }

    [Fact]
    public void Given_a_cpr_whose_parts_are_separated_by_control_characters_when_rejected_then_it_is_masked_before_they_are_escaped()
    {
        // Escaped first, "010190\u00001234" would no longer read as a CPR to the mask, yet a person still reads one.
        var rejection = new Rejection("weeks.csv", 2, "code '010190\u00001234' is not a code", "010190\u001F1234;x");

        Assert.Equal("code 'XXXXXX-XXXX' is not a code", rejection.Reason);
        Assert.Equal("XXXXXX-XXXX;x", rejection.MaskedRawLine);
    }
}
