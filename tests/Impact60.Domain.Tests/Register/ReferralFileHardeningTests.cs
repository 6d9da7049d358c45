using Impact60.Domain.Register;
using Impact60.Domain.Text;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

/// <summary>
/// A sloppy or hostile referrals delivery: CPRs hidden in identifiers, absurd dates, oversized or odd fields, control
/// characters, repeated FOKUS references. Each bad row is rejected with its line and a reason; the good rows are kept.
/// </summary>
public class ReferralFileHardeningTests
{
    private const string Header = "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business";
    private const string Good1 = "JC-2018-0001;010190-1234;2018-09-27;2018-10-01;2019-03-29;F-001;KaffeFair";
    private const string Good2 = "JC-2018-0002;0202851234;2018-09-28;2018-10-01;;F-002;Butik ByRetro";
    private static readonly DateOnly Delivered = new(2019, 1, 15);

    private static (List<Referral> Referrals, List<Rejection> Rejections) Read(DateOnly? delivered, params string[] lines)
    {
        var rejections = new List<Rejection>();
        var options = new ReferralReadOptions { DeliveryDate = delivered };
        var referrals = ReferralFile.Read(File(lines), "referrals.csv", ExtractFiles.Pseudonymizer, rejections, options).ToList();
        return (referrals, rejections);
    }

    private static void AssertRejectedBetweenGoodRows(string bad, string reason, DateOnly? delivered = null)
    {
        var (referrals, rejections) = Read(delivered ?? Delivered, Header, Good1, bad, Good2);

        var rejection = Single(rejections, 3);
        Assert.Equal(reason, rejection.Reason);
        Assert.Single(rejections);
        Assert.Equal(["JC-2018-0001", "JC-2018-0002"], referrals.Select(r => r.ReferralId));
    }

    [Theory]
    [InlineData("JC 010197 9911;030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", "referral_id")]
    [InlineData("JC-010197/9911;030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", "referral_id")]
    [InlineData("JC-01.01.97-9911;030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", "referral_id")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-010197/9911;KaffeFair", "fokus_ref")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-010197.9911;KaffeFair", "fokus_ref")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;Kaffe 01 01 97 9911", "business")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;Kaffe 010197\u20139911", "business")]
    public void Given_a_cpr_in_another_spelling_in_an_id_field_when_read_then_the_row_is_rejected(string bad, string column)
    {
        AssertRejectedBetweenGoodRows(bad, $"{column} holds a CPR-shaped number; an identifier must not be personal data, so the row is not stored");
    }

    [Theory]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;9999-12-31;F-009;KaffeFair", "course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31")]
    [InlineData("JC-9;030390-1234;0001-01-01;2018-10-01;;F-009;KaffeFair", "referred_on 0001-01-01 is outside the accepted range 1990-01-01 to 2100-12-31")]
    [InlineData("JC-9;030390-1234;1989-12-31;2018-10-01;;F-009;KaffeFair", "referred_on 1989-12-31 is outside the accepted range 1990-01-01 to 2100-12-31")]
    [InlineData("JC-9;030390-1234;2018-09-27;2101-01-01;;F-009;KaffeFair", "course_start 2101-01-01 is outside the accepted range 1990-01-01 to 2100-12-31")]
    public void Given_a_date_outside_the_accepted_range_when_read_without_a_delivery_date_then_the_row_is_rejected(string bad, string reason)
    {
        var (referrals, rejections) = Read(null, Header, Good1, bad, Good2);

        Assert.Equal(reason, Single(rejections, 3).Reason);
        Assert.Equal(2, referrals.Count);
    }

    [Fact]
    public void Given_an_open_ended_course_end_when_read_with_a_delivery_date_then_the_row_is_rejected()
    {
        AssertRejectedBetweenGoodRows("JC-9;030390-1234;2018-09-27;2018-10-01;9999-12-31;F-009;KaffeFair",
            "course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31");
    }

    [Fact]
    public void Given_a_referral_dated_after_the_delivery_when_read_then_it_is_rejected()
    {
        AssertRejectedBetweenGoodRows("JC-9;030390-1234;2019-01-16;2019-01-21;;F-009;KaffeFair",
            "referred_on 2019-01-16 is after the delivery date 2019-01-15: a referral cannot be dated after the file that reports it");
    }

    [Fact]
    public void Given_a_referral_dated_on_the_delivery_day_when_read_then_it_is_taken()
    {
        var (referrals, rejections) = Read(Delivered, Header, "JC-9;030390-1234;2019-01-15;2019-01-21;;F-009;KaffeFair");

        Assert.Empty(rejections);
        Assert.Single(referrals);
    }

    [Fact]
    public void Given_a_course_end_beyond_the_horizon_when_read_then_it_is_rejected_and_one_on_the_horizon_is_taken()
    {
        // 52 weeks after 2019-01-15 is 2020-01-14.
        AssertRejectedBetweenGoodRows("JC-9;030390-1234;2018-09-27;2018-10-01;2020-01-15;F-009;KaffeFair",
            "course_end 2020-01-15 is more than 52 weeks after the delivery date 2019-01-15 (latest accepted 2020-01-14)");

        var (referrals, rejections) = Read(Delivered, Header, "JC-9;030390-1234;2018-09-27;2018-10-01;2020-01-14;F-009;KaffeFair");
        Assert.Empty(rejections);
        Assert.Single(referrals);
    }

    [Fact]
    public void Given_a_shorter_horizon_in_the_options_when_read_then_it_is_applied()
    {
        var rejections = new List<Rejection>();
        var options = new ReferralReadOptions { DeliveryDate = Delivered, MaxCourseEndWeeksAhead = 4 };
        var referrals = ReferralFile.ReadRows(File([Header, "JC-9;030390-1234;2018-09-27;2018-10-01;2019-02-13;F-009;KaffeFair"]),
            "referrals.csv", ExtractFiles.Pseudonymizer, rejections, options).ToList();

        Assert.Empty(referrals);
        Assert.Equal("course_end 2019-02-13 is more than 4 weeks after the delivery date 2019-01-15 (latest accepted 2019-02-12)", Single(rejections, 2).Reason);
        Assert.Equal(52, new ReferralReadOptions().MaxCourseEndWeeksAhead);
    }

    [Theory]
    [InlineData("JC/9", "referral_id 'JC/9' holds '/', which is not allowed: use letters, digits, '-', '_' and '.'")]
    [InlineData("JC\\9", "referral_id 'JC\\9' holds '\\', which is not allowed: use letters, digits, '-', '_' and '.'")]
    [InlineData("JC#9", "referral_id 'JC#9' holds '#', which is not allowed: use letters, digits, '-', '_' and '.'")]
    [InlineData("JC?9", "referral_id 'JC?9' holds '?', which is not allowed: use letters, digits, '-', '_' and '.'")]
    [InlineData("JC 9", "referral_id 'JC 9' holds a space, which is not allowed: use letters, digits, '-', '_' and '.'")]
    [InlineData("<b>JC</b>", "referral_id '<b>JC</b>' holds '<', which is not allowed: use letters, digits, '-', '_' and '.'")]
    public void Given_a_referral_id_with_a_character_outside_its_set_when_read_then_the_row_is_rejected(string id, string reason)
    {
        AssertRejectedBetweenGoodRows($"{id};030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", reason);
    }

    [Fact]
    public void Given_a_fokus_ref_with_a_character_outside_its_set_when_read_then_the_row_is_rejected()
    {
        AssertRejectedBetweenGoodRows("JC-9;030390-1234;2018-09-27;2018-10-01;;F/009;KaffeFair",
            "fokus_ref 'F/009' holds '/', which is not allowed: use letters, digits, '-', '_' and '.'");
    }

    [Fact]
    public void Given_ids_of_64_characters_with_danish_letters_when_read_then_they_are_taken_and_65_are_rejected()
    {
        var id64 = "JC-Æblegården_2018." + new string('9', 64 - 19);
        var (referrals, rejections) = Read(Delivered, Header, $"{id64};030390-1234;2018-09-27;2018-10-01;;{id64};Café Ølbæk & Co. (Aalborg), O'Neill-Søn");
        Assert.Empty(rejections);
        Assert.Equal(id64, Assert.Single(referrals).ReferralId);

        AssertRejectedBetweenGoodRows($"{id64}9;030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", "referral_id is 65 characters long; at most 64 are allowed");
        AssertRejectedBetweenGoodRows($"JC-9;030390-1234;2018-09-27;2018-10-01;;{new string('F', 1024)};KaffeFair", "fokus_ref is 1,024 characters long; at most 64 are allowed");
    }

    [Fact]
    public void Given_a_business_of_a_megabyte_when_read_then_only_that_row_is_rejected()
    {
        var line = "JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;" + new string('K', 1_000_000);
        AssertRejectedBetweenGoodRows(line, "line is 1,000,046 bytes long, more than the 262,144 allowed; the row is rejected");
        Assert.Equal(262_144, ExtractLimits.MaxLineBytes);
        AssertRejectedBetweenGoodRows($"JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;{new string('K', 101)}",
            "business is 101 characters long; at most 100 are allowed");
    }

    [Theory]
    [InlineData("Kaffe<script>", "business 'Kaffe<script>' holds '<', which is not allowed: use letters, digits, spaces and - & . , ' ( )")]
    [InlineData("Kaffe/Fair", "business 'Kaffe/Fair' holds '/', which is not allowed: use letters, digits, spaces and - & . , ' ( )")]
    [InlineData("=HYPERLINK(1)", "business '=HYPERLINK(1)' holds '=', which is not allowed: use letters, digits, spaces and - & . , ' ( )")]
    public void Given_a_business_with_a_character_outside_its_set_when_read_then_the_row_is_rejected(string business, string reason)
    {
        AssertRejectedBetweenGoodRows($"JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;{business}", reason);
    }

    [Theory]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;Kaffe\u001B[31mFair", "business", "001B")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;Kaffe\u202EriaF", "business", "202E")]
    [InlineData("JC-9\u0000;030390-1234;2018-09-27;2018-10-01;;F-009;KaffeFair", "referral_id", "0000")]
    [InlineData("JC-9;030390-1234;2018-09-27\u0007;2018-10-01;;F-009;KaffeFair", "referred_on", "0007")]
    [InlineData("JC-9;030390-1234;2018-09-27;2018-10-01;;F-009\t;KaffeFair", "fokus_ref", "0009")]
    [InlineData("JC-9;030390-1234\u0085;2018-09-27;2018-10-01;;F-009;KaffeFair", "cpr", "0085")]
    public void Given_a_control_or_bidi_character_in_any_field_when_read_then_the_row_is_rejected_naming_the_column(string bad, string column, string hex)
    {
        AssertRejectedBetweenGoodRows(bad, $"{column} holds the control or invisible character U+{hex}, which no field may hold");
    }

    [Fact]
    public void Given_a_control_character_in_a_rejected_row_then_the_raw_line_shows_it_escaped()
    {
        var (_, rejections) = Read(Delivered, Header, "JC-9;030390-1234;2018-09-27;2018-10-01;;F-009;Kaffe\u001B[31mFair");

        Assert.Equal("JC-9;XXXXXX-XXXX;2018-09-27;2018-10-01;;F-009;Kaffe\\u001B[31mFair", Single(rejections, 2).MaskedRawLine);
    }

    [Fact]
    public void Given_the_same_fokus_ref_twice_when_read_then_the_later_row_is_rejected_naming_the_first_line_and_its_referral_id()
    {
        var (referrals, rejections) = Read(Delivered, Header, Good1, Good2, "JC-2018-0003;030390-1234;2018-09-27;2018-10-01;;F-001;KaffeFair");

        Assert.Equal("fokus_ref 'F-001' already appears on line 2 (referral_id 'JC-2018-0001'); the first is kept", Single(rejections, 4).Reason);
        Assert.Equal(["JC-2018-0001", "JC-2018-0002"], referrals.Select(r => r.ReferralId));
    }

    [Fact]
    public void Given_a_huge_bad_date_when_rejected_then_the_reason_quotes_at_most_the_quote_length()
    {
        var huge = new string('9', 50_000);
        var (_, rejections) = Read(Delivered, Header, $"JC-9;030390-1234;{huge};2018-10-01;;F-009;KaffeFair");

        var reason = Single(rejections, 2).Reason;
        Assert.StartsWith($"referred_on '{SafeText.Quote(huge)}' is not a date", reason);
        Assert.True(reason.Length < SafeText.QuoteLength + 100, reason);
    }

    [Fact]
    public void Given_a_referral_from_elsewhere_when_checked_then_the_same_row_rules_apply()
    {
        var good = new Referral("JC-1", Person("010190-1234"), new(2018, 9, 27), new(2018, 10, 1), null, "F-001", "KaffeFair");
        var delivered = new ReferralReadOptions { DeliveryDate = Delivered };

        Assert.Null(ReferralFile.Check(good, delivered));
        Assert.Equal("course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31",
            ReferralFile.Check(good with { CourseEnd = new DateOnly(9999, 12, 31) }));
        Assert.Equal("business holds a CPR-shaped number; an identifier must not be personal data, so the row is not stored",
            ReferralFile.Check(good with { Business = "Kaffe 010197 9911" }, delivered));
        Assert.Equal("referral_id 'JC/1' holds '/', which is not allowed: use letters, digits, '-', '_' and '.'",
            ReferralFile.Check(good with { ReferralId = "JC/1" }, delivered));
        Assert.Equal("referred_on 2019-01-16 is after the delivery date 2019-01-15: a referral cannot be dated after the file that reports it",
            ReferralFile.Check(good with { ReferredOn = new(2019, 1, 16), CourseStart = new(2019, 1, 21) }, delivered));
    }
}
