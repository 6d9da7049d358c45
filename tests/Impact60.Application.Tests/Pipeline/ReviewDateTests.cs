using Impact60.Application.Tests.Settlement;
using Impact60.Application.Verification;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Rules;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Tests.Pipeline;

/// <summary><see cref="VerificationService.ReviewOn"/> never throws, however far in the future a window lies.</summary>
public sealed class ReviewDateTests
{
    private static readonly EntitlementCalculator Calculator =
        new(ContractLoader.Load(File.ReadAllText(PipelineTestHost.ContractPath), "impact60.contract.json"));

    private static readonly Pseudonym Person = Pseudonym.Parse(new string('a', 64));

    [Fact]
    public void Given_an_open_period_whose_last_week_becomes_final_after_the_calendar_ends_when_the_review_date_is_taken_then_there_is_none_instead_of_an_overflow()
    {
        // Given an entitlement whose window is the last three weeks the calendar has (as after a course end near 9999-12-31)
        var referral = new Referral("JC-T-0001", Person, new DateOnly(2018, 9, 24), new DateOnly(2018, 10, 1), new DateOnly(2019, 1, 4), "F-001", "KaffeFair");
        var asOf = new DateOnly(2019, 9, 1);
        var e = Calculator.Compute(referral, [], asOf);
        var lastWeek = IsoWeek.Containing(new DateOnly(9999, 12, 27)); // Monday; its Sunday + 8 weeks is past 9999-12-31
        var first = lastWeek.AddWeeks(-2);
        var far = e with
        {
            Window = new PaymentWindow(first, lastWeek, 3, 0),
            Periods = [e.Periods[0] with { FirstWeek = first, LastWeek = lastWeek, CountedWeeks = 3, Status = PeriodStatus.Open }],
        };

        // when its review date is taken, then there is none: that week never becomes final
        Assert.Null(VerificationService.ReviewOn(far, [], Calculator));
    }

    [Fact]
    public void Given_an_open_period_in_an_ordinary_window_when_the_review_date_is_taken_then_it_is_the_day_its_last_week_becomes_final()
    {
        var referral = new Referral("JC-T-0001", Person, new DateOnly(2018, 9, 24), new DateOnly(2018, 10, 1), new DateOnly(2019, 1, 4), "F-001", "KaffeFair");
        var asOf = new DateOnly(2019, 3, 1);
        var e = Calculator.Compute(referral, [], asOf);

        // Period 1 is 2019-W02..W14; W02 is the first window week with no row, final on Sunday 2019-01-13 + 8 weeks.
        Assert.Equal(new DateOnly(2019, 3, 10), VerificationService.ReviewOn(e, [], Calculator));
    }
}
