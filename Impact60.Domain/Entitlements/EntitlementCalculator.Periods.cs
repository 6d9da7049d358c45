using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;

namespace Impact60.Domain.Entitlements;

/// <summary>Rules 6, 7 and 8 (per participant) over the periods of a cut window (rules 1 and 2, from the layout).</summary>
public sealed partial class EntitlementCalculator
{
    /// <summary>What paying the periods of one participant carries from one period to the next.</summary>
    private struct Payment
    {
        public decimal GrossSoFar; // rule 8: what the weeks paid so far were worth before the participant cap
        public int FullPaid;
        public int PartialPaid;
        public List<EntitlementProblem>? Problems;
    }

    private Entitlement ComputeWindow(Referral referral, DateOnly asOf, Span<byte> state, int lo, int lastFinal, WindowLayout layout, IsoWeek? achievedIn)
    {
        var periods = new VerificationPeriod[layout.PeriodCount];
        // Weeks per (tariff, class) of the period being paid: index 2 × tariff + (0 Full, 1 Partial). Lines come from these counts.
        Span<int> weeksByPrice = _tariffs.Length <= 64 ? stackalloc int[2 * _tariffs.Length] : new int[2 * _tariffs.Length];
        List<IsoWeek>? missing = null;
        var payment = default(Payment);
        var amount = 0m;
        for (var p = 0; p < periods.Length; p++)
        {
            var counted = layout.CountedWeeksOf(p);
            // Rule 6: what the period's status needs to know about its counted weeks; and the final weeks without a row.
            var sustained = 0;
            var anyNoRow = false;
            foreach (var o in counted)
            {
                var s = state[o - lo];
                if (s == NoRow)
                {
                    anyNoRow = true;
                    if (o <= lastFinal) (missing ??= []).Add(IsoWeek.FromOrdinal(o));
                }
                else if ((s & SustainedBit) != 0) sustained++;
            }
            var status = PeriodStatusRule.Of(anyCountedWeekNotFinal: counted[^1] > lastFinal, anyCountedWeekWithoutRow: anyNoRow);
            periods[p] = status == PeriodStatus.Verified && sustained > 0
                ? PayPeriod(referral, p + 1, counted, state, lo, sustained, weeksByPrice, ref payment)
                : BuildPeriod(referral.ReferralId, referral.FokusRef, p + 1, counted[0], counted[^1], counted.Length, status, [], false);
            amount += periods[p].Amount;
        }

        return Result(referral, asOf, layout.Window, periods, amount, payment.FullPaid, payment.PartialPaid, achievedIn,
            missing is null ? [] : missing.ToArray(), payment.Problems is null ? [] : payment.Problems.ToArray());
    }

    /// <summary>
    /// Rule 7: each sustained counted week of a verified period earns the tariff in force on its Monday, by class. A payable
    /// week with no tariff is reported by week and its period is not paid: never a silent zero. Rule 8, per participant
    /// in week order: the week that crosses the cap is reduced, later ones fully.
    /// </summary>
    private VerificationPeriod PayPeriod(Referral referral, int index, ReadOnlySpan<int> counted, Span<byte> state, int lo, int sustained,
        Span<int> weeksByPrice, ref Payment payment)
    {
        var paid = new PaidWeek[sustained];
        weeksByPrice.Clear();
        var participantCap = _rules.ParticipantCap;
        var grossBefore = payment.GrossSoFar;
        var n = 0;
        var payable = true;
        var reduced = false;
        foreach (var o in counted)
        {
            var s = state[o - lo];
            if ((s & SustainedBit) == 0) continue;
            var t = TariffIndex(o);
            if (t < 0)
            {
                payable = false;
                (payment.Problems ??= []).Add(EntitlementProblem.NoTariff(referral.ReferralId, index, IsoWeek.FromOrdinal(o)));
                continue;
            }
            var full = (s & ClassMask) == RowFull;
            var price = full ? _tariffs[t].Full : _tariffs[t].Partial;
            var reduction = 0m;
            if (participantCap is { } cap)
            {
                reduction = AmountCaps.Reduction(payment.GrossSoFar, price, cap);
                payment.GrossSoFar += price;
                reduced |= reduction != 0m;
            }
            weeksByPrice[2 * t + (full ? 0 : 1)]++;
            paid[n++] = new PaidWeek(IsoWeek.FromOrdinal(o), full ? WeekClass.Full : WeekClass.Partial, price, reduction);
        }
        if (!payable)
        {
            // The period is not paid, so it takes nothing from the participant cap either.
            payment.GrossSoFar = grossBefore;
            paid = [];
        }
        else
        {
            foreach (var w in paid)
                if (w.Class == WeekClass.Full) payment.FullPaid++; else payment.PartialPaid++;
        }
        return paid.Length > 0 && !reduced
            ? BuildUncappedPeriod(referral.ReferralId, referral.FokusRef, index, counted[0], counted[^1], counted.Length, paid, weeksByPrice)
            : BuildPeriod(referral.ReferralId, referral.FokusRef, index, counted[0], counted[^1], counted.Length, PeriodStatus.Verified, paid, reduced);
    }
}
