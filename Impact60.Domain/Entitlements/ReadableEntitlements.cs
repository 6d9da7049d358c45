using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;
using Impact60.Domain.Settlement;

namespace Impact60.Domain.Entitlements;

/// <summary>
/// The entitlement (docs/contract-rules.md, rules 1-9) composed of the rule types of <see cref="RuleBook"/>, written
/// to be read and checked by hand, not for speed: every week is looked at, each rule in turn says what it says about it,
/// and the <see cref="Entitlement"/> is assembled from those weeks. The fast <see cref="EntitlementCalculator"/> must
/// give the same (a property test checks it over random contracts and histories); <see cref="Explain"/> also gives the
/// reasons, week by week.
/// </summary>
public sealed partial class ReadableEntitlements
{
    private readonly RuleBook _rules;

    public ReadableEntitlements(Contract contract) : this(new RuleBook(contract))
    {
    }

    public ReadableEntitlements(RuleBook rules) => _rules = rules ?? throw new ArgumentNullException(nameof(rules));

    public RuleBook Rules => _rules;

    /// <summary>What <see cref="Explain"/> finds, without the reasons.</summary>
    public Entitlement Compute(Referral referral, IReadOnlyList<RegisterWeek> weeks, DateOnly asOf) => Explain(referral, weeks, asOf).Entitlement;

    /// <summary>
    /// One participant's entitlement as of <paramref name="asOf"/>, week by week. Refuses what the fast engine refuses
    /// (dates outside <see cref="PlausibleDates"/>, another person's week, a week given twice), with the same messages.
    /// </summary>
    public EntitlementTrace Explain(Referral referral, IReadOnlyList<RegisterWeek> weeks, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        EntitlementInput.Check(referral, weeks);
        var rows = weeks.ToDictionary(w => w.Week, w => w.Code);
        var classes = rows.ToDictionary(row => row.Key, row => _rules.Classification.Classify(row.Value)); // rule 4
        var window = _rules.WindowOf(referral);                                                              // rule 1
        var spells = _rules.Spells.Find(classes, asOf);                                                      // rule 5
        var achievedIn = ProgrammeTarget.AchievedIn(spells, IsoWeek.Containing(referral.ReferredOn), _rules.TargetSustainedWeeks); // rule 9
        var periods = (window is null ? [] : _rules.PeriodsOf(window))                                     // rules 2 and 6
            .Select(p => new PeriodTrace(p, PeriodStatusRule.Of(p, w => _rules.Finality.IsFinal(w, asOf), rows.ContainsKey)))
            .ToList();

        var periodOf = periods.SelectMany(p => p.Weeks.CountedWeeks.Select(w => (Week: w, Period: p))).ToDictionary(x => x.Week, x => x.Period);
        var spellOf = spells.SelectMany(s => s.Weeks.Select(w => (Week: w, Spell: s))).ToDictionary(x => x.Week, x => x.Spell);
        var traced = WeeksToTrace(rows.Keys, window).Select(week =>
        {
            BenefitCode? code = rows.TryGetValue(week, out var c) ? c : null;
            return Look(week, code, window, periodOf.GetValueOrDefault(week), spellOf.GetValueOrDefault(week), asOf);
        }).ToList();

        // Rule 7: a period with a payable week that has no tariff is not paid at all.
        var unpriced = traced.Where(w => w.Outcome == WeekOutcome.NoTariff).Select(w => w.Period).ToHashSet();
        traced = [.. traced.Select(w => w.Outcome == WeekOutcome.Paid && unpriced.Contains(w.Period)
            ? w with { Outcome = WeekOutcome.PeriodNotPriced, Amount = 0m } : w)];

        // Rule 8, the participant cap: the paid weeks in week order.
        var cap = new CapCounter(_rules.ParticipantCap);
        traced = [.. traced.Select(w => w.Outcome == WeekOutcome.Paid ? Reduce(w, cap.Take(w.Amount)) : w)];

        return Assemble(referral, asOf, window, periods, spells, achievedIn, traced);
    }

    /// <summary>What every rule up to rule 7 says about one week; a payable week is provisionally <see cref="WeekOutcome.Paid"/>.</summary>
    private WeekTrace Look(IsoWeek week, BenefitCode? code, PaymentWindow? window, PeriodTrace? period, Spell? spell, DateOnly asOf)
    {
        var weekClass = _rules.Classification.ClassOf(code);
        var final = _rules.Finality.IsFinal(week, asOf);
        var suspended = _rules.Suspensions.Contains(week);
        var tariff = _rules.Pricing.For(week);
        decimal? price = tariff is not null && weekClass is WeekClass.Full or WeekClass.Partial ? Pricing.PriceOf(tariff, weekClass.Value) : null;
        var outcome =
            window is null || !window.Contains(week) ? WeekOutcome.OutsideWindow
            : suspended ? WeekOutcome.Suspended
            : weekClass is null ? WeekOutcome.NoRow
            : !final ? WeekOutcome.NotFinal
            : weekClass == WeekClass.None ? WeekOutcome.BenefitWeek
            : spell is not { Sustained: true } ? WeekOutcome.SpellTooShort
            : period!.Status == PeriodStatus.Open ? WeekOutcome.PeriodOpen
            : period.Status == PeriodStatus.Held ? WeekOutcome.PeriodHeld
            : tariff is null ? WeekOutcome.NoTariff
            : WeekOutcome.Paid;
        return new WeekTrace(week, code, weekClass, final, suspended, period?.Index, spell, outcome, tariff, price,
            0m, outcome == WeekOutcome.Paid ? price!.Value : 0m);
    }

    /// <summary>Takes a cap's <paramref name="reduction"/> off a paid week (rule 8).</summary>
    private static WeekTrace Reduce(WeekTrace week, decimal reduction) => week with
    {
        CapReduction = week.CapReduction + reduction,
        Amount = week.Amount - reduction,
        Outcome = reduction == 0m ? week.Outcome : reduction < week.Amount ? WeekOutcome.PaidInPart : WeekOutcome.CappedAway,
    };

    /// <summary>Every week from the first register row or window week to the last.</summary>
    private static IEnumerable<IsoWeek> WeeksToTrace(IEnumerable<IsoWeek> rows, PaymentWindow? window)
    {
        var ends = rows.Concat(window is null ? [] : [window.FirstWeek, window.LastWeek]).ToList();
        if (ends.Count == 0) yield break;
        for (var week = ends.Min(); week <= ends.Max(); week = week.Next) yield return week;
    }

    /// <summary>The <see cref="Entitlement"/> the traced weeks add up to: periods, their paid weeks and lines, totals, data gaps, problems.</summary>
    private static EntitlementTrace Assemble(Referral referral, DateOnly asOf, PaymentWindow? window, IReadOnlyList<PeriodTrace> periods,
        IReadOnlyList<Spell> spells, IsoWeek? achievedIn, IReadOnlyList<WeekTrace> weeks)
    {
        var verificationPeriods = periods.Select(p => PeriodOf(referral, p, weeks.Where(w => w.Period == p.Index && w.IsPaid).ToList())).ToList();
        var paid = weeks.Where(w => w.IsPaid).ToList();
        var missing = weeks.Where(w => w.Period is not null && w.Final && w.Class is null).Select(w => w.Week).ToList();
        var problems = weeks.Where(w => w.Outcome == WeekOutcome.NoTariff)
            .Select(w => EntitlementProblem.NoTariff(referral.ReferralId, w.Period!.Value, w.Week)).ToList();
        var entitlement = new Entitlement(referral.ReferralId, referral.FokusRef, referral.Person, asOf, referral.CourseEnd, window,
            verificationPeriods, verificationPeriods.Aggregate(0m, (sum, p) => sum + p.Amount),
            paid.Count(w => w.Class == WeekClass.Full), paid.Count(w => w.Class == WeekClass.Partial),
            achievedIn is not null, achievedIn, missing, problems);
        return new EntitlementTrace(referral, asOf, window, periods, spells, achievedIn, weeks, entitlement);
    }

    /// <summary>A period with its paid weeks and its lines: one per class and unit price, Full before Partial, cheaper first.</summary>
    private static VerificationPeriod PeriodOf(Referral referral, PeriodTrace period, IReadOnlyList<WeekTrace> paid)
    {
        var lines = paid
            .GroupBy(w => (Class: w.Class!.Value, Price: w.UnitPrice!.Value))
            .OrderBy(g => g.Key.Class).ThenBy(g => g.Key.Price)
            .Select(g =>
            {
                var gross = Money.Round(g.Count() * g.Key.Price);
                var reduction = Money.Round(g.Aggregate(0m, (sum, w) => sum + w.CapReduction));
                return new EntitlementLine(referral.ReferralId, referral.FokusRef, period.Index, period.Weeks.FirstWeek, period.Weeks.LastWeek,
                    g.Key.Class, g.Key.Price, g.Count(), gross, reduction, gross - reduction);
            })
            .ToList();
        return new VerificationPeriod(period.Index, period.Weeks.FirstWeek, period.Weeks.LastWeek, period.Weeks.CountedWeeks.Count, period.Status,
            lines.Aggregate(0m, (sum, l) => sum + l.Amount),
            [.. paid.Select(w => new PaidWeek(w.Week, w.Class!.Value, w.UnitPrice!.Value, w.CapReduction))], lines);
    }
}
