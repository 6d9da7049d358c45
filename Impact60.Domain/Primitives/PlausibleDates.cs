using System.Globalization;

namespace Impact60.Domain.Primitives;

/// <summary>
/// The range of dates and ISO weeks Impact60 accepts from any input (register files, API pages, the contract):
/// 1990-01-01 to 2100-12-31. A register's "open-ended" placeholders (<c>9999-12-31</c>, <c>0001-01-01</c>) and typing
/// errors fall outside it and are rejected where they are read, so that no stored value can overflow week arithmetic
/// later (a window of 156+ weeks after 2100 still fits the calendar many times over).
/// </summary>
public static class PlausibleDates
{
    public static readonly DateOnly Earliest = new(1990, 1, 1);
    public static readonly DateOnly Latest = new(2100, 12, 31);

    /// <summary>The ISO week containing <see cref="Earliest"/> (1990-W01).</summary>
    public static IsoWeek EarliestWeek => IsoWeek.Containing(Earliest);

    /// <summary>The ISO week containing <see cref="Latest"/> (2100-W52).</summary>
    public static IsoWeek LatestWeek => IsoWeek.Containing(Latest);

    public static bool Contains(DateOnly date) => date >= Earliest && date <= Latest;

    public static bool Contains(IsoWeek week) => week >= EarliestWeek && week <= LatestWeek;

    /// <summary>Why <paramref name="date"/> is refused, naming <paramref name="what"/>; null when it is in range.</summary>
    public static string? Refuse(DateOnly date, string what) =>
        Contains(date) ? null : string.Create(CultureInfo.InvariantCulture,
            $"{what} {date:yyyy-MM-dd} is outside the accepted range {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}");

    /// <summary>Why <paramref name="week"/> is refused, naming <paramref name="what"/>; null when it is in range.</summary>
    public static string? Refuse(IsoWeek week, string what) =>
        Contains(week) ? null : $"{what} {week} is outside the accepted range {EarliestWeek} to {LatestWeek}";
}
