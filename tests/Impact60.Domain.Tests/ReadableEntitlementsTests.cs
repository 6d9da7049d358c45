using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>The readable engine: the same entitlement as the fast one (EngineEquivalenceTests), and the reasons week by week.</summary>
public class ReadableEntitlementsTests
{
    [Fact]
    public void Given_a_history_when_it_is_explained_then_every_week_says_what_it_earns_or_which_rule_says_it_earns_nothing()
    {
        // Given a course ending in 2019-W01 (window from W02), a per-participant cap of 5,000 and, from 2019-W01:
        // N (benefit, before the window), F F F (a 3-week spell), N, P P P P F F F F F (a 9-week spell), F (not final yet), no row
        var contract = NoSuspension with { Caps = new Caps(5_000m, null) };
        var trace = new ReadableEntitlements(contract).Explain(Referral(), Weeks(new IsoWeek(2019, 1), "NFFFN" + "PPPPFFFFF" + "F"), FinalFrom(new IsoWeek(2019, 14)));

        var weeks = trace.Weeks.Take(16).Select(w => $"{w.Week} {w.Outcome} {w.Amount}").ToList();
        Assert.Equal(
        [
            "2019-W01 OutsideWindow 0", "2019-W02 SpellTooShort 0", "2019-W03 SpellTooShort 0", "2019-W04 SpellTooShort 0", "2019-W05 BenefitWeek 0",
            "2019-W06 Paid 385", "2019-W07 Paid 385", "2019-W08 Paid 385", "2019-W09 Paid 385",
            "2019-W10 Paid 796", "2019-W11 Paid 796", "2019-W12 Paid 796", "2019-W13 Paid 796",
            "2019-W14 PaidInPart 276", // 4 × 385 + 4 × 796 = 4,724; the cap of 5,000 leaves 276 of this week's 796
            "2019-W15 NotFinal 0", "2019-W16 NoRow 0",
        ], weeks);

        // and a week knows its class, its period, its spell and its tariff
        var w14 = trace.Weeks.Single(w => w.Week == new IsoWeek(2019, 14));
        Assert.Equal((WeekClass.Full, 1, "2019-W06..2019-W14 (9 weeks, sustained)", 796m, 520m),
            (w14.Class, w14.Period, w14.Spell!.ToString(), w14.UnitPrice, w14.CapReduction));
        Assert.Equal((PeriodStatus.Verified, PeriodStatus.Open), (trace.Periods[0].Status, trace.Periods[1].Status));

        // and the entitlement is what those weeks add up to
        Assert.Equal(5_000m, trace.Entitlement.Amount);
        Assert.Equal((5, 4), (trace.Entitlement.FullWeeksPaid, trace.Entitlement.PartialWeeksPaid));
    }

    [Fact]
    public void Given_a_period_with_a_week_no_tariff_prices_when_explained_then_that_week_is_the_problem_and_the_others_wait_for_it()
    {
        // Given a contract whose only tariff starts Friday 2019-02-01 (weeks from 2019-W06), and 13 sustained weeks from W02
        var contract = NoSuspension with { Tariffs = [new Tariff(new DateOnly(2019, 2, 1), 796m, 385m)] };
        var trace = new ReadableEntitlements(contract).Explain(Referral(), Weeks(WindowStart, Repeat('F', 14)), FinalFrom(new IsoWeek(2019, 14)));

        Assert.Equal(Enumerable.Repeat(WeekOutcome.NoTariff, 4).Concat(Enumerable.Repeat(WeekOutcome.PeriodNotPriced, 9)),
            trace.Weeks.Take(13).Select(w => w.Outcome));
        Assert.Equal(Enumerable.Range(2, 4).Select(w => new IsoWeek(2019, w)), trace.Entitlement.Problems.Select(p => p.Week));
        Assert.Equal(0m, trace.Entitlement.Amount);
    }

    [Fact]
    public void Rule7_Worked_example_by_the_readable_engine_91150()
    {
        var pattern = Repeat('F', 100) + Repeat('P', 30) + Repeat('N', 26);
        var e = new ReadableEntitlements(NoSuspension).Compute(Referral(), Weeks(WindowStart, pattern), FinalFrom(WindowStart.AddWeeks(129)));
        Assert.Equal(91_150.00m, e.Amount);
        Assert.Equal((100, 30), (e.FullWeeksPaid, e.PartialWeeksPaid));
    }

    [Fact]
    public void Given_a_programme_cap_when_the_programme_is_explained_then_the_week_that_crosses_it_is_paid_in_part_and_later_ones_capped_away()
    {
        // As in EntitlementRulesTests.Rule8_The_programme_cap_applies_by_week_then_referral_id: W02/R001, W02/R002, W03/R001, then W03/R002 crosses 2,788
        var contract = NoSuspension with { Caps = new Caps(null, 2_788m) };
        var other = Referral("R002", person: OtherCitizen);
        var programme = new ReadableEntitlements(contract).ExplainProgramme(
            [(other, Weeks(WindowStart, Repeat('F', 14), OtherCitizen)), (Referral("R001"), Weeks(WindowStart, Repeat('F', 14)))], FinalFrom(new IsoWeek(2019, 14)));

        var r002 = programme.Participants.Single(t => t.Referral.ReferralId == "R002");
        Assert.Equal(["2019-W02 Paid 796", "2019-W03 PaidInPart 400", "2019-W04 CappedAway 0"],
            r002.Weeks.Skip(0).Take(3).Select(w => $"{w.Week} {w.Outcome} {w.Amount}"));
        Assert.Equal(2_788m, programme.Result.EntitledAmount);
    }
}
