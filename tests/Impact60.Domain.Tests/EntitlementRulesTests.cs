using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Settlement;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>DOMAIN.md "Verification", one example per rule, with the public IMPACT60 tariff (796 / 385).</summary>
public class EntitlementRulesTests
{
    private static readonly IsoWeek P1Last = WindowStart.AddWeeks(12); // 2019-W14
    private static readonly IsoWeek P2Last = WindowStart.AddWeeks(25); // 2019-W27

    private static Entitlement Compute(Contract contract, Referral referral, RegisterWeek[] weeks, DateOnly asOf) =>
        new EntitlementCalculator(contract).Compute(referral, weeks, asOf);

    // ---- Rule 1: window ----

    [Fact]
    public void Rule1_Window_starts_the_week_after_course_end()
    {
        // Given a course that ends on Sunday 2019-01-06 (the last day of 2019-W01)
        var e = Compute(NoSuspension, Referral(courseEnd: new DateOnly(2019, 1, 6)), [], new DateOnly(2019, 1, 7));
        // then the window starts 2019-W02 and holds 156 weeks
        Assert.Equal(new IsoWeek(2019, 2), e.Window!.FirstWeek);
        Assert.Equal(new IsoWeek(2019, 2).AddWeeks(155), e.Window.LastWeek);
        Assert.Equal(12, e.Periods.Count);

        // Given a course that ends on Monday 2019-01-07 (2019-W02), the window starts 2019-W03
        var later = Compute(NoSuspension, Referral(courseEnd: new DateOnly(2019, 1, 7)), [], new DateOnly(2019, 1, 7));
        Assert.Equal(new IsoWeek(2019, 3), later.Window!.FirstWeek);
    }

    [Fact]
    public void Rule1_No_course_end_means_no_window_and_nothing_owed()
    {
        // Given a citizen still in the course who has had 30 self-supporting weeks
        var weeks = Weeks(WindowStart, Repeat('F', 30));
        var e = Compute(NoSuspension, Referral(noCourseEnd: true), weeks, FinalFrom(WindowStart.AddWeeks(40)));
        // then there is no window and nothing is owed
        Assert.Null(e.Window);
        Assert.Empty(e.Periods);
        Assert.Equal(0m, e.Amount);
        Assert.Empty(e.Lines);
        // but rule 9 does not need a window: the citizen has achieved self-sufficiency (13 weeks on or after referral)
        Assert.True(e.AchievedSelfSufficiency);
    }

    [Theory]
    [InlineData('F')]
    [InlineData('N')]
    public void Rule1_Suspension_extends_the_window_does_not_break_a_spell_and_is_not_paid(char suspendedWeeksRow)
    {
        // Given 2019-W04..W06 suspended, and a citizen self-supporting 2 weeks before and 2 weeks after the suspension
        var contract = NoSuspension with { Suspensions = [new Suspension(new IsoWeek(2019, 4), new IsoWeek(2019, 6), "test")] };
        var pattern = "FF" + Repeat(suspendedWeeksRow, 3) + "FF" + Repeat('N', 9); // W02..W17
        var e = Compute(contract, Referral(), Weeks(WindowStart, pattern), FinalFrom(new IsoWeek(2019, 18)));

        // then the window is 3 weeks longer and period 1 spans 2019-W02..W17 (16 weeks) with 13 counted weeks
        Assert.Equal(WindowStart.AddWeeks(155 + 3), e.Window!.LastWeek);
        Assert.Equal(3, e.Window.SuspendedWeeks);
        var p1 = e.Periods[0];
        Assert.Equal((new IsoWeek(2019, 2), new IsoWeek(2019, 17), 13), (p1.FirstWeek, p1.LastWeek, p1.CountedWeeks));
        // and the 2 + 2 weeks form one sustained spell of 4, paid; the suspended weeks are not paid
        Assert.Equal(PeriodStatus.Verified, p1.Status);
        Assert.Equal([new IsoWeek(2019, 2), new IsoWeek(2019, 3), new IsoWeek(2019, 7), new IsoWeek(2019, 8)], p1.PaidWeeks.Select(w => w.Week));
        Assert.Equal(4 * 796m, e.Amount);

        // Control: without the suspension the same rows give two short spells and nothing (or more weeks when the rows are F)
        var control = Compute(NoSuspension, Referral(), Weeks(WindowStart, pattern), FinalFrom(new IsoWeek(2019, 18)));
        Assert.Equal(suspendedWeeksRow == 'N' ? 0m : 7 * 796m, control.Amount);
    }

    // ---- Rule 2: periods ----

    [Fact]
    public void Rule2_Periods_are_consecutive_blocks_and_a_window_may_end_mid_period()
    {
        // Given a 30-week window cut into 13-week periods and a citizen self-supporting for 40 weeks
        var contract = NoSuspension with { PaymentWindowWeeks = 30 };
        var e = Compute(contract, Referral(), Weeks(WindowStart, Repeat('F', 40)), FinalFrom(WindowStart.AddWeeks(45)));
        // then the periods hold 13, 13 and 4 weeks, and only the 30 window weeks are paid
        Assert.Equal([13, 13, 4], e.Periods.Select(p => p.CountedWeeks));
        Assert.Equal((WindowStart.AddWeeks(26), WindowStart.AddWeeks(29)), (e.Periods[2].FirstWeek, e.Periods[2].LastWeek));
        Assert.Equal([13 * 796m, 13 * 796m, 4 * 796m], e.Periods.Select(p => p.Amount));
        Assert.Equal(30 * 796m, e.Amount);
    }

    // ---- Rule 3: final ----

    [Fact]
    public void Rule3_A_week_is_final_on_its_Sunday_plus_maturity_weeks_not_the_day_before()
    {
        // Week 2019-W14 ends Sunday 2019-04-07; 8 weeks later is Sunday 2019-06-02
        var calculator = new EntitlementCalculator(NoSuspension);
        Assert.False(calculator.IsFinal(P1Last, new DateOnly(2019, 6, 1)));
        Assert.True(calculator.IsFinal(P1Last, new DateOnly(2019, 6, 2)));

        // Given 13 self-supporting weeks in period 1 (2019-W02..W14) followed by more
        var weeks = Weeks(WindowStart, Repeat('F', 20));
        var dayBefore = calculator.Compute(Referral(), weeks, new DateOnly(2019, 6, 1));
        var onTheDay = calculator.Compute(Referral(), weeks, new DateOnly(2019, 6, 2));
        // then the period is open the day before and verified and paid on the day
        Assert.Equal((PeriodStatus.Open, 0m), (dayBefore.Periods[0].Status, dayBefore.Amount));
        Assert.Equal((PeriodStatus.Verified, 13 * 796m), (onTheDay.Periods[0].Status, onTheDay.Amount));
    }

    // ---- Rule 4: class ----

    [Fact]
    public void Rule4_Empty_code_is_Full_listed_codes_their_class_unlisted_codes_None()
    {
        var calculator = new EntitlementCalculator(NoSuspension);
        Assert.Equal(WeekClass.Full, calculator.Classify(BenefitCode.NoBenefit));
        Assert.Equal(WeekClass.Full, calculator.Classify(BenefitCode.Parse("651")));
        Assert.Equal(WeekClass.Partial, calculator.Classify(BenefitCode.Parse("421")));
        Assert.Equal(WeekClass.None, calculator.Classify(BenefitCode.Parse("100")));
        Assert.Equal(WeekClass.Full, calculator.Classify(BenefitCode.Parse("0651"))); // leading zeros are not significant: the listed 651

        // Given a period of mixed Full (empty, SU) and Partial (flex job) weeks, then each week is paid at its class's tariff
        var e = calculator.Compute(Referral(), Weeks(WindowStart, "FSPPSFFFPPFSF" + "N"), FinalFrom(P1Last.Next));
        Assert.Equal("FFPPFFFFPPFFF", string.Concat(e.Periods[0].PaidWeeks.Select(w => w.Class == WeekClass.Full ? 'F' : 'P')));
        Assert.Equal(9 * 796m + 4 * 385m, e.Amount);
    }

    // ---- Rule 5: sustained ----

    [Fact]
    public void Rule5_A_spell_shorter_than_minSustainedWeeks_is_not_paid()
    {
        var e = Compute(NoSuspension, Referral(), Weeks(WindowStart, "FFFN" + "FFFFN" + Repeat('N', 4)), FinalFrom(P1Last));
        Assert.Equal(PeriodStatus.Verified, e.Periods[0].Status);
        // the 3-week spell is not paid, the 4-week spell is
        Assert.Equal(Enumerable.Range(4, 4).Select(i => WindowStart.AddWeeks(i)), e.Periods[0].PaidWeeks.Select(w => w.Week));
        Assert.Equal(4 * 796m, e.Amount);
    }

    [Fact]
    public void Rule5_A_spell_that_grows_into_the_next_period_makes_earlier_weeks_sustained()
    {
        // Given a 3-week spell at the end of period 1 and no row yet for the first week of period 2
        var period1 = Repeat('N', 10) + "FFF";
        var asOf = FinalFrom(P2Last);
        var before = Compute(NoSuspension, Referral(), Weeks(WindowStart, period1 + "." + Repeat('N', 12)), asOf);
        Assert.Equal((PeriodStatus.Verified, 0m), (before.Periods[0].Status, before.Periods[0].Amount));
        Assert.Equal(PeriodStatus.Held, before.Periods[1].Status);

        // When the week arrives as self-supporting, the spell is 4 weeks long: period 1 now earns its 3 weeks
        var after = Compute(NoSuspension, Referral(), Weeks(WindowStart, period1 + "F" + Repeat('N', 12)), asOf);
        Assert.Equal(3 * 796m, after.Periods[0].Amount);
        Assert.Equal(796m, after.Periods[1].Amount);
    }

    [Fact]
    public void Rule5_A_spell_that_started_before_the_course_ended_counts()
    {
        // Given self-supporting weeks 2018-W49..2019-W02 (2018 has 52 weeks; W02 is the window's first week), then benefit weeks
        var history = Weeks(new IsoWeek(2018, 49), "FFFFFF" + Repeat('N', 12));
        var e = Compute(NoSuspension, Referral(), history, FinalFrom(P1Last));
        // then the window's first week is in a 6-week spell: sustained and paid
        Assert.Equal([WindowStart], e.Periods[0].PaidWeeks.Select(w => w.Week));
        Assert.Equal(796m, e.Amount);

        // Control: without the weeks before the course end, the one week is no spell of 4
        var withoutHistory = history.Where(w => w.Week >= WindowStart).ToArray();
        Assert.Equal(0m, Compute(NoSuspension, Referral(), withoutHistory, FinalFrom(P1Last)).Amount);
    }

    [Fact]
    public void Rule5_A_week_that_is_not_final_ends_a_spell()
    {
        // Given self-supporting weeks from 2019-W12 on: 3 at the end of period 1 (W12..W14) and 13 more from W15
        var weeks = Weeks(WindowStart, Repeat('N', 10) + Repeat('F', 3 + 13));

        // When the run date makes W14 final but not W15
        var e = Compute(NoSuspension, Referral(), weeks, FinalFrom(P1Last));
        // then the spell is the 3 final weeks only (W15 is reported but not final: it ends the spell), which is short of
        // minSustainedWeeks 4: period 1 is verified and earns nothing
        Assert.Equal((PeriodStatus.Verified, 0m), (e.Periods[0].Status, e.Periods[0].Amount));
        Assert.Empty(e.Periods[0].PaidWeeks);
        Assert.Equal(PeriodStatus.Open, e.Periods[1].Status);

        // When W15 becomes final a week later, the spell is 4 long and period 1 earns its 3 weeks
        var later = Compute(NoSuspension, Referral(), weeks, FinalFrom(P1Last.Next));
        Assert.Equal([new IsoWeek(2019, 12), new IsoWeek(2019, 13), new IsoWeek(2019, 14)], later.Periods[0].PaidWeeks.Select(w => w.Week));
        Assert.Equal(3 * 796m, later.Amount);
    }

    // ---- Rule 6: period status ----

    [Fact]
    public void Rule6_A_held_period_becomes_verified_when_its_missing_week_arrives()
    {
        // Given period 1 final but with no row for 2019-W06
        var withGap = "FFFF." + Repeat('F', 8);
        var asOf = FinalFrom(P1Last);
        var held = Compute(NoSuspension, Referral(), Weeks(WindowStart, withGap), asOf);
        // then the period is held, nothing is owed, and the jobcenter must be told about 2019-W06
        Assert.Equal(PeriodStatus.Held, held.Periods[0].Status);
        Assert.Equal(0m, held.Amount);
        Assert.Equal([new IsoWeek(2019, 6)], held.MissingFinalWeeks);

        // When the week arrives, the period is verified and earns all 13 weeks
        var verified = Compute(NoSuspension, Referral(), Weeks(WindowStart, withGap.Replace('.', 'F')), asOf);
        Assert.Equal(PeriodStatus.Verified, verified.Periods[0].Status);
        Assert.Empty(verified.MissingFinalWeeks);
        Assert.Equal(13 * 796m, verified.Amount);
    }

    [Fact]
    public void Rule6_A_period_is_open_while_any_counted_week_is_not_final_even_with_a_gap()
    {
        var e = Compute(NoSuspension, Referral(), Weeks(WindowStart, "FFFF.F"), FinalFrom(WindowStart.AddWeeks(5)));
        Assert.Equal(PeriodStatus.Open, e.Periods[0].Status);
        Assert.Equal([new IsoWeek(2019, 6)], e.MissingFinalWeeks); // final and missing, reported even while the period is open
    }

    // ---- Rule 7: amount ----

    [Fact]
    public void Rule7_Worked_example_100_Full_and_30_Partial_weeks_are_owed_91150_and_a_revision_is_credited_3980()
    {
        // Given 100 sustained Full weeks then 30 sustained Partial weeks, all in verified periods 1-10
        var pattern = Repeat('F', 100) + Repeat('P', 30) + Repeat('N', 26);
        var asOf = FinalFrom(WindowStart.AddWeeks(129));
        var calculator = new EntitlementCalculator(NoSuspension);
        var first = calculator.Compute(Referral(), Weeks(WindowStart, pattern), asOf);
        Assert.Equal(91_150.00m, first.Amount);
        Assert.Equal((100, 30), (first.FullWeeksPaid, first.PartialWeeksPaid));
        Assert.All(first.Periods.Take(10), p => Assert.Equal(PeriodStatus.Verified, p.Status));

        var invoice = SettlementCalculator.ComputeDue(first.Lines, []);
        Assert.Equal(91_150.00m, invoice.InvoiceTotal);
        var ledger = SettlementCalculator.AfterIssuing([], invoice, "I60F-000001");

        // When a later delivery turns 5 Full weeks into benefit weeks (spells of 10-19 weeks stay sustained)
        var revised = pattern.ToCharArray();
        foreach (var i in new[] { 10, 30, 50, 70, 90 }) revised[i] = 'N';
        var second = calculator.Compute(Referral(), Weeks(WindowStart, new string(revised)), asOf);

        // then the next settlement is a credit note of 3,980.00 against the first invoice, and no invoice
        var due = SettlementCalculator.ComputeDue(second.Lines, ledger);
        Assert.Empty(due.InvoiceLines);
        Assert.Equal(3_980.00m, due.CreditTotal);
        Assert.Equal(5, due.CreditLines.Count);
        Assert.All(due.CreditLines, l => Assert.Equal(("I60F-000001", 1, 796m), (l.CorrectsInvoiceNumber, l.Weeks, l.Amount)));
    }

    [Fact]
    public void Rule7_A_tariff_change_inside_a_period_gives_two_lines()
    {
        // Given a new tariff from Friday 2019-02-01: weeks from Monday 2019-02-04 (2019-W06) are priced 800
        var contract = NoSuspension with
        {
            Tariffs = [new Tariff(new DateOnly(2018, 9, 1), 796m, 385m), new Tariff(new DateOnly(2019, 2, 1), 800m, 400m)],
        };
        var e = Compute(contract, Referral(), Weeks(WindowStart, Repeat('F', 14)), FinalFrom(P1Last));
        // then period 1 has 4 weeks at 796 (W02..W05) and 9 weeks at 800, each line weeks × price
        Assert.Equal(
            [(WeekClass.Full, 796m, 4, 3_184m, 3_184m), (WeekClass.Full, 800m, 9, 7_200m, 7_200m)],
            e.Periods[0].Lines.Select(l => (l.Class, l.UnitPrice, l.Weeks, l.Gross, l.Amount)));
        Assert.Equal(10_384m, e.Amount);
    }

    [Fact]
    public void Rule7_A_payable_week_with_no_tariff_in_force_is_reported_and_its_period_not_paid()
    {
        // Given a contract whose only tariff starts 2019-02-01, and 26 sustained weeks from 2019-W02
        var contract = NoSuspension with { Tariffs = [new Tariff(new DateOnly(2019, 2, 1), 796m, 385m)] };
        var e = Compute(contract, Referral(), Weeks(WindowStart, Repeat('F', 27)), FinalFrom(P2Last));
        // then weeks 2019-W02..W05 are reported by week, period 1 is not paid, period 2 is
        Assert.Equal(Enumerable.Range(2, 4).Select(w => new IsoWeek(2019, w)), e.Problems.Select(p => p.Week));
        Assert.All(e.Problems, p => Assert.Equal((EntitlementProblemKind.NoTariffInForce, 1), (p.Kind, p.PeriodIndex)));
        Assert.Contains("2019-W02", e.Problems[0].Message);
        Assert.Equal(0m, e.Periods[0].Amount);
        Assert.Equal(13 * 796m, e.Periods[1].Amount);
    }

    // ---- Rule 8: caps ----

    [Fact]
    public void Rule8_The_per_participant_cap_applies_in_week_order()
    {
        // Given a cap of 10,000 per participant and 26 sustained Full weeks (20,696 before the cap)
        var contract = NoSuspension with { Caps = new Caps(10_000m, null) };
        var e = Compute(contract, Referral(), Weeks(WindowStart, Repeat('F', 27)), FinalFrom(P2Last));
        // then the 13th week crosses the cap (12 × 796 = 9,552; reduced by 348) and every later week is reduced in full
        var p1 = e.Periods[0];
        Assert.Equal(0m, p1.PaidWeeks[11].CapReduction);
        Assert.Equal(348m, p1.PaidWeeks[12].CapReduction);
        Assert.Equal((13, 10_348m, 348m, 10_000m), (p1.Lines[0].Weeks, p1.Lines[0].Gross, p1.Lines[0].CapReduction, p1.Lines[0].Amount));
        Assert.Equal((10_348m, 10_348m, 0m), (e.Periods[1].Lines[0].Gross, e.Periods[1].Lines[0].CapReduction, e.Periods[1].Amount));
        Assert.Equal(10_000m, e.Amount);
    }

    [Fact]
    public void Rule8_The_programme_cap_applies_by_week_then_referral_id()
    {
        // Given a programme cap of 2,788 and two citizens with the same 13 sustained weeks, listed R002 first
        var contract = NoSuspension with { Caps = new Caps(null, 2_788m) };
        var r1 = Referral("R001");
        var r2 = Referral("R002", person: OtherCitizen);
        var result = new EntitlementCalculator(contract).ComputeProgramme(
            [(r2, Weeks(WindowStart, Repeat('F', 14), OtherCitizen)), (r1, Weeks(WindowStart, Repeat('F', 14)))], FinalFrom(P1Last));

        // then in order W02/R001, W02/R002, W03/R001 (2,388 so far), W03/R002 gets 400 and the rest nothing
        var byId = result.Participants.ToDictionary(p => p.ReferralId);
        Assert.Equal(796m + 796m, byId["R001"].Amount);
        Assert.Equal(796m + 400m, byId["R002"].Amount);
        Assert.Equal(396m, byId["R002"].Periods[0].PaidWeeks[1].CapReduction);
        Assert.Equal(2_788m, result.EntitledAmount);
        Assert.Equal(26 * 796m - 2_788m, result.ProgrammeCapReduction);
        Assert.Equal(byId["R002"].Amount, byId["R002"].Lines.Sum(l => l.Amount));
    }

    // ---- Rule 9: target ----

    [Fact]
    public void Rule9_Target_counts_only_spell_weeks_on_or_after_the_referral_week()
    {
        // Given a referral on Wednesday 2019-03-06 (2019-W10) and a spell starting 2019-W01
        var referred = new DateOnly(2019, 3, 6);
        var asOf = FinalFrom(new IsoWeek(2019, 30));
        var calculator = new EntitlementCalculator(NoSuspension);

        // W01..W21: 12 weeks on or after W10 — not achieved
        var short12 = calculator.Compute(Referral(referredOn: referred), Weeks(new IsoWeek(2019, 1), Repeat('F', 21) + "N"), asOf);
        Assert.False(short12.AchievedSelfSufficiency);
        Assert.Null(short12.AchievedInWeek);

        // W01..W22: 13 weeks on or after W10 — achieved in W22
        var enough = calculator.Compute(Referral(referredOn: referred), Weeks(new IsoWeek(2019, 1), Repeat('F', 22) + "N"), asOf);
        Assert.True(enough.AchievedSelfSufficiency);
        Assert.Equal(new IsoWeek(2019, 22), enough.AchievedInWeek);
    }

    [Fact]
    public void Rule9_Weeks_that_are_not_final_do_not_count_towards_the_target()
    {
        // Given a citizen referred in 2018 and self-supporting for 20 weeks from 2019-W02 (all reported)
        var weeks = Weeks(WindowStart, Repeat('F', 20));
        var calculator = new EntitlementCalculator(NoSuspension);

        // When only the first 12 are final, the spell is 12 weeks: the target of 13 is not reached
        var early = calculator.Compute(Referral(), weeks, FinalFrom(WindowStart.AddWeeks(11)));
        Assert.False(early.AchievedSelfSufficiency);
        Assert.Null(early.AchievedInWeek);

        // When the 13th week becomes final, the target is reached in that week
        var onTime = calculator.Compute(Referral(), weeks, FinalFrom(WindowStart.AddWeeks(12)));
        Assert.True(onTime.AchievedSelfSufficiency);
        Assert.Equal(WindowStart.AddWeeks(12), onTime.AchievedInWeek);
    }

    [Fact]
    public void Rule9_Programme_target_progress_is_achieved_over_the_referral_cap()
    {
        var calculator = new EntitlementCalculator(NoSuspension);
        var asOf = FinalFrom(WindowStart.AddWeeks(20));
        var result = calculator.ComputeProgramme(
        [
            (Referral("R001"), Weeks(WindowStart, Repeat('F', 14))),
            (Referral("R002", person: OtherCitizen), Weeks(WindowStart, Repeat('F', 12), OtherCitizen)),
            (Referral("R003", noCourseEnd: true, person: Pseudonym.Parse(new string('c', 64))), []),
        ], asOf);
        Assert.Equal((3, 1, 1), (result.Referred, result.InCourse, result.Achieved));
        Assert.Equal(60, result.TargetCount);
        Assert.Equal(1m / 120m, result.TargetProgress);
        Assert.False(result.TargetMet);
    }

    // ---- input contract of the calculator ----

    [Fact]
    public void The_same_week_given_twice_is_refused()
    {
        var weeks = Weeks(WindowStart, "FFF").Append(new RegisterWeek(Citizen, WindowStart, BenefitCode.Parse("100"))).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => Compute(NoSuspension, Referral(), weeks, FinalFrom(P1Last)));
        Assert.Contains("2019-W02 is given twice", ex.Message);
    }

    [Fact]
    public void A_week_of_another_person_is_refused()
    {
        var weeks = Weeks(WindowStart, "FFF", OtherCitizen);
        Assert.Throws<ArgumentException>(() => Compute(NoSuspension, Referral(), weeks, FinalFrom(P1Last)));
    }
}
