using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;

namespace Impact60.Domain.Tests;

/// <summary>Intake rules R1-R3 (docs/contract-rules.md "Referral intake"), as ingestion and preview apply them.</summary>
public class ReferralIntakeTests
{
    private static Referral R(string id, char person, string? fokusRef = null) =>
        new(id, Pseudonym.Parse(new string(person, 64)), new DateOnly(2019, 1, 7), new DateOnly(2019, 1, 14), null, fokusRef ?? "F-" + id, "KaffeFair");

    private static IEnumerable<string> Outcomes(IEnumerable<IntakeDecision> decisions) =>
        decisions.Select(d => d.Taken ? $"{d.Candidate.ReferralId} taken" : $"{d.Candidate.ReferralId} {d.RejectedBy}: {d.Reason}");

    [Fact]
    public void R1_New_referrals_are_taken_in_delivery_order_up_to_the_cap_and_a_correction_always_passes()
    {
        // Given a cap of 3 with JC-1 and JC-2 taken, when a delivery corrects JC-1 and brings JC-3 and JC-4
        var decisions = new ReferralIntake(3, false).Decide([R("JC-1", 'a'), R("JC-2", 'b')], [R("JC-1", 'a') with { Business = "Butik" }, R("JC-3", 'c'), R("JC-4", 'd')]);

        // then the correction and JC-3 are taken and JC-4 is rejected with the reason
        Assert.Equal(["JC-1 taken", "JC-3 taken",
            "JC-4 ReferralCap: referral JC-4 is new and would exceed the programme's referral cap of 3 (3 referrals already taken)"], Outcomes(decisions));
        Assert.Equal([false, true, true], decisions.Select(d => d.IsNew));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void R2_A_person_already_referred_is_not_referred_again_unless_the_contract_allows_re_referral(bool allowReReferral)
    {
        var decisions = new ReferralIntake(120, allowReReferral).Decide([R("JC-1", 'a')], [R("JC-9", 'a')]);
        Assert.Equal(allowReReferral ? ["JC-9 taken"] :
            ["JC-9 OnePersonOneReferral: referral JC-9 is new, but the same person is already referred under referral JC-1: one person is one referral in the programme, so JC-9 is not taken (the contract does not allow re-referral)"],
            Outcomes(decisions));
    }

    [Fact]
    public void R3_Two_referrals_cannot_share_a_FOKUS_reference()
    {
        var decisions = new ReferralIntake(120, false).Decide([R("JC-1", 'a', "F-001")], [R("JC-2", 'b', "F-001")]);
        Assert.Equal(["JC-2 OneFokusReference: fokus_ref 'F-001' is already held by referral JC-1: a FOKUS reference names one referral, so JC-2 is not taken"], Outcomes(decisions));
    }

    [Fact]
    public void A_correction_that_swaps_two_referrals_persons_is_taken()
    {
        var decisions = new ReferralIntake(120, false).Decide([R("JC-1", 'a'), R("JC-2", 'b')], [R("JC-1", 'b'), R("JC-2", 'a')]);
        Assert.Equal(["JC-1 taken", "JC-2 taken"], Outcomes(decisions));
    }

    [Fact]
    public void A_referral_rejected_under_R2_takes_no_place_under_the_cap()
    {
        // Given a cap of 2 with JC-1 taken, a delivery brings JC-1's person again (JC-8) and then JC-9
        var decisions = new ReferralIntake(2, false).Decide([R("JC-1", 'a')], [R("JC-8", 'a'), R("JC-9", 'c')]);
        Assert.Equal([false, true], decisions.Select(d => d.Taken));
    }

    [Fact]
    public void Preview_and_ingestion_decide_a_first_delivery_alike_nothing_taken_before_it()
    {
        var decisions = ReferralIntake.Of(EntitlementTestData.Sample with { ReferralCap = 1 }).Decide([], [R("JC-T-0001", 'a'), R("JC-T-0002", 'b')]);
        Assert.Equal(["JC-T-0001 taken",
            "JC-T-0002 ReferralCap: referral JC-T-0002 is new and would exceed the programme's referral cap of 1 (1 referrals already taken)"], Outcomes(decisions));
    }
}
