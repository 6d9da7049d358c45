using Impact60.Domain.Contracts;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Deficit-guarantee exposure</b> (reported to the funds; it moves no money). A fund may guarantee FOKUS's deficit up
/// to an amount (<c>funds[].deficitGuarantee</c>). The exposure is how much of that guarantee the programme would draw if
/// it stopped at the end of a month: the shortfall of the revenue to date (invoiced minus credited, excluding VAT)
/// against the contract's revenue plan to date, never below zero, at most the guarantee. The plan to date is the
/// cumulative figure of the latest plan month on or before that month (0 before the first). Without a revenue plan there
/// is no exposure figure: a plan is never guessed.
/// </summary>
public static class GuaranteeExposure
{
    /// <summary>
    /// The revenue the plan expects by the end of <paramref name="month"/> (any day of it): the latest entry on or before
    /// it, 0 before the first; null when the contract has no plan.
    /// </summary>
    public static decimal? PlanToDate(IReadOnlyList<RevenuePlanEntry> plan, DateOnly month)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Count == 0) return null;
        var first = new DateOnly(month.Year, month.Month, 1);
        var latest = plan.Where(p => new DateOnly(p.Year, p.Month, 1) <= first).MaxBy(p => (p.Year, p.Month));
        return latest?.Cumulative ?? 0m;
    }

    /// <summary>Plan − revenue when revenue is behind the plan, else 0; null without a plan.</summary>
    public static decimal? Shortfall(decimal? planToDate, decimal revenueToDate) =>
        planToDate is { } plan ? Math.Max(plan - revenueToDate, 0m) : null;

    /// <summary>The shortfall, at most the guarantee; null without a plan.</summary>
    public static decimal? Exposure(decimal? planToDate, decimal revenueToDate, decimal guarantee)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(guarantee);
        return Shortfall(planToDate, revenueToDate) is { } shortfall ? Math.Min(shortfall, guarantee) : null;
    }
}
