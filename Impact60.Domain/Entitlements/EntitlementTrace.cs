using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;

namespace Impact60.Domain.Entitlements;

/// <summary>
/// One participant's entitlement with its reasons, as <see cref="ReadableEntitlements"/> works it out: every week from
/// the first register row or window week to the last, what each rule said about it, and the
/// <see cref="Entitlement"/> that follows (the same the fast <see cref="EntitlementCalculator"/> gives).
/// </summary>
/// <param name="Window">Rule 1; null without a course end.</param>
/// <param name="Periods">Rules 2 and 6: each period's counted weeks and status.</param>
/// <param name="Spells">Rule 5: every spell of the history as of the run date, in week order.</param>
/// <param name="AchievedIn">Rule 9: the week the citizen achieved self-sufficiency; null while not.</param>
/// <param name="Weeks">One per week, in order; see <see cref="WeekTrace"/>.</param>
public sealed record EntitlementTrace(
    Referral Referral,
    DateOnly AsOf,
    PaymentWindow? Window,
    IReadOnlyList<PeriodTrace> Periods,
    IReadOnlyList<Spell> Spells,
    IsoWeek? AchievedIn,
    IReadOnlyList<WeekTrace> Weeks,
    Entitlement Entitlement);

/// <summary>A verification period (rule 2) and its status (rule 6).</summary>
public sealed record PeriodTrace(PeriodWeeks Weeks, PeriodStatus Status)
{
    public int Index => Weeks.Index;
}

/// <summary>
/// One week: its register row (<see cref="Code"/> null: no row) and class (rule 4; null: unknown), whether it is final
/// (rule 3) and suspended, its period (rule 2; null outside the periods) and spell (rule 5; null when in none), the
/// tariff in force on its Monday (rule 7) and the price of its class under it, and what it earns after the caps (rule 8)
/// — or, in <see cref="Outcome"/>, why it earns nothing.
/// </summary>
public sealed record WeekTrace(
    IsoWeek Week,
    BenefitCode? Code,
    WeekClass? Class,
    bool Final,
    bool Suspended,
    int? Period,
    Spell? Spell,
    WeekOutcome Outcome,
    Tariff? Tariff,
    decimal? UnitPrice,
    decimal CapReduction,
    decimal Amount)
{
    /// <summary>Paid, in full or in part or capped to nothing: a week on the invoice's lines.</summary>
    public bool IsPaid => Outcome is WeekOutcome.Paid or WeekOutcome.PaidInPart or WeekOutcome.CappedAway;
}

/// <summary>What a week earns, or the first rule that says it earns nothing (in this order).</summary>
public enum WeekOutcome
{
    /// <summary>Paid its tariff in full.</summary>
    Paid,
    /// <summary>Rule 8: a cap took part of it.</summary>
    PaidInPart,
    /// <summary>Rule 8: a cap took all of it (it is still on its line, with the reduction).</summary>
    CappedAway,
    /// <summary>Rule 1: not in the payment window (or there is none yet).</summary>
    OutsideWindow,
    /// <summary>The suspension rule: a neutral week.</summary>
    Suspended,
    /// <summary>Rule 4: no register row, the week is unknown.</summary>
    NoRow,
    /// <summary>Rule 3: not final yet.</summary>
    NotFinal,
    /// <summary>Rule 4: a benefit week (class None).</summary>
    BenefitWeek,
    /// <summary>Rule 5: its spell is shorter than minSustainedWeeks.</summary>
    SpellTooShort,
    /// <summary>Rule 6: another week of its period is not final yet.</summary>
    PeriodOpen,
    /// <summary>Rule 6: another week of its period has no register row.</summary>
    PeriodHeld,
    /// <summary>Rule 7: no tariff is in force on its Monday (reported as a problem).</summary>
    NoTariff,
    /// <summary>Rule 7: another payable week of its period has no tariff, so the period is not paid.</summary>
    PeriodNotPriced,
}

/// <summary>The programme as <see cref="ReadableEntitlements.ExplainProgramme"/> works it out: every participant's trace after the programme cap.</summary>
public sealed record ProgrammeTrace(IReadOnlyList<EntitlementTrace> Participants, ProgrammeEntitlements Result);
