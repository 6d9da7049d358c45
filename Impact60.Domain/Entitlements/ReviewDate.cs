using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;

namespace Impact60.Domain.Entitlements;

/// <summary>
/// The next date on which an entitlement could change although no register data changed. With unchanged data an
/// entitlement changes only when another week becomes final (rule 3), and only some of those moments matter. The review
/// date is the first of:
/// <list type="number">
/// <item>the day the last counted week of an open period becomes final (the period turns verified or held, rule 6);</item>
/// <item>the day a window week with no register row becomes final (a data gap appears, rule 6 "held");</item>
/// <item>the day the next reported Full/Partial week becomes final, while the spell it extends is not yet sustained, or
/// the target is not yet achieved (rules 5 and 9: a spell can grow into an earlier period or reach the target).</item>
/// </list>
/// Otherwise only new data can change the entitlement, and new data is a change the ingestion reports: no review date.
/// </summary>
public static class ReviewDate
{
    /// <summary>
    /// The review date of <paramref name="entitlement"/>, computed from <paramref name="weeks"/> (the register weeks it
    /// was computed from); null when only new data can change it, or when the next such day lies beyond the calendar.
    /// </summary>
    public static DateOnly? Of(Entitlement entitlement, ReadOnlySpan<RegisterWeek> weeks, RuleBook rules)
    {
        ArgumentNullException.ThrowIfNull(entitlement);
        ArgumentNullException.ThrowIfNull(rules);
        var lastFinal = rules.Finality.LastFinalWeek(entitlement.AsOf);
        var classes = new Dictionary<IsoWeek, WeekClass>(weeks.Length);
        foreach (var w in weeks) classes[w.Week] = rules.Classification.Classify(w.Code);
        var candidates = new List<IsoWeek>();

        // 1. Open periods close when their last counted week is final.
        candidates.AddRange(entitlement.Periods.Where(p => p.Status == PeriodStatus.Open).Select(p => p.LastWeek));

        // 2. The first counted window week after the final horizon without a row would become a data gap.
        if (entitlement.Window is { } window)
        {
            for (var week = Later(window.FirstWeek, lastFinal.Next); week <= window.LastWeek; week = week.Next)
                if (!rules.Suspensions.Contains(week) && !classes.ContainsKey(week)) { candidates.Add(week); break; }
        }

        // 3. A growing spell: the next counted week after the final horizon, if reported Full/Partial, extends the spell
        //    that runs up to the horizon (if any); that matters while the spell is not sustained or the target not achieved.
        var next = lastFinal.Next;
        while (rules.Suspensions.Contains(next)) next = next.Next;
        if (classes.TryGetValue(next, out var nextClass) && nextClass != WeekClass.None)
        {
            var lastCounted = lastFinal;
            while (rules.Suspensions.Contains(lastCounted)) lastCounted = lastCounted.Previous;
            var growing = rules.Spells.Find(classes, entitlement.AsOf).LastOrDefault(s => s.LastWeek == lastCounted);
            if (growing is not { Sustained: true } || !entitlement.AchievedSelfSufficiency) candidates.Add(next);
        }

        return candidates.Where(w => w > lastFinal).Order().Select(rules.Finality.FinalOn).FirstOrDefault();
    }

    private static IsoWeek Later(IsoWeek a, IsoWeek b) => a > b ? a : b;
}
