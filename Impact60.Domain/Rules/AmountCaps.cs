using Impact60.Domain.Primitives;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Rule 8 — Caps.</b> Amount caps apply last: first <c>caps.perParticipant</c>, taking weeks in week order, then
/// <c>caps.programme</c>, taking weeks in week order and, within a week, in referral-id order. A week the cap reaches is
/// paid in part or not at all; the reduction is shown on the line.
/// </summary>
public static class AmountCaps
{
    /// <summary>
    /// What a cap of <paramref name="cap"/> takes from a week worth <paramref name="amount"/> when the weeks before it (in
    /// the cap's order) were worth <paramref name="before"/>: nothing while the cap is not reached, the part over it for
    /// the week that crosses it, all of it after.
    /// </summary>
    public static decimal Reduction(decimal before, decimal amount, decimal cap) => Math.Clamp(before + amount - cap, 0m, amount);

    /// <summary>The programme cap's order: by week, then by referral id (ordinal).</summary>
    public static int ProgrammeOrder(IsoWeek weekA, string referralIdA, IsoWeek weekB, string referralIdB) =>
        weekA != weekB ? weekA.CompareTo(weekB) : string.CompareOrdinal(referralIdA, referralIdB);
}

/// <summary>One cap taking weeks in its order (rule 8): each week's reduction, given all the weeks it took before.</summary>
public sealed class CapCounter(decimal? cap)
{
    /// <summary>What the weeks taken so far were worth before this cap.</summary>
    public decimal Before { get; private set; }

    /// <summary>The reduction of the next week, worth <paramref name="amount"/>; 0 without a cap.</summary>
    public decimal Take(decimal amount)
    {
        if (cap is not { } limit) return 0m;
        var reduction = AmountCaps.Reduction(Before, amount, limit);
        Before += amount;
        return reduction;
    }
}
