using System.Text;
using Impact60.Application.RegisterApi;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Tests.Privacy;

/// <summary>
/// A rejected item of the register API goes to the quarantine report with its JSON, CPRs masked. JSON may spell a
/// character as an escape — a .NET register writes an en dash as <c>\u2013</c> and a no-break space as <c>\u00A0</c> by
/// default — so masking the raw text misses a CPR typed with one (found by <see cref="PrivacyPropertyTests"/>): the item
/// is masked by its decoded values, and its <c>cpr</c> field whole, as the file readers mask the cpr column.
/// </summary>
public sealed class RegisterApiRawItemTests
{
    private static readonly Pseudonymizer Key = Pseudonymizer.FromBase64(StorageTestHost.TestKey, "test");
    private static readonly IsoWeek Latest = IsoWeek.Parse("2019-W31");
    private static readonly DateTimeOffset PullTime = new(2019, 8, 1, 1, 0, 0, TimeSpan.Zero);

    private static byte[] Json(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>What a person reading the report sees: JSON escapes decoded.</summary>
    private static void AssertNoCpr(string rawLine, params string[] cprDigits)
    {
        var read = OutputScan.Decode(rawLine);
        Assert.False(Cpr.ContainsCprLike(read), $"a CPR-like number is in: {read}");
        Assert.All(cprDigits, d => Assert.DoesNotContain(d, read.Replace(" ", "").Replace("\u00A0", "").Replace("\u2013", "").Replace("-", ""), StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_week_item_spelling_a_cpr_with_json_escapes_in_its_code_and_changedAt_when_rejected_then_the_raw_line_holds_no_cpr_even_decoded()
    {
        var rejections = new List<Rejection>();
        RegisterApiPages.ParseWeeks(Json("""
            { "items": [
              { "cpr": "010190-1234", "week": "2019-W25", "code": "JC230662\u00A05266", "changedAt": "2019-07-30T02:00:00Z" },
              { "cpr": "010190-1234", "week": "2019-W26", "code": "", "changedAt": "y070590\u20136288/" }
            ], "nextPageToken": null }
            """), "api:weeks page 1", Key, Latest, PullTime, rejections);

        Assert.Equal(2, rejections.Count);
        Assert.All(rejections, r => AssertNoCpr(r.MaskedRawLine, "2306625266", "0705906288", "0101901234"));
        // Still the item, readable: its other fields as they were.
        Assert.Contains("\"week\":\"2019-W25\"", rejections[0].MaskedRawLine, StringComparison.Ordinal);
        Assert.Contains("\"cpr\":\"XXXXXX-XXXX\"", rejections[0].MaskedRawLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_referral_item_with_escaped_cprs_in_its_dates_and_digits_written_as_escapes_when_rejected_then_the_raw_line_holds_no_cpr_even_decoded()
    {
        var rejections = new List<Rejection>();
        RegisterApiPages.ParseReferrals(Json("""
            { "items": [
              { "referralId": "JC-A-1", "cpr": "010190-1234", "referredOn": "2019-06-03", "courseStart": "_040866\u00A07672)", "courseEnd": null, "fokusRef": "F-A-1", "business": "Api ApS" },
              { "referralId": "JC-A-2", "cpr": "010190-1235", "referredOn": "2019-06-03", "courseStart": "2019-06-10", "courseEnd": "\u0031\u00311114 7107.", "fokusRef": "F-A-2", "business": "Api ApS" }
            ] }
            """), "api:referrals", Key, null, rejections);

        Assert.Equal(2, rejections.Count);
        Assert.All(rejections, r => AssertNoCpr(r.MaskedRawLine, "0408667672", "1111147107"));
    }

    [Fact]
    public void Given_an_item_whose_cpr_is_a_malformed_cpr_when_rejected_then_the_cpr_field_is_masked_whole_as_in_a_file()
    {
        // Eleven digits: no CPR pattern matches it, yet it is a mistyped CPR, personal data.
        var rejections = new List<Rejection>();
        RegisterApiPages.ParseWeeks(Json("""
            { "items": [ { "cpr": "01019012345", "week": "2019-W25", "code": "", "changedAt": "2019-07-30T02:00:00Z" } ] }
            """), "api:weeks page 1", Key, Latest, PullTime, rejections);

        var rejection = Assert.Single(rejections);
        Assert.DoesNotContain("01019012345", rejection.MaskedRawLine, StringComparison.Ordinal);
        Assert.Contains("\"cpr\":\"XXXXXX-XXXX\"", rejection.MaskedRawLine, StringComparison.Ordinal);
    }
}
