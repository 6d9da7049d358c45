using System.Text;
using Impact60.Application.RegisterApi;
using Impact60.Domain.Register;
using Impact60.Fuzz.Tests.Harness;

namespace Impact60.Fuzz.Tests;

/// <summary>
/// The reproducers of docs/fuzzing.md's findings F5, F7, F8 and O3, as written there, against the readers and the API page
/// parser called as the fuzz targets call them: each bad row or item is rejected, for the reason the finding is about,
/// and nothing else is taken. They were fixed by the plausible dates (<c>PlausibleDates</c>, in the file readers, in the
/// API's weeks and, through the file reader's row rules <c>ReferralFile.Check</c>, in the API's referrals), and by the
/// page parser's own checks of an API referral's identifiers (empty, CPR-shaped), with <c>ReferralFile.Check</c> behind them.
/// Each test fails with those checks taken out.
/// </summary>
public sealed class FindingTests
{
    private const string ReferralsHeader = "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business";
    private const string Cpr = "010399-9915";

    /// <summary>As the pull reads a page on the harness's run date: its time and the clock skew allowed.</summary>
    private static readonly DateTimeOffset LatestChangedAt = new DateTimeOffset(Invariants.Today, new TimeOnly(1, 0), TimeSpan.Zero) + RegisterPull.ClockSkew;

    private static readonly ReferralReadOptions ReferralRules = new() { DeliveryDate = Invariants.Today };

    /// <summary>F5: referral dates far before or after the programme (the file reader).</summary>
    [Theory]
    [InlineData("JC-1;0103999915;1900-01-01;2018-10-22;;F-1;Kaffe ApS", "referred_on 1900-01-01 is outside the accepted range")]
    [InlineData("JC-1;0103999915;0019-08-04;2018-10-22;;F-1;Kaffe ApS", "referred_on 0019-08-04 is outside the accepted range")]
    [InlineData("JC-1;0103999915;2018-09-28;2018-10-22;2119-12-13;F-1;Kaffe ApS", "course_end 2119-12-13 is outside the accepted range")]
    public void Given_a_referrals_line_with_an_implausible_date_when_read_then_it_is_rejected_for_that_date(string line, string reason)
    {
        var rejections = new List<Rejection>();

        var rows = ReferralFile.ReadRows(Utf8($"{ReferralsHeader}\n{line}\n"), "referrals.csv", Invariants.Pseudonymizer, rejections).ToList();

        Assert.Empty(rows);
        Assert.Contains(reason, Assert.Single(rejections).Reason, StringComparison.Ordinal);
    }

    /// <summary>F5: a long-form week in 1900 (the file reader).</summary>
    [Fact]
    public void Given_a_long_form_line_for_week_1900_W01_when_read_then_it_is_rejected_for_its_week()
    {
        var rejections = new List<Rejection>();

        var weeks = WeeksFile.Read(Utf8("cpr;week;code\n0103999915;1900-W01;\n"), "weeks.csv", Invariants.Pseudonymizer, Invariants.LatestAllowedWeek, rejections).ToList();

        Assert.Empty(weeks);
        Assert.Contains("1900-W01 is outside the accepted range", Assert.Single(rejections).Reason, StringComparison.Ordinal);
    }

    /// <summary>F7 (a CPR-shaped referral id, FOKUS reference or business name) and O3 (an empty FOKUS reference or business) on the API.</summary>
    [Theory]
    [InlineData("0103999915", "F-1", "Kaffe ApS", "'referralId' holds a CPR-shaped number")]
    [InlineData("JC-1", Cpr, "Kaffe ApS", "'fokusRef' holds a CPR-shaped number")]
    [InlineData("JC-1", "F-1", "Kaffe " + Cpr, "'business' holds a CPR-shaped number")]
    [InlineData("JC-1", "", "Kaffe ApS", "'fokusRef' is empty")]
    [InlineData("JC-1", "F-1", "", "'business' is empty")]
    public void Given_an_api_referral_whose_identifiers_are_personal_data_or_empty_when_parsed_then_it_is_rejected(string referralId, string fokusRef, string business, string reason)
    {
        var item = $$"""{"referralId":"{{referralId}}","cpr":"{{Cpr}}","referredOn":"2018-09-28","courseStart":"2018-10-22","courseEnd":null,"fokusRef":"{{fokusRef}}","business":"{{business}}"}""";

        var (referrals, rejection) = ParseReferrals(item);

        Assert.Empty(referrals);
        Assert.Contains(reason, rejection.Reason, StringComparison.Ordinal);
        Invariants.Rejection(rejection);
    }

    /// <summary>F8: API referral dates far before or after the programme.</summary>
    [Theory]
    [InlineData("0001-01-01", "2018-10-22", "null", "referred_on 0001-01-01 is outside the accepted range")]
    [InlineData("2018-09-28", "9999-12-31", "null", "course_start 9999-12-31 is outside the accepted range")]
    [InlineData("2018-09-28", "2018-10-22", "\"2101-01-01\"", "course_end 2101-01-01 is outside the accepted range")]
    public void Given_an_api_referral_with_an_implausible_date_when_parsed_then_it_is_rejected_for_that_date(string referredOn, string courseStart, string courseEnd, string reason)
    {
        var item = $$"""{"referralId":"JC-1","cpr":"{{Cpr}}","referredOn":"{{referredOn}}","courseStart":"{{courseStart}}","courseEnd":{{courseEnd}},"fokusRef":"F-1","business":"Kaffe ApS"}""";

        var (referrals, rejection) = ParseReferrals(item);

        Assert.Empty(referrals);
        Assert.Contains(reason, rejection.Reason, StringComparison.Ordinal);
    }

    /// <summary>F8: an API week in 1900 (changed at a real instant, so that the week is what is wrong with the item).</summary>
    [Fact]
    public void Given_an_api_week_1900_W01_when_parsed_then_it_is_rejected_for_its_week()
    {
        var json = Encoding.UTF8.GetBytes($$"""{"items":[{"cpr":"{{Cpr}}","week":"1900-W01","code":"","changedAt":"2022-03-30T02:00:00Z"}]}""");
        var rejections = new List<Rejection>();

        var page = RegisterApiPages.ParseWeeks(json, "api:weeks page 1", Invariants.Pseudonymizer, Invariants.LatestAllowedWeek, LatestChangedAt, rejections);

        Assert.Empty(page.Weeks);
        Assert.Null(page.MaxChangedAt);
        Assert.Contains("1900-W01 is outside the accepted range", Assert.Single(rejections).Reason, StringComparison.Ordinal);
    }

    private static (IReadOnlyList<Domain.Register.Referral> Referrals, Rejection Rejection) ParseReferrals(string item)
    {
        var rejections = new List<Rejection>();
        var page = RegisterApiPages.ParseReferrals(Encoding.UTF8.GetBytes($$"""{"items":[{{item}}]}"""), "api:referrals", Invariants.Pseudonymizer, ReferralRules, rejections);
        return (page.Referrals, Assert.Single(rejections));
    }

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text), writable: false);
}
