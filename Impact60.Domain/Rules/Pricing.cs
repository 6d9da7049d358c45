using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Rule 7 — Amount.</b> A verified period earns, for each counted week that is sustained, the tariff in force on
/// that week's Monday: <c>full</c> for a Full week, <c>partial</c> for a Partial week. A week that would be paid but has
/// no tariff in force is reported as a problem with the week; it is never paid as zero without a word.
/// </summary>
/// <remarks>
/// The tariff in force on a day is the one with the latest <c>validFrom</c> on or before it. Before the first
/// <c>validFrom</c> no tariff is in force; once one is, some tariff stays in force.
/// </remarks>
public sealed class Pricing
{
    public Pricing(IEnumerable<Tariff> tariffs)
    {
        ArgumentNullException.ThrowIfNull(tariffs);
        Tariffs = [.. tariffs.OrderBy(t => t.ValidFrom)]; // stable: of two with the same validFrom the later listed wins
    }

    /// <summary>The contract's tariffs by <c>validFrom</c>.</summary>
    public IReadOnlyList<Tariff> Tariffs { get; }

    public Tariff? InForceOn(DateOnly day) => Tariffs.LastOrDefault(t => t.ValidFrom <= day);

    /// <summary>The tariff that prices <paramref name="week"/>: the one in force on its Monday; null when none is.</summary>
    public Tariff? For(IsoWeek week) => InForceOn(week.Monday);

    /// <summary>The first week that <paramref name="tariff"/> can price: the week of the first Monday on or after its validFrom.</summary>
    public static IsoWeek FirstWeekPricedBy(Tariff tariff)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        var week = IsoWeek.Containing(tariff.ValidFrom);
        return week.Monday == tariff.ValidFrom ? week : week.Next;
    }

    /// <summary>The price of a week of class <paramref name="weekClass"/> under <paramref name="tariff"/>; a None week has none.</summary>
    public static decimal PriceOf(Tariff tariff, WeekClass weekClass)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        return weekClass switch
        {
            WeekClass.Full => tariff.Full,
            WeekClass.Partial => tariff.Partial,
            _ => throw new ArgumentOutOfRangeException(nameof(weekClass), weekClass, "only Full and Partial weeks are paid"),
        };
    }
}
