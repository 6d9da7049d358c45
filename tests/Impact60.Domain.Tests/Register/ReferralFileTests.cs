using Impact60.Domain.Register;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

public class ReferralFileTests
{
    private const string Header = "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business";
    private const string Good1 = "JC-2018-0001;010190-1234;2018-09-27;2018-10-01;2019-03-29;F-001;KaffeFair";
    private const string Good2 = "JC-2018-0002;0202851234;2018-09-28;2018-10-01;;F-002;Butik ByRetro";

    [Fact]
    public void Given_a_well_formed_file_when_read_then_every_referral_is_taken_with_a_pseudonym_for_the_cpr()
    {
        var (referrals, rejections) = Referrals(Header, Good1, Good2);

        Assert.Empty(rejections);
        Assert.Equal(2, referrals.Count);
        Assert.Equal(new Referral("JC-2018-0001", Person("0101901234"), new(2018, 9, 27), new(2018, 10, 1), new(2019, 3, 29), "F-001", "KaffeFair"), referrals[0]);
        Assert.Equal(new Referral("JC-2018-0002", Person("020285-1234"), new(2018, 9, 28), new(2018, 10, 1), null, "F-002", "Butik ByRetro"), referrals[1]);
    }

    [Theory]
    [InlineData("JC-9;310290-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", "cpr: CPR's first six digits are not a valid date (DDMMYY)")]
    [InlineData("JC-9;01019-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", "cpr: CPR must be 10 digits, as DDMMYY-SSSS or DDMMYYSSSS")]
    [InlineData("JC-9;;2018-09-27;2018-10-01;;F-009;KaffeFair", "cpr is empty")]
    [InlineData(";030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", "referral_id is empty")]
    [InlineData("JC-9;030390-1234;2018-9-27;2018-10-01;;F-009;KaffeFair", "referred_on '2018-9-27' is not a date; expected yyyy-MM-dd")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-02-30;;F-009;KaffeFair", "course_start '2018-02-30' is not a date; expected yyyy-MM-dd")]
    [InlineData("JC-9;030390-1234;2018-09-27;;;F-009;KaffeFair", "course_start is empty")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;29/03/2019;F-009;KaffeFair", "course_end '29/03/2019' is not a date; expected yyyy-MM-dd")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;2018-09-30;F-009;KaffeFair", "course_end 2018-09-30 is before course_start 2018-10-01")]
    [InlineData("JC-9;030390-1234;2018-10-02;2018-10-01;;F-009;KaffeFair", "referred_on 2018-10-02 is after course_start 2018-10-01: a course cannot start before the referral")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;;KaffeFair", "fokus_ref is empty")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-009; ", "business is empty")]
    [InlineData("0303901234;030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", "referral_id holds a CPR-shaped number; an identifier must not be personal data, so the row is not stored")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-030390-1234;KaffeFair", "fokus_ref holds a CPR-shaped number; an identifier must not be personal data, so the row is not stored")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair 0303901234", "business holds a CPR-shaped number; an identifier must not be personal data, so the row is not stored")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-009", "expected 7 fields as in the header, found 6")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair;extra", "expected 7 fields as in the header, found 8")]
    public void Given_a_bad_row_between_good_rows_when_read_then_it_is_rejected_with_its_line_and_reason_and_the_good_rows_are_kept(string bad, string reason)
    {
        var (referrals, rejections) = Referrals(Header, Good1, bad, Good2);

        var rejection = Single(rejections, 3);
        Assert.Equal("referrals.csv", rejection.File);
        Assert.Equal(reason, rejection.Reason);
        Assert.Single(rejections);
        Assert.Equal(["JC-2018-0001", "JC-2018-0002"], referrals.Select(r => r.ReferralId));
    }

    [Fact]
    public void Given_a_course_that_starts_and_ends_on_the_referral_day_when_read_then_it_is_taken()
    {
        var (referrals, rejections) = Referrals(Header, "JC-1;010190-1234;2018-10-01;2018-10-01;2018-10-01;F-001;KaffeFair");

        Assert.Empty(rejections);
        Assert.Equal(new DateOnly(2018, 10, 1), Assert.Single(referrals).CourseEnd);
    }

    [Fact]
    public void Given_the_same_referral_id_twice_when_read_then_the_later_row_is_rejected_naming_the_first()
    {
        var (referrals, rejections) = Referrals(Header, Good1, Good2, "JC-2018-0001;030390-1234;2018-09-27;2018-10-01;;F-003;KaffeFair");

        Assert.Equal("referral_id 'JC-2018-0001' already appears on line 2; the first is kept", Single(rejections, 4).Reason);
        Assert.Equal([Person("010190-1234"), Person("020285-1234")], referrals.Select(r => r.Person));
    }

    [Fact]
    public void Given_the_same_person_referred_twice_in_either_cpr_spelling_when_read_then_the_later_referral_is_rejected_naming_the_first()
    {
        var (referrals, rejections) = Referrals(Header, Good1, Good2, "JC-2018-0003;0101901234;2019-01-02;2019-01-07;;F-003;KaffeFair");

        Assert.Equal("the same person is already referred on line 2 (referral_id 'JC-2018-0001'); the first is kept", Single(rejections, 4).Reason);
        Assert.Equal(2, referrals.Count);
    }

    [Fact]
    public void Given_a_bad_cpr_when_rejected_then_the_raw_line_has_the_whole_cpr_field_masked_whatever_it_held()
    {
        var (_, rejections) = Referrals(Header, "JC-9;0101901234567;2018-09-27;2018-10-01;;F-009;KaffeFair", "JC-8;31029O-1234;2018-09-27;2018-10-01;;F-008;KaffeFair");

        Assert.Equal("JC-9;XXXXXX-XXXX;2018-09-27;2018-10-01;;F-009;KaffeFair", Single(rejections, 2).MaskedRawLine);
        Assert.Equal("JC-8;XXXXXX-XXXX;2018-09-27;2018-10-01;;F-008;KaffeFair", Single(rejections, 3).MaskedRawLine);
    }

    [Fact]
    public void Given_a_row_with_shifted_fields_when_rejected_then_a_cpr_in_any_column_is_masked()
    {
        var (_, rejections) = Referrals(Header, "010190-1234;JC-9;2018-09-27;2018-10-01;F-009;KaffeFair");

        var rejection = Single(rejections, 2);
        Assert.Equal("XXXXXX-XXXX;XXXXXX-XXXX;2018-09-27;2018-10-01;F-009;KaffeFair", rejection.MaskedRawLine);
    }

    [Fact]
    public void Given_a_cpr_typed_into_a_date_column_when_rejected_then_the_reason_does_not_repeat_it()
    {
        var (_, rejections) = Referrals(Header, "JC-9;010190-1234;010190-1234;2018-10-01;;F-009;KaffeFair");

        Assert.Equal("referred_on 'XXXXXX-XXXX' is not a date; expected yyyy-MM-dd", Single(rejections, 2).Reason);
    }

    [Fact]
    public void Given_an_unknown_column_when_read_then_the_header_is_reported_at_line_1_and_the_column_ignored()
    {
        var (referrals, rejections) = Referrals(
            "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business;note",
            Good1 + ";called 010190-1234");

        var rejection = Single(rejections, 1);
        Assert.Equal("unknown column 'note' in the header; the column is ignored", rejection.Reason);
        Assert.Equal("referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business;note", rejection.MaskedRawLine);
        Assert.Equal("JC-2018-0001", Assert.Single(referrals).ReferralId);
    }

    [Fact]
    public void Given_headers_in_another_order_and_case_with_crlf_and_a_bom_when_read_then_columns_are_found_by_name()
    {
        var stream = File(
            ["Business;FOKUS_REF;Course_End;course_start;Referred_On;CPR;Referral_Id", "KaffeFair;F-001;2019-03-29;2018-10-01;2018-09-27;010190-1234;JC-2018-0001", ""],
            newline: "\r\n", bom: true);

        var (referrals, rejections) = Referrals(stream);

        Assert.Empty(rejections);
        Assert.Equal(new Referral("JC-2018-0001", Person("010190-1234"), new(2018, 9, 27), new(2018, 10, 1), new(2019, 3, 29), "F-001", "KaffeFair"), Assert.Single(referrals));
    }

    [Fact]
    public void Given_blank_lines_when_read_then_they_are_skipped_and_line_numbers_stay_physical()
    {
        var (referrals, rejections) = Referrals(Header, "", Good1, "   ", "JC-9;;2018-09-27;2018-10-01;;F-009;KaffeFair", Good2);

        Assert.Equal("cpr is empty", Single(rejections, 5).Reason);
        Assert.Equal(2, referrals.Count);
    }

    [Fact]
    public void Given_a_missing_required_column_when_read_then_the_whole_file_is_rejected_naming_it()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Referrals("referral_id;cpr;referred_on;course_start;fokus_ref;business", "JC-1;010190-1234;2018-09-27;2018-10-01;F-001;KaffeFair"));

        Assert.Equal("referrals.csv", ex.File);
        Assert.StartsWith("missing required column 'course_end'", ex.Reason);
    }

    [Fact]
    public void Given_a_file_that_is_read_lazily_when_the_header_is_bad_then_the_error_comes_on_the_first_move_next()
    {
        var rejections = new List<Rejection>();
        var referrals = ReferralFile.Read(File(["nonsense"]), "referrals.csv", ExtractFiles.Pseudonymizer, rejections);

        using var e = referrals.GetEnumerator();
        Assert.Throws<RegisterFileException>(() => e.MoveNext());
    }

    [Fact]
    public void Given_blank_and_bad_lines_when_read_as_rows_then_each_referral_comes_with_its_physical_line_and_its_line_masked()
    {
        var rejections = new List<Rejection>();
        var rows = ReferralFile.ReadRows(File([Header, "", Good1, "JC-9;;2018-09-27;2018-10-01;;F-009;KaffeFair", Good2]), "referrals.csv",
            ExtractFiles.Pseudonymizer, rejections).ToList();

        Assert.Equal([("JC-2018-0001", 3), ("JC-2018-0002", 5)], rows.Select(r => (r.Referral.ReferralId, r.Line)));
        Assert.Equal("JC-2018-0002;XXXXXX-XXXX;2018-09-28;2018-10-01;;F-002;Butik ByRetro", rows[1].MaskedRawLine);
        Assert.Equal(Referrals(Header, "", Good1, Good2).Referrals, rows.Select(r => r.Referral));
        Assert.Equal("cpr is empty", Single(rejections, 4).Reason);
    }
}
