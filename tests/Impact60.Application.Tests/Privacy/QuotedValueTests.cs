using System.Text;
using CsCheck;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Text;

namespace Impact60.Application.Tests.Privacy;

/// <summary>
/// A reason quotes the value it refused, cut at <see cref="SafeText.QuoteLength"/> characters, and every reason is
/// CPR-masked afterwards. A CPR the cut went through was no longer a CPR to the mask, so its first digits — the birth
/// date and part of the serial — were left in the quarantine report and on the console (found by
/// <see cref="PrivacyPropertyTests"/>: <c>'…otiykjtiu300999-312… (1 more characters)' is not an ISO week</c>). A quoted
/// value is masked before it is cut.
/// </summary>
public sealed class QuotedValueTests
{
    [Fact]
    public void Given_a_value_with_a_cpr_at_any_place_and_in_any_spelling_when_quoted_then_no_part_of_the_cpr_is_left()
    {
        Gen.Select(PrivacyGen.Cpr, Gen.Enum<Spelling>(), Gen.Int[0, 100]).Sample((cpr, spelling, before) =>
        {
            var quoted = SafeText.Quote(new string('x', before) + " " + cpr.Spell(spelling) + " end");

            Assert.DoesNotContain(cpr.Date[..4], quoted.Replace(".", "").Replace(" ", "").Replace("-", ""), StringComparison.Ordinal);
            Assert.False(Cpr.ContainsCprLike(quoted), quoted);
            Assert.True(quoted.Length <= SafeText.QuoteLength + 40, quoted);
        }, iter: 2000, seed: "QuotedValue1");
    }

    [Fact]
    public void Given_a_weeks_file_whose_week_holds_a_long_text_ending_in_a_cpr_when_read_then_the_rejection_keeps_no_part_of_it()
    {
        var week = "rtxfyihuwxywgatnkbqwwrkgkrpgodiiksoyawluvvonelqdyavtxyekpzcc otiykjtiu300999-3121";
        var rejections = new List<Rejection>();
        using var file = new MemoryStream(Encoding.UTF8.GetBytes($"cpr;week;code\n030266-1671;{week};\n"));

        Assert.Empty(WeeksFile.Read(file, "weeks.csv", Pseudonymizer.FromBase64(StorageTestHost.TestKey, "test"), IsoWeek.Parse("2019-W31"), rejections).ToList());

        var rejection = Assert.Single(rejections);
        Assert.DoesNotContain("300999", rejection.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("300999", rejection.MaskedRawLine, StringComparison.Ordinal);
        Assert.Contains("is not an ISO week", rejection.Reason, StringComparison.Ordinal);
    }
}
