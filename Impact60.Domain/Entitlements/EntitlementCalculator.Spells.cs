namespace Impact60.Domain.Entitlements;

/// <summary>Rules 5 and 9 as one pass over the week states (the readable form: <see cref="Rules.Spells"/>, <see cref="Rules.ProgrammeTarget"/>).</summary>
public sealed partial class EntitlementCalculator
{
    /// <summary>
    /// Rule 5 over the whole history: marks each Full/Partial week whose spell is at least minSustainedWeeks long, and
    /// returns (rule 9) the week in which a spell first reached targetSustainedWeeks weeks on or after the referral week.
    /// Rule 9 does not depend on the payment window, so a citizen without a course end can achieve the target too.
    /// </summary>
    private int? MarkSustainedWeeks(Span<byte> state, int lo, int lastFinal, int referralWeek)
    {
        var minSustained = _rules.Spells.MinSustainedWeeks;
        var target = _rules.TargetSustainedWeeks;
        int? achieved = null;
        int runStart = 0, runLength = 0, runFromReferral = 0;
        for (var index = 0; index <= state.Length; index++)
        {
            var ordinal = lo + index;
            bool selfSupporting;
            if (index < state.Length)
            {
                if (IsSuspended(ordinal)) continue; // neutral: neither counts nor breaks a spell
                var s = state[index];
                selfSupporting = ordinal <= lastFinal && (s == RowFull || s == RowPartial);
            }
            else selfSupporting = false; // beyond the last row: unknown, ends the spell

            if (selfSupporting)
            {
                if (runLength == 0) runStart = index;
                runLength++;
                if (ordinal >= referralWeek && ++runFromReferral == target && achieved is null) achieved = ordinal;
            }
            else if (runLength > 0)
            {
                // A suspended week inside the run may carry the bit too; it is never paid, so that is harmless.
                if (runLength >= minSustained)
                    for (var j = runStart; j < index; j++)
                        if ((state[j] & ClassMask) is RowFull or RowPartial) state[j] |= SustainedBit;
                runLength = 0;
                runFromReferral = 0;
            }
        }
        return achieved;
    }
}
