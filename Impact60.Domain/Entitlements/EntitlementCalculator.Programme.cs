using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;

namespace Impact60.Domain.Entitlements;

/// <summary>Every participant of the programme, then the programme cap (rule 8) and the programme's counts (rule 9).</summary>
public sealed partial class EntitlementCalculator
{
    /// <summary>
    /// Every participant's entitlement, then the programme cap (rule 8: in order of week, then referral id), and the
    /// programme's totals. Referral ids must be unique. A participant whose computation throws is reported in
    /// <see cref="ProgrammeEntitlements.Failed"/> and left out (of the cap too); the others are computed as usual:
    /// one participant's bad data never stops the programme's figures.
    /// </summary>
    public ProgrammeEntitlements ComputeProgramme(IEnumerable<(Referral Referral, RegisterWeek[] Weeks)> participants, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(participants);
        var entitlements = new List<Entitlement>();
        var failed = new List<ComputationFailure>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (referral, weeks) in participants)
        {
            if (!ids.Add(referral.ReferralId))
                throw new ArgumentException($"Referral {referral.ReferralId} is given twice.", nameof(participants));
            try
            {
                entitlements.Add(Compute(referral, weeks, asOf));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed.Add(ComputationFailure.Of(referral, e));
            }
        }

        var programmeCapReduction = _rules.ProgrammeCap is { } cap ? ApplyProgrammeCap(entitlements, cap) : 0m;

        var total = 0m;
        foreach (var e in entitlements) total += e.Amount;
        var counts = ProgrammeCounts.Of(entitlements.Select(e => (e.CourseEnd is null, e.AchievedSelfSufficiency)), failed.Count);
        return new ProgrammeEntitlements(asOf, entitlements, failed, counts.Referred, counts.InCourse, counts.Achieved, total, programmeCapReduction,
            Contract.ReferralCap, Contract.TargetShare, _rules.TargetCount);
    }

    /// <summary>Rule 8, programme cap: in order of week, then referral id, after the per-participant caps. Returns the total reduction.</summary>
    private static decimal ApplyProgrammeCap(List<Entitlement> entitlements, decimal cap)
    {
        var weeks = new List<(IsoWeek Week, string ReferralId, int Entitlement, int Period, int Index, decimal Amount)>();
        for (var e = 0; e < entitlements.Count; e++)
        {
            var periods = entitlements[e].Periods;
            for (var p = 0; p < periods.Count; p++)
                for (var w = 0; w < periods[p].PaidWeeks.Count; w++)
                {
                    var pw = periods[p].PaidWeeks[w];
                    if (pw.Amount > 0m) weeks.Add((pw.Week, entitlements[e].ReferralId, e, p, w, pw.Amount));
                }
        }
        weeks.Sort((a, b) => AmountCaps.ProgrammeOrder(a.Week, a.ReferralId, b.Week, b.ReferralId));

        var extra = new Dictionary<(int Entitlement, int Period), decimal[]>();
        var counter = new CapCounter(cap);
        var total = 0m;
        foreach (var w in weeks)
        {
            var reduction = counter.Take(w.Amount);
            if (reduction == 0m) continue;
            if (!extra.TryGetValue((w.Entitlement, w.Period), out var perWeek))
                extra[(w.Entitlement, w.Period)] = perWeek = new decimal[entitlements[w.Entitlement].Periods[w.Period].PaidWeeks.Count];
            perWeek[w.Index] = reduction;
            total += reduction;
        }
        if (extra.Count == 0) return 0m;

        foreach (var group in extra.GroupBy(kv => kv.Key.Entitlement))
        {
            var e = entitlements[group.Key];
            var periods = e.Periods.ToArray();
            foreach (var ((_, p), perWeek) in group)
            {
                var old = periods[p];
                var paid = new PaidWeek[old.PaidWeeks.Count];
                for (var w = 0; w < paid.Length; w++)
                    paid[w] = old.PaidWeeks[w] with { CapReduction = old.PaidWeeks[w].CapReduction + perWeek[w] };
                periods[p] = BuildPeriod(e.ReferralId, e.FokusRef, old.Index, old.FirstWeek.Ordinal, old.LastWeek.Ordinal, old.CountedWeeks, old.Status, paid);
            }
            var amount = 0m;
            foreach (var p in periods) amount += p.Amount;
            entitlements[group.Key] = e with { Periods = periods, Amount = amount };
        }
        return total;
    }
}
