using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;
using Impact60.Domain.Text;

namespace Impact60.Domain.Entitlements;

/// <summary>Rule 6: a verification period is paid only as a whole, once verified.</summary>
public enum PeriodStatus
{
    /// <summary>Some counted week is not final yet (rule 3).</summary>
    Open,
    /// <summary>All counted weeks are final but at least one has no register row: the jobcenter owes data.</summary>
    Held,
    /// <summary>All counted weeks are final and reported: the period earns (rule 7).</summary>
    Verified,
}

/// <summary>One sustained week of a verified period: what it earns before (<see cref="Tariff"/>) and after caps.</summary>
public readonly record struct PaidWeek(IsoWeek Week, WeekClass Class, decimal Tariff, decimal CapReduction)
{
    public decimal Amount => Tariff - CapReduction;
}

/// <summary>
/// The settlement grain: one participant, one verification period, one week class at one unit price. The unit price is
/// part of the key so that a tariff change inside a period yields two lines, each Weeks × UnitPrice − CapReduction.
/// </summary>
public readonly record struct LineKey(string ReferralId, int PeriodIndex, WeekClass Class, decimal UnitPrice)
{
    public override string ToString() => $"{ReferralId}/P{PeriodIndex}/{Class}@{UnitPrice}";
}

/// <summary>What a participant is entitled to at one <see cref="Key"/>: the sum of its <see cref="PaidWeek"/>s.</summary>
public sealed record EntitlementLine(
    string ReferralId,
    string FokusRef,
    int PeriodIndex,
    IsoWeek PeriodFirstWeek,
    IsoWeek PeriodLastWeek,
    WeekClass Class,
    decimal UnitPrice,
    int Weeks,
    decimal Gross,
    decimal CapReduction,
    decimal Amount)
{
    public LineKey Key => new(ReferralId, PeriodIndex, Class, UnitPrice);
}

/// <summary>Rule 2: a consecutive block of counted weeks of the payment window (suspended weeks belong to none).</summary>
public sealed record VerificationPeriod(
    int Index,
    IsoWeek FirstWeek,
    IsoWeek LastWeek,
    int CountedWeeks,
    PeriodStatus Status,
    decimal Amount,
    IReadOnlyList<PaidWeek> PaidWeeks,
    IReadOnlyList<EntitlementLine> Lines);

public enum EntitlementProblemKind
{
    /// <summary>Rule 7: a payable week has no tariff in force on its Monday; its period is not paid until the contract covers it.</summary>
    NoTariffInForce,

    /// <summary>
    /// The participant's entitlement could not be computed at all (data the engine cannot take, such as a course end far
    /// outside the accepted dates). Reported as a <see cref="ComputationFailure"/>: the participant is left out of the
    /// programme's figures, and out of a settlement, until the data is corrected; the others are computed as usual.
    /// </summary>
    ComputationFailed,
}

/// <summary>Something that keeps money from being owed that a person must fix; never a silent zero.</summary>
public sealed record EntitlementProblem(EntitlementProblemKind Kind, string ReferralId, int PeriodIndex, IsoWeek Week, string Message)
{
    /// <summary>Rule 7: <paramref name="week"/> of period <paramref name="periodIndex"/> is payable but no tariff is in force on its Monday.</summary>
    public static EntitlementProblem NoTariff(string referralId, int periodIndex, IsoWeek week) =>
        new(EntitlementProblemKind.NoTariffInForce, referralId, periodIndex, week,
            $"Referral {referralId}, period {periodIndex}: week {week} is payable but no tariff is in force on {week.Monday:yyyy-MM-dd}; the period is not paid until the contract has a tariff for it.");
}

/// <summary>
/// A participant whose entitlement could not be computed (<see cref="EntitlementProblemKind.ComputationFailed"/>): the
/// referral id, the FOKUS reference and a short reason, CPR-masked and safe to show (never the pseudonym: nobody acting
/// on it needs it). One participant's bad data never stops the others: it is reported and left out.
/// </summary>
public sealed record ComputationFailure(string ReferralId, string FokusRef, string Reason)
{
    /// <summary>How much of an exception's message a reason keeps.</summary>
    public const int ReasonLength = 200;

    public EntitlementProblemKind Kind => EntitlementProblemKind.ComputationFailed;

    /// <summary>
    /// The failure of <paramref name="referral"/>'s computation: the exception's message on one line, without the
    /// "Referral {id}: " prefix the engine's own messages carry or the "(Parameter '…')" suffix of an argument
    /// exception or a closing full stop, CPR-masked, control characters escaped, cut at <see cref="ReasonLength"/> characters.
    /// </summary>
    public static ComputationFailure Of(Referral referral, Exception error)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(error);
        return new ComputationFailure(referral.ReferralId, referral.FokusRef, ReasonOf(referral.ReferralId, error));
    }

    public static string ReasonOf(string referralId, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message;
        if (error is ArgumentException { ParamName: { } param } && message.EndsWith($" (Parameter '{param}')", StringComparison.Ordinal))
            message = message[..^$" (Parameter '{param}')".Length];
        var prefix = $"Referral {referralId}: ";
        if (message.StartsWith(prefix, StringComparison.Ordinal)) message = message[prefix.Length..];
        // One line, without a closing full stop: the reason is quoted inside a sentence ("…: {reason}; what is owed …").
        message = string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
        if (message.Length == 0) message = error.GetType().Name;
        return SafeText.Show(Cpr.MaskAll(message), ReasonLength);
    }
}

/// <summary>
/// What one participant is owed as of a run date: a deterministic function of (contract, referral, register weeks,
/// run date), recomputed from scratch every time. <see cref="Amount"/> is after caps.
/// </summary>
public sealed record Entitlement(
    string ReferralId,
    string FokusRef,
    Pseudonym Person,
    DateOnly AsOf,
    DateOnly? CourseEnd,
    PaymentWindow? Window,
    IReadOnlyList<VerificationPeriod> Periods,
    decimal Amount,
    int FullWeeksPaid,
    int PartialWeeksPaid,
    bool AchievedSelfSufficiency,
    IsoWeek? AchievedInWeek,
    IReadOnlyList<IsoWeek> MissingFinalWeeks,
    IReadOnlyList<EntitlementProblem> Problems)
{
    /// <summary>All settlement lines of all periods, in period order.</summary>
    public IEnumerable<EntitlementLine> Lines => Periods.SelectMany(p => p.Lines);

    public IEnumerable<VerificationPeriod> HeldPeriods => Periods.Where(p => p.Status == PeriodStatus.Held);
}

/// <summary>
/// Every participant's entitlement after the programme cap, with the programme's totals. A participant whose computation
/// failed is in <see cref="Failed"/> and in no other figure but <see cref="Referred"/> (the citizen was referred all the
/// same): not in <see cref="Participants"/>, the amounts, <see cref="InCourse"/> or <see cref="Achieved"/>.
/// </summary>
public sealed record ProgrammeEntitlements(
    DateOnly AsOf,
    IReadOnlyList<Entitlement> Participants,
    IReadOnlyList<ComputationFailure> Failed,
    int Referred,
    int InCourse,
    int Achieved,
    decimal EntitledAmount,
    decimal ProgrammeCapReduction,
    int ReferralCap,
    decimal TargetShare,
    int TargetCount)
{
    /// <summary>
    /// Progress against the target as achieved / referralCap (rule 9, <see cref="ProgrammeTarget"/>: the denominator is
    /// the referral cap, not the number referred so far).
    /// </summary>
    public decimal TargetProgress => ProgrammeTarget.Progress(Achieved, ReferralCap);

    public bool TargetMet => ProgrammeTarget.Met(Achieved, TargetCount);

    public IEnumerable<EntitlementLine> Lines => Participants.SelectMany(p => p.Lines);
}
