using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>The default values of the domain's value types are not values: using one fails loudly instead of printing "0001-W01" or "".</summary>
public class PrimitivesTests
{
    [Fact]
    public void Given_default_IsoWeek_when_read_as_a_week_then_it_throws_and_equality_still_tells_it_apart()
    {
        IsoWeek unset = default;

        Assert.True(unset.IsDefault);
        Assert.False(new IsoWeek(1900, 1).IsDefault);
        Assert.Throws<InvalidOperationException>(() => unset.ToString());
        Assert.Throws<InvalidOperationException>(() => unset.Monday);
        Assert.Throws<InvalidOperationException>(() => unset.Sunday);
        Assert.Throws<InvalidOperationException>(() => unset.Year);
        Assert.Throws<InvalidOperationException>(() => unset.Week);
        Assert.True(unset == default && unset != new IsoWeek(2019, 2));

        // and a failed parse leaves exactly that unusable value behind
        Assert.False(IsoWeek.TryParse("2019-W99", out var failed, out _));
        Assert.True(failed.IsDefault);
    }

    [Fact]
    public void Given_default_Pseudonym_when_used_as_a_person_then_it_throws_and_equality_still_tells_it_apart()
    {
        Pseudonym nobody = default;

        Assert.True(nobody.IsDefault);
        Assert.False(Citizen.IsDefault);
        Assert.Throws<InvalidOperationException>(() => nobody.Value);
        Assert.Throws<InvalidOperationException>(() => nobody.Short);
        Assert.Throws<InvalidOperationException>(() => nobody.ToString());
        Assert.True(nobody == default && nobody != Citizen);
        Assert.Equal(new string('a', 12), Citizen.Short);
    }

    [Fact]
    public void Given_a_register_week_with_default_IsoWeek_when_computed_then_the_calculator_refuses_it()
    {
        var weeks = Weeks(WindowStart, "FFF").Append(new RegisterWeek(Citizen, default, BenefitCode.NoBenefit)).ToArray();

        var ex = Assert.Throws<ArgumentException>(() => new EntitlementCalculator(NoSuspension).Compute(Referral(), weeks, FinalFrom(WindowStart)));
        Assert.Contains("default(IsoWeek)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_referral_or_register_week_with_default_Pseudonym_when_computed_then_the_calculator_refuses_it()
    {
        var calculator = new EntitlementCalculator(NoSuspension);
        var weeks = Weeks(WindowStart, "FFF");

        Assert.Throws<InvalidOperationException>(() => calculator.Compute(Referral(person: default(Pseudonym)), [], FinalFrom(WindowStart)));
        var nobodysWeek = new RegisterWeek(default, WindowStart.AddWeeks(5), BenefitCode.NoBenefit);
        Assert.Throws<InvalidOperationException>(() => calculator.Compute(Referral(), [.. weeks, nobodysWeek], FinalFrom(WindowStart)));
    }
}

/// <summary>
/// CPR detection is exact: every spelling a person would type is found (and masked), and nothing else is — an amount,
/// a date, an EAN, an invoice number or a hex delivery id in a report stays readable.
/// </summary>
public class CprDetectionTests
{
    [Theory]
    [InlineData("010197-9911")]
    [InlineData("0101979911")]
    [InlineData("010197 9911")]
    [InlineData("010197/9911")]
    [InlineData("010197.9911")]
    [InlineData("010197\u20139911")] // en dash
    [InlineData("010197\u20149911")] // em dash
    [InlineData("010197 - 9911")]
    [InlineData("010197\u00A09911")] // no-break space
    [InlineData("01.01.97-9911")]
    [InlineData("01 01 97 9911")]
    [InlineData("01-01-97-9911")]
    [InlineData("01/01/97-9911")]
    [InlineData("01. 01. 97-9911")]
    [InlineData("02/0285-1234")] // separators need not match
    [InlineData("010197\t9911")] // nor be visible
    [InlineData("0101\u200B97-9911")]
    [InlineData("290200-1234")] // 29 February 2000
    [InlineData("311299-1234")]
    public void Given_a_cpr_in_any_spelling_when_masked_then_it_is_masked_wherever_it_stands(string cpr)
    {
        Assert.True(Cpr.ContainsCprLike(cpr));
        Assert.Equal(Cpr.Masked, Cpr.MaskAll(cpr));
        Assert.Equal($"JC {Cpr.Masked} note", Cpr.MaskAll($"JC {cpr} note"));
        Assert.Equal($"F-{Cpr.Masked}", Cpr.MaskAll($"F-{cpr}"));
        Assert.Equal($"x;{Cpr.Masked};y", Cpr.MaskAll($"x;{cpr};y"));
    }

    [Theory]
    [InlineData("JC 010197 9911", "JC XXXXXX-XXXX")]
    [InlineData("F-010197/9911", "F-XXXXXX-XXXX")]
    [InlineData("JC0101979911", "JCXXXXXX-XXXX")]
    [InlineData("a 010197-9911 and 020285 1234.", "a XXXXXX-XXXX and XXXXXX-XXXX.")]
    public void Given_cprs_inside_identifiers_and_text_when_masked_then_only_the_cpr_is_replaced(string text, string masked)
    {
        Assert.Equal(masked, Cpr.MaskAll(text));
    }

    [Theory]
    [InlineData("c4310c0679903385")] // a 16-hex delivery id
    [InlineData("delivery c4310c0679903385 from 2022-03-01")]
    [InlineData("91.150,00")]
    [InlineData("1.234.567,89 DKK")]
    [InlineData("2019-01-01")]
    [InlineData("2019-01-01 1234")]
    [InlineData("2018-09-27;2018-10-01;2019-03-29")]
    [InlineData("2019-W05")]
    [InlineData("5798000123458")] // EAN-13
    [InlineData("DK12345678")] // CVR
    [InlineData("12345678")]
    [InlineData("I60F-000001")]
    [InlineData("I60K-000123")]
    [InlineData("+45 20 30 40 50")]
    [InlineData("+4520304050")]
    [InlineData("004598765432")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")] // GUIDs
    [InlineData("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d")]
    [InlineData("01019799112")] // 11 digits: part of a longer run
    [InlineData("10101979911")]
    [InlineData("3102979911")] // 31 February is no date
    [InlineData("0013979911")] // month 13
    [InlineData("2902979911")] // 29 February 1997/2097: no leap year
    [InlineData("1234567890")]
    public void Given_text_that_holds_no_cpr_when_masked_then_it_is_untouched(string text)
    {
        Assert.False(Cpr.ContainsCprLike(text));
        Assert.Equal(text, Cpr.MaskAll(text));
    }
}

/// <summary>Benefit codes are numbers: leading zeros are not significant.</summary>
public class BenefitCodeTests
{
    [Theory]
    [InlineData("0651", "651")]
    [InlineData("651", "651")]
    [InlineData("000", "0")]
    [InlineData("0", "0")]
    [InlineData(" 0042 ", "42")]
    public void Given_a_code_with_leading_zeros_when_parsed_then_it_is_the_number_without_them(string text, string value)
    {
        var code = BenefitCode.Parse(text);

        Assert.Equal(value, code.Value);
        Assert.Equal(BenefitCode.Parse(value), code);
        Assert.False(code.IsNoBenefit);
    }

    [Fact]
    public void Given_an_overlong_bad_code_when_parsed_then_the_error_quotes_a_cut_value()
    {
        Assert.False(BenefitCode.TryParse(new string('x', 10_000), out _, out var error));

        Assert.True(error!.Length < 200, error);
    }
}
