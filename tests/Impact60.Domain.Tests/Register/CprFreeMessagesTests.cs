using System.Text.RegularExpressions;
using Impact60.Domain.Register;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

/// <summary>
/// Every reason and message the readers produce is CPR-free at the source: a file rejected whole and a row rejected
/// alone are reported to operators, written to quarantine and printed by the CLI, and none of those may carry a CPR.
/// </summary>
public class CprFreeMessagesTests
{
    private static readonly Regex TenDigits = new(@"\d{6}-?\d{4}", RegexOptions.CultureInvariant);

    [Fact]
    public void Given_a_headerless_weeks_file_whose_first_row_repeats_a_cpr_when_read_then_the_file_error_masks_it()
    {
        // The first row is taken as the header, so its "column names" are a CPR, a week and the CPR again.
        var ex = Assert.Throws<RegisterFileException>(() => Weeks("010190-1234;2019-W15;010190-1234", "010190-1234;2019-W16;010190-1234"));

        Assert.Equal("header column 'XXXXXX-XXXX' appears more than once", ex.Reason);
        Assert.Equal("weeks.csv: header column 'XXXXXX-XXXX' appears more than once", ex.Message);
        Assert.Equal("weeks.csv", ex.File);
    }

    [Fact]
    public void Given_a_headerless_referrals_file_whose_first_row_repeats_a_cpr_when_read_then_the_file_error_masks_it()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Referrals("0101901234;0101901234;2018-09-27;2018-10-01;;F-001;KaffeFair"));

        Assert.Equal("header column 'XXXXXX-XXXX' appears more than once", ex.Reason);
        Assert.DoesNotMatch(TenDigits, ex.Message);
    }

    [Fact]
    public void Given_a_file_name_holding_a_cpr_when_the_file_is_rejected_whole_then_the_message_masks_it_and_File_keeps_the_name()
    {
        var ex = Assert.Throws<RegisterFileException>(() =>
            WeeksFile.Read(File(["nonsense"]), "0101901234.csv", ExtractFiles.Pseudonymizer, LatestAllowed, new List<Rejection>()).ToList());

        Assert.StartsWith("XXXXXX-XXXX.csv: missing required column 'week'", ex.Message);
        Assert.Equal("0101901234.csv", ex.File);
    }

    [Fact]
    public void Given_a_wide_column_name_holding_a_cpr_when_parsed_then_the_error_masks_it()
    {
        Assert.False(WeeksFile.TryParseWideColumn("y_010190-1234", out _, out var error));

        Assert.Equal("column 'y_XXXXXX-XXXX' is not a week column; expected y_YYWW, e.g. y_1914", error);
    }

    [Fact]
    public void Given_a_rejection_built_outside_a_reader_or_copied_with_a_new_reason_then_its_reason_and_raw_line_are_masked()
    {
        // As a cap applied after the reader builds one: the reason quotes a referral id that is in fact a CPR.
        var rejection = new Rejection("referrals.csv", 3, "referral 0101901234 is over the cap", "0101901234;010190-1234;2018-09-27");

        Assert.Equal("referral XXXXXX-XXXX is over the cap", rejection.Reason);
        Assert.Equal("XXXXXX-XXXX;XXXXXX-XXXX;2018-09-27", rejection.MaskedRawLine);

        var copy = rejection with { Reason = "see 010190-1234", MaskedRawLine = "010190-1234" };
        Assert.Equal(("see XXXXXX-XXXX", "XXXXXX-XXXX"), (copy.Reason, copy.MaskedRawLine));
    }
}
