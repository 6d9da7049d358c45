using Impact60.Domain.Primitives;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Rule 1 — Window.</b> The payment window starts with the ISO week after the week that contains the course end and
/// runs until <c>paymentWindowWeeks</c> (156) non-suspended weeks have been counted. Suspended weeks met on the way lie
/// inside the window but are neutral (rule 2 and the suspension rule). A referral without a course end (the citizen is
/// still in the course) has no window and is owed nothing yet. A drop-out is a course end.
/// </summary>
/// <param name="FirstWeek">The week after the week that contains the course end.</param>
/// <param name="LastWeek">The week in which the <paramref name="CountedWeeks"/>-th non-suspended week is counted.</param>
/// <param name="CountedWeeks">The contract's <c>paymentWindowWeeks</c>.</param>
/// <param name="SuspendedWeeks">How many suspended weeks the window met (and is longer by).</param>
public sealed record PaymentWindow(IsoWeek FirstWeek, IsoWeek LastWeek, int CountedWeeks, int SuspendedWeeks)
{
    /// <summary>The window after a course that ended on <paramref name="courseEnd"/>.</summary>
    public static PaymentWindow After(DateOnly courseEnd, int paymentWindowWeeks, Suspensions suspensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(paymentWindowWeeks, 1);
        ArgumentNullException.ThrowIfNull(suspensions);
        var first = IsoWeek.Containing(courseEnd).Next;
        var week = first;
        int counted = 0, suspended = 0;
        while (true)
        {
            if (suspensions.Contains(week)) suspended++;
            else if (++counted == paymentWindowWeeks) break;
            week = week.Next;
        }
        return new PaymentWindow(first, week, paymentWindowWeeks, suspended);
    }

    /// <summary>The window of a referral with course end <paramref name="courseEnd"/>; null (no window) while there is none.</summary>
    public static PaymentWindow? After(DateOnly? courseEnd, int paymentWindowWeeks, Suspensions suspensions) =>
        courseEnd is { } end ? After(end, paymentWindowWeeks, suspensions) : null;

    public bool Contains(IsoWeek week) => FirstWeek <= week && week <= LastWeek;

    /// <summary>Every week of the window in order, suspended ones included.</summary>
    public IEnumerable<IsoWeek> AllWeeks()
    {
        for (var week = FirstWeek; week <= LastWeek; week = week.Next) yield return week;
    }
}
