using Impact60.Domain.Primitives;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Rule 2 — Periods.</b> The counted weeks of the window are cut into consecutive blocks of
/// <c>verificationPeriodWeeks</c> (13); the last may be shorter. A period runs from its first to its last counted week.
/// Suspended weeks belong to no period.
/// </summary>
public static class VerificationPeriods
{
    /// <summary>The periods of <paramref name="window"/>, numbered from 1.</summary>
    public static IReadOnlyList<PeriodWeeks> Cut(PaymentWindow window, int verificationPeriodWeeks, Suspensions suspensions)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentOutOfRangeException.ThrowIfLessThan(verificationPeriodWeeks, 1);
        ArgumentNullException.ThrowIfNull(suspensions);
        var counted = window.AllWeeks().Where(week => !suspensions.Contains(week));
        return counted.Chunk(verificationPeriodWeeks).Select((weeks, i) => new PeriodWeeks(i + 1, weeks)).ToList();
    }
}

/// <summary>One verification period: its number (from 1) and its counted weeks in order (never a suspended week).</summary>
public sealed record PeriodWeeks(int Index, IReadOnlyList<IsoWeek> CountedWeeks)
{
    public IsoWeek FirstWeek => CountedWeeks[0];
    public IsoWeek LastWeek => CountedWeeks[^1];

    public override string ToString() => $"P{Index} {FirstWeek}..{LastWeek} ({CountedWeeks.Count} counted weeks)";
}
