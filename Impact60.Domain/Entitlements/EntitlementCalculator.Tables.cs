using System.Globalization;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Impact60.Domain.Rules;

namespace Impact60.Domain.Entitlements;

/// <summary>What the constructor precomputes from the rule types, so that a participant costs a few array lookups a week.</summary>
public sealed partial class EntitlementCalculator
{
    // Benefit codes are 1-4 digits with leading zeros dropped on reading (BenefitCode), so the index is offset by length + value.
    private static readonly int[] CodeOffsetByLength = [0, 0, 10, 110, 1110];
    private const int CodeTableSize = 11110;

    /// <summary>Every benefit code there can be (0 to 9999), parsed once per process.</summary>
    private static readonly Lazy<BenefitCode[]> AllCodes = new(() =>
        [.. Enumerable.Range(0, 10_000).Select(v => BenefitCode.Parse(v.ToString(CultureInfo.InvariantCulture)))]);

    // The window layouts by course-end week, for every course-end week PlausibleDates accepts.
    private static readonly int LayoutBase = PlausibleDates.EarliestWeek.Ordinal;
    private static readonly int LayoutSlots = PlausibleDates.LatestWeek.Ordinal - LayoutBase + 1;

    private readonly byte[] _classByCode;
    private readonly byte _emptyCodeClass;
    private readonly int _suspendedFirst;
    private readonly bool[] _suspended;
    private readonly Tariff[] _tariffs;
    private readonly int[] _tariffFirstOrdinal;
    private readonly WindowLayout?[] _layouts;

    /// <summary>Rule 4 as a table: the class of every code, as <see cref="Classification.Classify"/> gives it.</summary>
    private static (byte[] ByCode, byte EmptyCode) ClassTable(Classification classification)
    {
        var table = new byte[CodeTableSize];
        foreach (var code in AllCodes.Value)
            table[CodeIndex(code.Value)] = (byte)classification.Classify(code);
        return (table, (byte)classification.Classify(BenefitCode.NoBenefit));
    }

    /// <summary>The suspension rule as a table over the weeks from the first suspended one to the last.</summary>
    private static (int First, bool[] Suspended) SuspensionTable(Suspensions suspensions)
    {
        if (suspensions.Periods.Count == 0) return (0, []);
        var first = suspensions.Periods.Min(s => s.From.Ordinal);
        var last = suspensions.Periods.Max(s => s.To.Ordinal);
        var table = new bool[last - first + 1];
        for (var o = first; o <= last; o++) table[o - first] = suspensions.Contains(IsoWeek.FromOrdinal(o));
        return (first, table);
    }

    /// <summary>Rule 7 as a table: the tariffs by validFrom and the first week each one prices.</summary>
    private static (Tariff[] Tariffs, int[] FirstOrdinal) TariffTable(Pricing pricing) =>
        ([.. pricing.Tariffs], [.. pricing.Tariffs.Select(t => Pricing.FirstWeekPricedBy(t).Ordinal)]);

    /// <summary>Rules 1 and 2 for a course end, cut once per course-end week (a benign race may cut one twice).</summary>
    private WindowLayout LayoutAfter(DateOnly courseEnd)
    {
        var slot = IsoWeek.Containing(courseEnd).Ordinal - LayoutBase;
        if ((uint)slot >= (uint)_layouts.Length) return new WindowLayout(_rules, courseEnd);
        var layout = Volatile.Read(ref _layouts[slot]);
        if (layout is null)
        {
            layout = new WindowLayout(_rules, courseEnd);
            Volatile.Write(ref _layouts[slot], layout);
        }
        return layout;
    }

    private bool IsSuspended(int ordinal)
    {
        var i = ordinal - _suspendedFirst;
        return (uint)i < (uint)_suspended.Length && _suspended[i];
    }

    /// <summary>Index into <see cref="_tariffs"/> of the tariff that prices week <paramref name="ordinal"/>, or -1.</summary>
    private int TariffIndex(int ordinal)
    {
        for (var i = _tariffFirstOrdinal.Length - 1; i >= 0; i--)
            if (_tariffFirstOrdinal[i] <= ordinal) return i;
        return -1;
    }

    private byte ClassOf(BenefitCode code)
    {
        var value = code.Value;
        return value.Length == 0 ? _emptyCodeClass : _classByCode[CodeIndex(value)];
    }

    private static int CodeIndex(string digits)
    {
        var v = 0;
        foreach (var c in digits) v = v * 10 + (c - '0');
        return CodeOffsetByLength[digits.Length] + v;
    }

    /// <summary>
    /// A payment window with its verification periods (rules 1 and 2, from <see cref="PaymentWindow"/> and
    /// <see cref="VerificationPeriods"/>), flattened for the engine: every counted week's ordinal in order, and where each
    /// period starts among them.
    /// </summary>
    private sealed class WindowLayout
    {
        public WindowLayout(RuleBook rules, DateOnly courseEnd)
        {
            Window = PaymentWindow.After(courseEnd, rules.Contract.PaymentWindowWeeks, rules.Suspensions);
            var periods = rules.PeriodsOf(Window);
            Counted = [.. periods.SelectMany(p => p.CountedWeeks).Select(w => w.Ordinal)];
            PeriodStart = new int[periods.Count + 1];
            for (var p = 0; p < periods.Count; p++) PeriodStart[p + 1] = PeriodStart[p] + periods[p].CountedWeeks.Count;
        }

        public PaymentWindow Window { get; }
        public int First => Window.FirstWeek.Ordinal;
        public int Last => Window.LastWeek.Ordinal;
        public int[] Counted { get; }
        public int[] PeriodStart { get; }
        public int PeriodCount => PeriodStart.Length - 1;

        public ReadOnlySpan<int> CountedWeeksOf(int period) => Counted.AsSpan(PeriodStart[period], PeriodStart[period + 1] - PeriodStart[period]);
    }
}
