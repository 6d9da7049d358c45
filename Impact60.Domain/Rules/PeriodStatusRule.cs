using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Rule 6 — Period status.</b> A period is <i>open</i> while any of its counted weeks is not final; then
/// <i>held</i> while any of its counted weeks has no register row (the jobcenter owes data); otherwise <i>verified</i>.
/// </summary>
public static class PeriodStatusRule
{
    public static PeriodStatus Of(bool anyCountedWeekNotFinal, bool anyCountedWeekWithoutRow) =>
        anyCountedWeekNotFinal ? PeriodStatus.Open
        : anyCountedWeekWithoutRow ? PeriodStatus.Held
        : PeriodStatus.Verified;

    public static PeriodStatus Of(PeriodWeeks period, Func<IsoWeek, bool> isFinal, Func<IsoWeek, bool> hasRow)
    {
        ArgumentNullException.ThrowIfNull(period);
        return Of(period.CountedWeeks.Any(w => !isFinal(w)), period.CountedWeeks.Any(w => !hasRow(w)));
    }
}
