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
