using Impact60.Domain.Primitives;

namespace Impact60.Application.Settlement;

/// <summary>Where a settlement stands. A settlement moves Numbered → Issued and never back.</summary>
public enum SettlementStatus
{
    /// <summary>Document numbers are allocated and the plan is fixed; documents may be partly written.</summary>
    Numbered,
    /// <summary>Every ledger write is done; documents, notices and the event were produced.</summary>
    Issued,
}

/// <summary>One settlement period (a calendar month) in the ledger.</summary>
public sealed record SettlementRecord(
    string Period,
    DateOnly AsOf,
    SettlementStatus Status,
    string PlanBlob,
    string PlanSha256,
    string? InvoiceNumber,
    string? CreditNoteNumber,
    decimal InvoiceTotal,
    decimal CreditTotal)
{
    public IEnumerable<string> DocumentNumbers =>
        new[] { InvoiceNumber, CreditNoteNumber }.Where(n => n is not null)!;
}

/// <summary>A line of a settlement plan: the difference between entitlement and what was invoiced at one grain.</summary>
public sealed record PlannedLine(
    string ReferralId,
    string FokusRef,
    int PeriodIndex,
    string PeriodFirstWeek,
    string PeriodLastWeek,
    WeekClass Class,
    decimal UnitPrice,
    int Weeks,
    decimal Gross,
    decimal CapReduction,
    decimal Amount,
    string? CorrectsInvoiceNumber)
{
    /// <summary>The settlement grain: participant, verification period, week class and tariff.</summary>
    public string GrainKey => LedgerKeys.Grain(ReferralId, PeriodIndex, Class, UnitPrice);
}

/// <summary>
/// What a settlement will issue, fixed before any number is allocated. Stored content-addressed (its SHA-256 in the name),
/// so a crash after numbering is followed by a rerun that issues exactly this plan, whatever the register did since.
/// Invoice lines are positive amounts; credit lines are positive amounts to be credited.
/// </summary>
public sealed record SettlementPlan(
    string Programme,
    string Period,
    DateOnly AsOf,
    DateOnly IssueDate,
    DateOnly DueDate,
    IReadOnlyList<PlannedLine> InvoiceLines,
    IReadOnlyList<PlannedLine> CreditLines,
    ProgrammeSnapshot Snapshot)
{
    public decimal InvoiceTotal => InvoiceLines.Sum(l => l.Amount);
    public decimal CreditTotal => CreditLines.Sum(l => l.Amount);
    public bool IsEmpty => InvoiceLines.Count == 0 && CreditLines.Count == 0;
}

/// <summary>
/// The programme as the settlement saw it, kept in the plan so that the notices sent for this settlement tell exactly
/// what was true when it was issued, however late a notice is retried. Referral ids and FOKUS references only; the funds'
/// notice uses the counts alone.
/// </summary>
/// <param name="NotSettled">
/// Participants whose entitlement could not be computed and who were left out of this settlement altogether: nothing
/// invoiced, nothing credited, their invoiced grains as they were. Null in a plan written before this was recorded (read
/// it through <see cref="LeftOut"/>).
/// </param>
public sealed record ProgrammeSnapshot(
    int Referred,
    int InCourse,
    int Achieved,
    IReadOnlyList<SnapshotHeldPeriod> HeldPeriods,
    IReadOnlyList<SnapshotDataGap> DataGaps,
    IReadOnlyList<SnapshotNotSettled>? NotSettled = null)
{
    /// <summary><see cref="NotSettled"/>, empty when none (or when the plan predates it).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<SnapshotNotSettled> LeftOut => NotSettled ?? [];
}

/// <summary>
/// A participant left out of a settlement because the entitlement could not be computed: FOKUS is told, the operator
/// sees it, and what is owed is settled by the first settlement after the data is corrected.
/// </summary>
public sealed record SnapshotNotSettled(string ReferralId, string FokusRef, string Reason);

/// <summary>A verification period whose weeks are final but not all reported: FOKUS is told what is missing.</summary>
public sealed record SnapshotHeldPeriod(string ReferralId, string FokusRef, int PeriodIndex, IReadOnlyList<string> MissingWeeks);

/// <summary>Weeks past maturity with no register row: the jobcenter is told.</summary>
public sealed record SnapshotDataGap(string ReferralId, IReadOnlyList<string> MissingWeeks);

/// <summary>What has been invoiced so far at one grain, net of credits.</summary>
public sealed record InvoicedGrain(
    string ReferralId,
    string FokusRef,
    string PeriodFirstWeek,
    string PeriodLastWeek,
    int PeriodIndex,
    WeekClass Class,
    decimal UnitPrice,
    int Weeks,
    decimal Gross,
    decimal CapReduction,
    decimal Amount,
    string LastInvoiceNumber,
    string LastSettlement);

public static class LedgerKeys
{
    public static string Grain(string referralId, int periodIndex, WeekClass cls, decimal unitPrice) =>
        $"{referralId}|{periodIndex:D3}|{cls}|{MoneyText.Format(unitPrice)}";
}

/// <summary>
/// Amounts as invariant decimal text, how the ledger stores them (Tables has no decimal type), so no binary floating
/// point ever touches an amount. Rounding itself is <see cref="Impact60.Domain.Settlement.Money.Round"/>, stated once.
/// </summary>
public static class MoneyText
{
    public static string Format(decimal amount) => amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    public static decimal Parse(string text) =>
        decimal.Parse(text, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture);
}
