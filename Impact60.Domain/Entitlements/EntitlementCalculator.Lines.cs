using Impact60.Domain.Primitives;
using Impact60.Domain.Settlement;

namespace Impact60.Domain.Entitlements;

/// <summary>A period's paid weeks grouped into settlement lines: one per class and unit price, Full before Partial, cheaper first.</summary>
public sealed partial class EntitlementCalculator
{
    /// <summary>
    /// The common case of <see cref="BuildPeriod"/> (no cap reduction): lines straight from week counts per tariff and
    /// class, in the same order (Full before Partial, cheaper first), without decimal work per week.
    /// </summary>
    private VerificationPeriod BuildUncappedPeriod(string referralId, string fokusRef, int index, int first, int last, int counted,
        PaidWeek[] paid, ReadOnlySpan<int> weeksByPrice)
    {
        var firstWeek = IsoWeek.FromOrdinal(first);
        var lastWeek = IsoWeek.FromOrdinal(last);
        var lineCount = 0;
        foreach (var c in weeksByPrice) if (c > 0) lineCount++;
        var lines = new EntitlementLine[lineCount];
        Span<int> order = lineCount <= 64 ? stackalloc int[lineCount] : new int[lineCount];
        var amount = 0m;
        var n = 0;
        for (var cls = 0; cls < 2; cls++)
        {
            var k = 0;
            for (var t = 0; t < _tariffs.Length; t++)
            {
                if (weeksByPrice[2 * t + cls] == 0) continue;
                var at = k++;
                while (at > 0 && PriceOf(order[at - 1], cls) > PriceOf(t, cls)) { order[at] = order[at - 1]; at--; }
                order[at] = t;
            }
            for (var i = 0; i < k; i++)
            {
                var price = PriceOf(order[i], cls);
                var weeks = weeksByPrice[2 * order[i] + cls];
                var gross = Money.Round(weeks * price);
                lines[n++] = new EntitlementLine(referralId, fokusRef, index, firstWeek, lastWeek, cls == 0 ? WeekClass.Full : WeekClass.Partial,
                    price, weeks, gross, 0m, gross);
                amount += gross;
            }
        }
        return new VerificationPeriod(index, firstWeek, lastWeek, counted, PeriodStatus.Verified, amount, paid, lines);
    }

    private decimal PriceOf(int tariff, int cls) => cls == 0 ? _tariffs[tariff].Full : _tariffs[tariff].Partial;

    /// <summary>Groups a period's paid weeks into lines at the settlement grain (class, unit price), Full before Partial, cheaper first.</summary>
    internal static VerificationPeriod BuildPeriod(string referralId, string fokusRef, int index, int first, int last, int counted, PeriodStatus status, PaidWeek[] paid, bool anyCapReduction = true)
    {
        var firstWeek = IsoWeek.FromOrdinal(first);
        var lastWeek = IsoWeek.FromOrdinal(last);
        if (paid.Length == 0)
            return new VerificationPeriod(index, firstWeek, lastWeek, counted, status, 0m, paid, []);

        Span<WeekClass> classes = stackalloc WeekClass[paid.Length];
        Span<decimal> prices = stackalloc decimal[paid.Length];
        Span<int> weekCounts = stackalloc int[paid.Length];
        Span<decimal> reductions = stackalloc decimal[paid.Length];
        var lineCount = 0;
        foreach (var w in paid)
        {
            var at = 0;
            while (at < lineCount && !(classes[at] == w.Class && prices[at] == w.Tariff)) at++;
            if (at == lineCount)
            {
                // Insert in (class, price) order so that lines come out sorted without a sort.
                while (at > 0 && (classes[at - 1] > w.Class || (classes[at - 1] == w.Class && prices[at - 1] > w.Tariff)))
                {
                    classes[at] = classes[at - 1]; prices[at] = prices[at - 1];
                    weekCounts[at] = weekCounts[at - 1]; reductions[at] = reductions[at - 1];
                    at--;
                }
                classes[at] = w.Class; prices[at] = w.Tariff; weekCounts[at] = 0; reductions[at] = 0m;
                lineCount++;
            }
            weekCounts[at]++;
            if (anyCapReduction) reductions[at] += w.CapReduction;
        }

        var lines = new EntitlementLine[lineCount];
        var amount = 0m;
        for (var i = 0; i < lineCount; i++)
        {
            var gross = Money.Round(weekCounts[i] * prices[i]);
            var reduction = anyCapReduction ? Money.Round(reductions[i]) : 0m;
            lines[i] = new EntitlementLine(referralId, fokusRef, index, firstWeek, lastWeek, classes[i], prices[i],
                weekCounts[i], gross, reduction, gross - reduction);
            amount += gross - reduction;
        }
        return new VerificationPeriod(index, firstWeek, lastWeek, counted, status, amount, paid, lines);
    }
}
