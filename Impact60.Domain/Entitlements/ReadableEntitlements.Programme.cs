using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;

namespace Impact60.Domain.Entitlements;

/// <summary>The programme, readably: every participant, then the programme cap (rule 8) and the counts (rule 9).</summary>
public sealed partial class ReadableEntitlements
{
    /// <summary>What <see cref="ExplainProgramme"/> finds, without the reasons.</summary>
    public ProgrammeEntitlements ComputeProgramme(IEnumerable<(Referral Referral, RegisterWeek[] Weeks)> participants, DateOnly asOf) =>
        ExplainProgramme(participants, asOf).Result;

    /// <summary>
    /// Every participant's trace, then the programme cap over all their paid weeks in the cap's order (week, then referral
    /// id), and the programme's figures. Referral ids must be unique. A participant whose computation fails is reported
    /// and left out, as <see cref="EntitlementCalculator.ComputeProgramme"/> does.
    /// </summary>
    public ProgrammeTrace ExplainProgramme(IEnumerable<(Referral Referral, RegisterWeek[] Weeks)> participants, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(participants);
        var traces = new List<EntitlementTrace>();
        var failed = new List<ComputationFailure>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (referral, weeks) in participants)
        {
            if (!ids.Add(referral.ReferralId))
                throw new ArgumentException($"Referral {referral.ReferralId} is given twice.", nameof(participants));
            try
            {
                traces.Add(Explain(referral, weeks, asOf));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed.Add(ComputationFailure.Of(referral, e));
            }
        }

        var reduction = 0m;
        if (_rules.ProgrammeCap is { } cap)
        {
            var inCapOrder = traces
                .SelectMany(t => t.Weeks.Where(w => w.Amount > 0m).Select(w => (Trace: t, Week: w)))
                .Order(Comparer<(EntitlementTrace Trace, WeekTrace Week)>.Create((a, b) =>
                    AmountCaps.ProgrammeOrder(a.Week.Week, a.Trace.Referral.ReferralId, b.Week.Week, b.Trace.Referral.ReferralId)))
                .ToList();
            var counter = new CapCounter(cap);
            var reduced = new Dictionary<(string ReferralId, IsoWeek Week), WeekTrace>();
            foreach (var (trace, week) in inCapOrder)
            {
                var taken = counter.Take(week.Amount);
                reduction += taken;
                if (taken != 0m) reduced[(trace.Referral.ReferralId, week.Week)] = Reduce(week, taken);
            }
            traces = [.. traces.Select(t => t.Weeks.Any(w => reduced.ContainsKey((t.Referral.ReferralId, w.Week)))
                ? Assemble(t.Referral, t.AsOf, t.Window, t.Periods, t.Spells, t.AchievedIn, [.. t.Weeks.Select(w => reduced.GetValueOrDefault((t.Referral.ReferralId, w.Week), w))])
                : t)];
        }

        var entitlements = traces.Select(t => t.Entitlement).ToList();
        var counts = ProgrammeCounts.Of(entitlements.Select(e => (e.CourseEnd is null, e.AchievedSelfSufficiency)), failed.Count);
        var result = new ProgrammeEntitlements(asOf, entitlements, failed, counts.Referred, counts.InCourse, counts.Achieved,
            entitlements.Aggregate(0m, (sum, e) => sum + e.Amount), reduction, _rules.Contract.ReferralCap, _rules.Contract.TargetShare, _rules.TargetCount);
        return new ProgrammeTrace(traces, result);
    }
}
