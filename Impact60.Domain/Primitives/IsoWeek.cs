using System.Globalization;
using Impact60.Domain.Text;

namespace Impact60.Domain.Primitives;

/// <summary>
/// An ISO 8601 week (Monday to Sunday), written <c>YYYY-Www</c>, of ISO years 1900-2999. Stored as the day number of
/// its Monday, so comparing, adding and counting weeks is integer arithmetic (the entitlement engine leans on that).
/// </summary>
/// <remarks>
/// <c>default(IsoWeek)</c> (an unset field, a failed <c>TryParse</c>'s out value) is not a week: reading its
/// <see cref="Monday"/>, <see cref="Sunday"/>, <see cref="Year"/>, <see cref="Week"/> or <see cref="ToString"/> throws
/// <see cref="InvalidOperationException"/>, so it cannot end up on an invoice as "0001-W01". <see cref="Ordinal"/>,
/// comparison and equality stay unchecked (they are the engine's hot path); its ordinal is 0, far below any real week
/// (1900-W01 is about 99,000), and <c>EntitlementCalculator.Compute</c> refuses a register week with ordinal 0.
/// <see cref="FromOrdinal"/> and <see cref="AddWeeks"/> do not range-check either: they are for ordinals and
/// distances taken from real weeks.
/// </remarks>
public readonly struct IsoWeek : IEquatable<IsoWeek>, IComparable<IsoWeek>
{
    private readonly int _mondayDayNumber;

    private IsoWeek(int mondayDayNumber) => _mondayDayNumber = mondayDayNumber;

    /// <summary>Creates the week; throws <see cref="ArgumentOutOfRangeException"/> when the year has no such week.</summary>
    public IsoWeek(int year, int week)
    {
        if (year < 1900 || year > 2999)
            throw new ArgumentOutOfRangeException(nameof(year), year, "ISO week year must be between 1900 and 2999.");
        if (week < 1 || week > ISOWeek.GetWeeksInYear(year))
            throw new ArgumentOutOfRangeException(nameof(week), week, $"ISO year {year} has weeks 1 to {ISOWeek.GetWeeksInYear(year)}.");
        _mondayDayNumber = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday)).DayNumber;
    }

    public static IsoWeek Containing(DateOnly date) => new(date.DayNumber - DaysSinceMonday(date.DayOfWeek));

    /// <summary>A running number of the week: consecutive weeks have consecutive ordinals.</summary>
    public int Ordinal => _mondayDayNumber / 7;

    public static IsoWeek FromOrdinal(int ordinal) => new(ordinal * 7);

    public DateOnly Monday => DateOnly.FromDayNumber(MondayDayNumber);
    public DateOnly Sunday => DateOnly.FromDayNumber(MondayDayNumber + 6);
    public int Year => ISOWeek.GetYear(Monday.ToDateTime(TimeOnly.MinValue));
    public int Week => ISOWeek.GetWeekOfYear(Monday.ToDateTime(TimeOnly.MinValue));

    /// <summary>True for <c>default(IsoWeek)</c>, which is not a week.</summary>
    public bool IsDefault => _mondayDayNumber == 0;

    private int MondayDayNumber => _mondayDayNumber != 0 ? _mondayDayNumber : throw NotAWeek();

    private static InvalidOperationException NotAWeek() =>
        new("default(IsoWeek) is not a week: a week was used that was never set (parse or create one).");

    public IsoWeek AddWeeks(int weeks) => new(_mondayDayNumber + 7 * weeks);
    public IsoWeek Next => AddWeeks(1);
    public IsoWeek Previous => AddWeeks(-1);

    /// <summary>Number of weeks from <paramref name="earlier"/> to this week (negative when this week is earlier).</summary>
    public int WeeksSince(IsoWeek earlier) => Ordinal - earlier.Ordinal;

    /// <summary>Parses <c>YYYY-Www</c> (e.g. <c>2019-W05</c>).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IsoWeek week, out string? error)
    {
        week = default;
        if (text.Length != 8 || text[4] != '-' || (text[5] != 'W'))
        {
            error = $"'{SafeText.Quote(text)}' is not an ISO week; expected YYYY-Www, e.g. 2019-W05";
            return false;
        }
        if (!int.TryParse(text[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            || !int.TryParse(text[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var w))
        {
            error = $"'{SafeText.Quote(text)}' is not an ISO week; expected YYYY-Www, e.g. 2019-W05";
            return false;
        }
        return TryCreate(y, w, out week, out error);
    }

    public static bool TryCreate(int year, int weekNumber, out IsoWeek week, out string? error)
    {
        week = default;
        if (year < 1900 || year > 2999)
        {
            error = $"ISO week year {year} is out of range 1900-2999";
            return false;
        }
        var weeksInYear = ISOWeek.GetWeeksInYear(year);
        if (weekNumber < 1 || weekNumber > weeksInYear)
        {
            error = $"ISO year {year} has weeks 1 to {weeksInYear}, not {weekNumber}";
            return false;
        }
        week = new IsoWeek(year, weekNumber);
        error = null;
        return true;
    }

    public static IsoWeek Parse(string text) =>
        TryParse(text, out var week, out var error) ? week : throw new FormatException(error);

    public override string ToString() => $"{Year:D4}-W{Week:D2}";

    public bool Equals(IsoWeek other) => _mondayDayNumber == other._mondayDayNumber;
    public override bool Equals(object? obj) => obj is IsoWeek other && Equals(other);
    public override int GetHashCode() => _mondayDayNumber;
    public int CompareTo(IsoWeek other) => _mondayDayNumber.CompareTo(other._mondayDayNumber);

    public static bool operator ==(IsoWeek a, IsoWeek b) => a.Equals(b);
    public static bool operator !=(IsoWeek a, IsoWeek b) => !a.Equals(b);
    public static bool operator <(IsoWeek a, IsoWeek b) => a._mondayDayNumber < b._mondayDayNumber;
    public static bool operator >(IsoWeek a, IsoWeek b) => a._mondayDayNumber > b._mondayDayNumber;
    public static bool operator <=(IsoWeek a, IsoWeek b) => a._mondayDayNumber <= b._mondayDayNumber;
    public static bool operator >=(IsoWeek a, IsoWeek b) => a._mondayDayNumber >= b._mondayDayNumber;

    private static int DaysSinceMonday(DayOfWeek d) => ((int)d + 6) % 7;
}
