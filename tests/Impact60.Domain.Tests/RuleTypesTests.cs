using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Impact60.Domain.Rules;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>The rule types of Impact60.Domain/Rules, one or two hand-checkable examples each (docs/contract-rules.md).</summary>
public class RuleTypesTests
{
    private static IsoWeek W(string week) => IsoWeek.Parse(week);

    private static readonly Suspensions Covid = new([new Suspension(W("2020-W12"), W("2020-W19"), "COVID-19")]);

    [Fact]
    public void Suspensions_contain_their_weeks_from_first_to_last()
    {
        Assert.False(Covid.Contains(W("2020-W11")));
        Assert.True(Covid.Contains(W("2020-W12")));
        Assert.True(Covid.Contains(W("2020-W19")));
        Assert.False(Covid.Contains(W("2020-W20")));
        Assert.False(Suspensions.None.Contains(W("2020-W15")));
    }

    [Fact]
    public void Rule1_The_window_starts_the_week_after_the_course_end_and_is_longer_by_the_suspended_weeks_it_meets()
    {
        // Given a course that ends on Friday 2020-02-28 (2020-W09) and a 10-week window
        var window = PaymentWindow.After(new DateOnly(2020, 2, 28), 10, Covid);
        // then it runs from 2020-W10 and meets the 8 suspended weeks W12..W19: 2 + 8 + 8 weeks, to 2020-W27
        Assert.Equal((W("2020-W10"), W("2020-W27"), 10, 8), (window.FirstWeek, window.LastWeek, window.CountedWeeks, window.SuspendedWeeks));
        Assert.Null(PaymentWindow.After(null, 10, Covid)); // no course end, no window
    }

    [Fact]
    public void Rule2_Periods_are_blocks_of_counted_weeks_the_last_may_be_shorter_and_suspended_weeks_belong_to_none()
    {
        var window = PaymentWindow.After(new DateOnly(2020, 2, 28), 10, Covid);
        var periods = VerificationPeriods.Cut(window, 4, Covid);
        Assert.Equal(["P1 2020-W10..2020-W21 (4 counted weeks)", "P2 2020-W22..2020-W25 (4 counted weeks)", "P3 2020-W26..2020-W27 (2 counted weeks)"],
            periods.Select(p => p.ToString()));
        Assert.Equal([W("2020-W10"), W("2020-W11"), W("2020-W20"), W("2020-W21")], periods[0].CountedWeeks);
    }

    [Theory]
    [InlineData(8, "2019-06-01", false)] // 2019-W14 ends Sunday 2019-04-07; + 8 weeks is Sunday 2019-06-02
    [InlineData(8, "2019-06-02", true)]
    [InlineData(0, "2019-04-06", false)] // maturity 0: final on its own Sunday
    [InlineData(0, "2019-04-07", true)]
    public void Rule3_A_week_is_final_on_its_Sunday_plus_maturity_weeks(int maturity, string asOf, bool final)
    {
        var finality = new Finality(maturity);
        var day = DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(final, finality.IsFinal(W("2019-W14"), day));
        // and the last final week is the latest week that is final on that day
        Assert.Equal(final ? W("2019-W14") : W("2019-W13"), finality.LastFinalWeek(day));
        Assert.Equal(new DateOnly(2019, 4, 7).AddDays(7 * maturity), finality.FinalOn(W("2019-W14")));
    }

    [Fact]
    public void Rule3_A_week_whose_final_day_lies_beyond_the_calendar_is_never_final()
    {
        Assert.Null(new Finality(8).FinalOn(IsoWeek.Containing(new DateOnly(9999, 12, 27))));
    }

    [Fact]
    public void Rule4_Empty_code_listed_code_other_code_and_no_row()
    {
        var classification = Sample.Classification;
        Assert.Equal(WeekClass.Full, classification.ClassOf(BenefitCode.NoBenefit));
        Assert.Equal(WeekClass.Full, classification.ClassOf(BenefitCode.Parse("0651")));
        Assert.Equal(WeekClass.Partial, classification.ClassOf(BenefitCode.Parse("421")));
        Assert.Equal(WeekClass.None, classification.ClassOf(BenefitCode.Parse("100")));
        Assert.Null(classification.ClassOf(null)); // no row: unknown
    }

    [Fact]
    public void Rule5_A_spell_is_a_run_of_final_Full_or_Partial_weeks_suspensions_neither_count_nor_break_it()
    {
        // Given F F [W12..W19 suspended] F F, then a benefit week, then F F F F of which the last is not final
        var classes = new Dictionary<IsoWeek, WeekClass>
        {
            [W("2020-W10")] = WeekClass.Full, [W("2020-W11")] = WeekClass.Partial,
            [W("2020-W15")] = WeekClass.None, // suspended: does not break the spell
            [W("2020-W20")] = WeekClass.Full, [W("2020-W21")] = WeekClass.Full,
            [W("2020-W22")] = WeekClass.None,
            [W("2020-W23")] = WeekClass.Full, [W("2020-W24")] = WeekClass.Full, [W("2020-W25")] = WeekClass.Full, [W("2020-W26")] = WeekClass.Full,
        };
        var finality = new Finality(0);
        var asOf = W("2020-W25").Sunday;
        var spells = new Spells(4, finality, Covid).Find(classes, asOf);

        Assert.Equal(["2020-W10..2020-W21 (4 weeks, sustained)", "2020-W23..2020-W25 (3 weeks)"], spells.Select(s => s.ToString()));
        Assert.True(spells[0].Holds(W("2020-W20")));
        Assert.False(spells[0].Holds(W("2020-W15"))); // a suspended week is in no spell
    }

    [Fact]
    public void Rule6_Open_while_a_week_is_not_final_then_held_while_a_week_has_no_row_else_verified()
    {
        Assert.Equal(Entitlements.PeriodStatus.Open, PeriodStatusRule.Of(anyCountedWeekNotFinal: true, anyCountedWeekWithoutRow: true));
        Assert.Equal(Entitlements.PeriodStatus.Held, PeriodStatusRule.Of(anyCountedWeekNotFinal: false, anyCountedWeekWithoutRow: true));
        Assert.Equal(Entitlements.PeriodStatus.Verified, PeriodStatusRule.Of(anyCountedWeekNotFinal: false, anyCountedWeekWithoutRow: false));
    }

    [Fact]
    public void Rule7_The_tariff_in_force_on_the_weeks_Monday_prices_it_and_before_the_first_none_does()
    {
        // Given tariffs from Saturday 2018-09-01 and from Friday 2019-02-01
        var pricing = new Pricing([new Tariff(new DateOnly(2019, 2, 1), 800m, 400m), new Tariff(new DateOnly(2018, 9, 1), 796m, 385m)]);

        Assert.Null(pricing.For(W("2018-W35")));                  // Monday 2018-08-27: before any tariff
        Assert.Equal(796m, pricing.For(W("2018-W36"))!.Full);      // Monday 2018-09-03
        Assert.Equal(796m, pricing.For(W("2019-W05"))!.Full);      // Monday 2019-01-28: the new one is not in force yet
        Assert.Equal(400m, Pricing.PriceOf(pricing.For(W("2019-W06"))!, WeekClass.Partial)); // Monday 2019-02-04
        Assert.Equal(W("2019-W06"), Pricing.FirstWeekPricedBy(pricing.Tariffs[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pricing.PriceOf(pricing.Tariffs[0], WeekClass.None));
    }

    [Fact]
    public void Rule8_A_cap_pays_weeks_in_full_until_it_is_reached_the_week_that_crosses_it_in_part_and_none_after()
    {
        var cap = new CapCounter(2_000m);
        Assert.Equal([0m, 0m, 388m, 796m], new[] { 796m, 796m, 796m, 796m }.Select(cap.Take));
        Assert.Equal(0m, new CapCounter(null).Take(796m)); // no cap
        Assert.True(AmountCaps.ProgrammeOrder(W("2020-W10"), "R2", W("2020-W10"), "R10") > 0); // same week: by referral id, ordinal
        Assert.True(AmountCaps.ProgrammeOrder(W("2020-W10"), "R2", W("2020-W11"), "R1") < 0); // by week first
    }

    [Fact]
    public void Rule9_The_target_is_a_share_of_the_referral_cap_and_a_citizen_achieves_it_with_a_spell_long_enough_after_referral()
    {
        Assert.Equal(60, ProgrammeTarget.Count(0.5m, 120));
        Assert.Equal(61, ProgrammeTarget.Count(0.5m, 121)); // rounded up to whole citizens
        Assert.Equal(60, ProgrammeTarget.Count(Sample));
        Assert.Equal(0.25m, ProgrammeTarget.Progress(30, 120)); // of the cap, not of those referred so far
        Assert.False(ProgrammeTarget.Met(59, 60));

        // A spell of 6 weeks W10..W15 and one of 5 weeks W20..W24; referred in W12; 4 weeks needed on or after it
        var spells = new[]
        {
            new Spell([.. Enumerable.Range(10, 6).Select(w => new IsoWeek(2020, w))], true),
            new Spell([.. Enumerable.Range(20, 5).Select(w => new IsoWeek(2020, w))], true),
        };
        Assert.Equal(W("2020-W15"), ProgrammeTarget.AchievedIn(spells, W("2020-W12"), 4));
        Assert.Equal(W("2020-W24"), ProgrammeTarget.AchievedIn(spells, W("2020-W12"), 5)); // the first spell has only 4 since W12
        Assert.Null(ProgrammeTarget.AchievedIn(spells, W("2020-W12"), 6));
    }

    [Fact]
    public void Guarantee_exposure_is_the_shortfall_against_the_plan_to_date_at_most_the_guarantee_and_none_without_a_plan()
    {
        // Given a plan of 100,000 by 2020-06 and 250,000 by 2020-12
        RevenuePlanEntry[] plan = [new(2020, 6, 100_000m), new(2020, 12, 250_000m)];

        // the plan to date is the latest month on or before the settlement's month, 0 before the first, none without a plan
        Assert.Equal(0m, GuaranteeExposure.PlanToDate(plan, new DateOnly(2020, 5, 1)));
        Assert.Equal(100_000m, GuaranteeExposure.PlanToDate(plan, new DateOnly(2020, 6, 30)));
        Assert.Equal(100_000m, GuaranteeExposure.PlanToDate(plan, new DateOnly(2020, 11, 1)));
        Assert.Equal(250_000m, GuaranteeExposure.PlanToDate(plan, new DateOnly(2021, 3, 1)));
        Assert.Null(GuaranteeExposure.PlanToDate([], new DateOnly(2021, 3, 1)));

        // and the exposure is plan − revenue, never below 0, at most the guarantee
        Assert.Equal(40_000m, GuaranteeExposure.Exposure(100_000m, 60_000m, 4_000_000m));
        Assert.Equal(0m, GuaranteeExposure.Exposure(100_000m, 120_000m, 4_000_000m));
        Assert.Equal(30_000m, GuaranteeExposure.Exposure(100_000m, 60_000m, 30_000m));
        Assert.Null(GuaranteeExposure.Exposure(null, 60_000m, 4_000_000m));
    }

    [Fact]
    public void Programme_counts_count_every_referral_and_of_the_computed_those_in_course_and_achieved()
    {
        var counts = ProgrammeCounts.Of([(true, false), (false, true), (false, false)], notComputed: 2);
        Assert.Equal(new ProgrammeCounts(5, 1, 1), counts);
    }
}
