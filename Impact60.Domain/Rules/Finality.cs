using Impact60.Domain.Primitives;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Rule 3 — Final.</b> A week is final when the run date is on or after the week's Sunday plus
/// <c>maturityWeeks</c> × 7 days (8 weeks: the register is revised within about two months). With
/// <c>maturityWeeks</c> 0 a week is final on its Sunday.
/// </summary>
public sealed class Finality
{
    public Finality(int maturityWeeks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maturityWeeks);
        MaturityWeeks = maturityWeeks;
    }

    public int MaturityWeeks { get; }

    /// <summary>The day <paramref name="week"/> becomes final; null when that day lies beyond the calendar (never).</summary>
    public DateOnly? FinalOn(IsoWeek week)
    {
        // In day numbers from the Monday: the Sunday itself may already lie beyond the calendar.
        var day = (long)week.Monday.DayNumber + 6 + 7L * MaturityWeeks;
        return day <= DateOnly.MaxValue.DayNumber ? DateOnly.FromDayNumber((int)day) : null;
    }

    public bool IsFinal(IsoWeek week, DateOnly asOf) => FinalOn(week) is { } day && day <= asOf;

    /// <summary>
    /// The latest week that is final on <paramref name="asOf"/>: every week up to it is final, every later one is not.
    /// (Weeks run Monday to Sunday, so this is the week whose Sunday lies <c>maturityWeeks</c> weeks or more before.)
    /// </summary>
    public IsoWeek LastFinalWeek(DateOnly asOf) => IsoWeek.Containing(asOf.AddDays(-7 * MaturityWeeks)).AddWeeks(asOf.DayOfWeek == DayOfWeek.Sunday ? 0 : -1);
}
