using Impact60.Application.Settlement;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Verification;

/// <summary>
/// A participant's entitlement as the nightly verification last computed it — a cache of a pure function of
/// (contract, referral, stored weeks, run date), never accumulated state. <see cref="ReviewOn"/> is the first date on
/// which the same data could give another answer (the next week becoming final), so the nightly run recomputes a
/// participant when its data changed or when that date has come.
/// </summary>
public sealed record StoredEntitlement(
    Pseudonym Person,
    string ReferralId,
    string FokusRef,
    DateOnly AsOf,
    DateOnly? ReviewOn,
    bool InCourse,
    decimal Amount,
    int FullWeeksPaid,
    int PartialWeeksPaid,
    bool AchievedSelfSufficiency,
    IReadOnlyList<StoredPeriod> Periods,
    IReadOnlyList<StoredLine> Lines,
    IReadOnlyList<string> MissingFinalWeeks,
    IReadOnlyList<string> Problems);

public sealed record StoredPeriod(int Index, string FirstWeek, string LastWeek, string Status, decimal Amount, IReadOnlyList<string> MissingWeeks);

/// <summary>One settlement grain of an entitlement: quantity × unit price − cap reduction = amount.</summary>
public sealed record StoredLine(int PeriodIndex, string PeriodFirstWeek, string PeriodLastWeek, WeekClass Class, decimal UnitPrice,
    int Weeks, decimal Gross, decimal CapReduction, decimal Amount)
{
    public string GrainKey(string referralId) => LedgerKeys.Grain(referralId, PeriodIndex, Class, UnitPrice);
}
