using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>
/// One participant's bad data never stops the programme's figures: a participant whose computation fails is reported
/// (referral id, FOKUS reference, a short reason) and left out; the others are computed as usual.
/// </summary>
public class EntitlementComputationFailureTests
{
    private static readonly Pseudonym Third = Pseudonym.Parse(new string('c', 64));
    private static readonly IsoWeek P1Last = WindowStart.AddWeeks(12);

    /// <summary>A register's open-ended "course still running" placeholder, stored before the readers refused it.</summary>
    private static readonly DateOnly OpenEnded = new(9999, 12, 31);

    [Fact]
    public void Given_a_referral_whose_course_ends_9999_12_31_when_computed_alone_then_it_is_refused_with_a_reason_not_an_overflow()
    {
        var calculator = new EntitlementCalculator(NoSuspension);

        var e = Assert.Throws<ArgumentException>(() =>
            calculator.Compute(Referral("R009", courseEnd: OpenEnded), Weeks(WindowStart, Repeat('F', 14)), FinalFrom(P1Last)));

        Assert.StartsWith("Referral R009: course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31.", e.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(2_788.0)]
    public void Given_one_referral_with_course_end_9999_12_31_beside_two_good_ones_when_the_programme_is_computed_then_the_two_are_computed_and_the_bad_one_is_reported_and_left_out(double? programmeCap)
    {
        // Given R001 and R003 with 14 self-supporting weeks from the window's start, and R002 with course_end 9999-12-31
        var contract = programmeCap is { } cap ? NoSuspension with { Caps = new Caps(null, (decimal)cap) } : NoSuspension;
        var calculator = new EntitlementCalculator(contract);
        var asOf = FinalFrom(P1Last);

        // when the programme is computed
        var result = calculator.ComputeProgramme(
        [
            (Referral("R001"), Weeks(WindowStart, Repeat('F', 14))),
            (Referral("R002", courseEnd: OpenEnded, person: OtherCitizen), Weeks(WindowStart, Repeat('F', 14), OtherCitizen)),
            (Referral("R003", person: Third), Weeks(WindowStart, Repeat('F', 14), Third)),
        ], asOf);

        // then R001 and R003 are computed as if R002 were not there (the programme cap included)
        var without = calculator.ComputeProgramme(
        [
            (Referral("R001"), Weeks(WindowStart, Repeat('F', 14))),
            (Referral("R003", person: Third), Weeks(WindowStart, Repeat('F', 14), Third)),
        ], asOf);
        Assert.Equal(["R001", "R003"], result.Participants.Select(p => p.ReferralId));
        Assert.Equal(without.Participants.Select(Describe), result.Participants.Select(Describe));
        Assert.Equal(without.EntitledAmount, result.EntitledAmount);
        Assert.Equal(programmeCap is null ? 2 * 13 * 796m : 2_788m, result.EntitledAmount);

        // and R002 is reported, with its FOKUS reference and a reason that names the date, and counted as referred, but not as achieving
        var failure = Assert.Single(result.Failed);
        Assert.Equal(("R002", "FOKUS-R002", EntitlementProblemKind.ComputationFailed), (failure.ReferralId, failure.FokusRef, failure.Kind));
        Assert.Equal("course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31", failure.Reason);
        Assert.Equal((3, 0, 2), (result.Referred, result.InCourse, result.Achieved));
    }

    [Fact]
    public void Given_any_other_failure_of_one_participant_such_as_a_week_given_twice_when_the_programme_is_computed_then_only_that_participant_is_left_out()
    {
        var calculator = new EntitlementCalculator(NoSuspension);
        RegisterWeek[] twice = [.. Weeks(WindowStart, "F", OtherCitizen), .. Weeks(WindowStart, "F", OtherCitizen)];

        var result = calculator.ComputeProgramme(
            [(Referral("R001"), Weeks(WindowStart, Repeat('F', 14))), (Referral("R002", person: OtherCitizen), twice)], FinalFrom(P1Last));

        Assert.Equal(13 * 796m, Assert.Single(result.Participants).Amount);
        Assert.Equal(("R002", "register week 2019-W02 is given twice; merge deliveries (latest wins) before computing"),
            (Assert.Single(result.Failed).ReferralId, result.Failed[0].Reason));
    }

    [Fact]
    public void Given_a_failure_whose_message_quotes_a_CPR_and_an_escape_sequence_over_several_lines_then_the_reason_is_one_masked_safe_short_line()
    {
        var referral = Referral("R001");
        var error = new InvalidOperationException("bad value 010190-1234\nin \u001b[31mred\u001b[0m " + new string('x', 400));

        var reason = ComputationFailure.Of(referral, error).Reason;

        Assert.StartsWith("bad value XXXXXX-XXXX in \\u001B[31mred\\u001B[0m xxx", reason);
        Assert.DoesNotContain('\n', reason);
        Assert.DoesNotContain('\u001b', reason);
        Assert.EndsWith("more characters)", reason);
    }
}
