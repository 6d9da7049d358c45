using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Rule 9 — Target.</b> A citizen has <i>achieved self-sufficiency</i> once one spell (rule 5) has at least
/// <c>targetSustainedWeeks</c> (13) of its weeks on or after the week of the referral date. The programme meets its
/// target when at least ⌈<c>targetShare</c> × <c>referralCap</c>⌉ citizens (⌈0.5 × 120⌉ = 60) have achieved it.
/// </summary>
/// <remarks>
/// The target has one meaning: a share of the <i>referral cap</i>, the contract's "60 of 120", never a share of the
/// citizens referred so far. Counted against the referrals to date it would shrink and grow with the intake and
/// overstate progress while referral is still going on (10 achieved of the first 12 referred is not 83 % of the target),
/// and FOKUS and the funds would be shown a target the contract does not set. Progress is likewise achieved ÷ referralCap.
/// </remarks>
public static class ProgrammeTarget
{
    /// <summary>How many citizens must achieve self-sufficiency: ⌈<paramref name="targetShare"/> × <paramref name="referralCap"/>⌉.</summary>
    public static int Count(decimal targetShare, int referralCap) => (int)Math.Ceiling(targetShare * referralCap);

    public static int Count(Contract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return Count(contract.TargetShare, contract.ReferralCap);
    }

    /// <summary>Progress towards the target: achieved ÷ referralCap (0 for a cap of 0).</summary>
    public static decimal Progress(int achieved, int referralCap) => referralCap == 0 ? 0m : (decimal)achieved / referralCap;

    public static bool Met(int achieved, int targetCount) => achieved >= targetCount;

    /// <summary>
    /// The week in which a citizen referred in <paramref name="referralWeek"/> achieved self-sufficiency: the week of the
    /// <paramref name="targetSustainedWeeks"/>-th week on or after the referral week of the first spell that has that
    /// many; null while none has.
    /// </summary>
    public static IsoWeek? AchievedIn(IEnumerable<Spell> spells, IsoWeek referralWeek, int targetSustainedWeeks)
    {
        ArgumentNullException.ThrowIfNull(spells);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetSustainedWeeks, 1);
        foreach (var spell in spells)
        {
            var sinceReferral = spell.Weeks.Where(w => w >= referralWeek).ToList();
            if (sinceReferral.Count >= targetSustainedWeeks) return sinceReferral[targetSustainedWeeks - 1];
        }
        return null;
    }
}

/// <summary>
/// The programme's head counts: <see cref="Referred"/> counts every referral taken (also one whose entitlement could not
/// be computed: the citizen was referred all the same); <see cref="InCourse"/> and <see cref="Achieved"/> count the
/// computed ones, still without a course end (rule 1) and having achieved self-sufficiency (rule 9).
/// </summary>
public sealed record ProgrammeCounts(int Referred, int InCourse, int Achieved)
{
    /// <summary>The counts of the computed participants (in course? achieved?) and <paramref name="notComputed"/> more referred.</summary>
    public static ProgrammeCounts Of(IEnumerable<(bool InCourse, bool Achieved)> computed, int notComputed)
    {
        ArgumentNullException.ThrowIfNull(computed);
        ArgumentOutOfRangeException.ThrowIfNegative(notComputed);
        int referred = notComputed, inCourse = 0, achieved = 0;
        foreach (var (isInCourse, hasAchieved) in computed)
        {
            referred++;
            if (isInCourse) inCourse++;
            if (hasAchieved) achieved++;
        }
        return new ProgrammeCounts(referred, inCourse, achieved);
    }
}
