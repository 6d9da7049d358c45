using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using static Impact60.Domain.Tests.ContractLoaderTests;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>
/// <c>maturityWeeks: 0</c> is a legitimate contract: a week is final on its own Sunday (rule 3 with no waiting time).
/// </summary>
public class ContractMaturityZeroTests
{
    [Fact]
    public void The_loader_accepts_maturity_0()
    {
        var c = ContractLoader.Load(Mutate("maturityWeeks", "0"), "maturity-0.json");
        Assert.Equal(0, c.MaturityWeeks);
    }

    [Fact]
    public void Under_maturity_0_a_week_is_final_on_its_own_Sunday_and_not_on_its_Saturday()
    {
        // Given the sample contract with maturity 0
        var contract = ContractLoader.Load(Mutate("maturityWeeks", "0", Mutate("suspensions", "[]")), "maturity-0.json");
        var calculator = new EntitlementCalculator(contract);

        // then 2019-W14 (Monday 2019-04-01 .. Sunday 2019-04-07) is not final on its Saturday and final on its Sunday
        var week = new IsoWeek(2019, 14);
        Assert.False(calculator.IsFinal(week, new DateOnly(2019, 4, 6)));
        Assert.True(calculator.IsFinal(week, new DateOnly(2019, 4, 7)));

        // and period 1 (2019-W02..W14), self-supporting throughout, is open on that Saturday and verified and paid on that Sunday
        var weeks = Weeks(WindowStart, Repeat('F', 13));
        var saturday = calculator.Compute(Referral(), weeks, new DateOnly(2019, 4, 6));
        var sunday = calculator.Compute(Referral(), weeks, new DateOnly(2019, 4, 7));
        Assert.Equal((PeriodStatus.Open, 0m), (saturday.Periods[0].Status, saturday.Amount));
        Assert.Equal((PeriodStatus.Verified, 13 * 796m), (sunday.Periods[0].Status, sunday.Amount));
    }

    [Fact]
    public void A_negative_maturity_is_still_refused_by_the_loader_and_the_calculator()
    {
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(Mutate("maturityWeeks", "-1"), "broken.json"));
        Assert.Equal("$.maturityWeeks: must be 0 or more weeks (found -1)", Assert.Single(ex.Errors).ToString());
        Assert.Throws<ArgumentException>(() => new EntitlementCalculator(NoSuspension with { MaturityWeeks = -1 }));
    }
}
