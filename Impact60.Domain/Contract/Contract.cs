using Impact60.Domain.Primitives;
using Impact60.Domain.Rules;

// The namespace is "Contracts" (folder Contract/) so that the type name Contract never collides with a namespace.
namespace Impact60.Domain.Contracts;

/// <summary>
/// The programme contract as loaded from its JSON file (docs/contract-file.md): every parameter the entitlement,
/// settlement and notices depend on. Immutable; build one with <see cref="ContractLoader.Load"/>, which enforces the
/// bounds and cross-field rules of <see cref="ContractLimits"/>.
/// </summary>
public sealed record Contract(
    string Programme,
    string? Description,
    string Currency,
    int ReferralCap,
    Classification Classification,
    IReadOnlyList<Tariff> Tariffs,
    int PaymentWindowWeeks,
    int VerificationPeriodWeeks,
    int MaturityWeeks,
    int MinSustainedWeeks,
    int TargetSustainedWeeks,
    decimal TargetShare,
    Caps Caps,
    IReadOnlyList<Suspension> Suspensions,
    decimal VatRate,
    Parties Parties,
    Invoicing Invoicing,
    IReadOnlyList<RevenuePlanEntry> RevenuePlan)
{
    /// <summary>The default of <see cref="MaxCourseEndWeeksAhead"/>: a year.</summary>
    public const int DefaultMaxCourseEndWeeksAhead = 52;

    /// <summary>
    /// Whether the same person may be referred again under a new referral id (<c>allowReReferral</c>, optional). Default
    /// false: one person, one referral in a programme.
    /// </summary>
    public bool AllowReReferral { get; init; }

    /// <summary>
    /// How many weeks after a delivery's date a referral's course end may lie (<c>maxCourseEndWeeksAhead</c>, optional,
    /// 0 to 520, default <see cref="DefaultMaxCourseEndWeeksAhead"/>).
    /// </summary>
    public int MaxCourseEndWeeksAhead { get; init; } = DefaultMaxCourseEndWeeksAhead;

    /// <summary>Referrals needed to meet the target: ⌈targetShare × referralCap⌉ (60 of 120 for IMPACT60), rule 9.</summary>
    public int TargetCount => ProgrammeTarget.Count(TargetShare, ReferralCap);
}

/// <summary>Price per week by class, in force from <see cref="ValidFrom"/> (compared with the week's Monday).</summary>
/// <remarks>Which tariff prices a week, and at what, is rule 7 (<see cref="Rules.Pricing"/>).</remarks>
public sealed record Tariff(DateOnly ValidFrom, decimal Full, decimal Partial);

/// <summary>Optional amount caps (rule 8); null means no cap.</summary>
public sealed record Caps(decimal? PerParticipant, decimal? Programme);

/// <summary>Neutral weeks <see cref="From"/>..<see cref="To"/> inclusive (force majeure).</summary>
public sealed record Suspension(IsoWeek From, IsoWeek To, string Reason)
{
    public int Weeks => To.WeeksSince(From) + 1;
}

public sealed record Parties(Payer Payer, Supplier Supplier, IReadOnlyList<Fund> Funds, Jobcenter Jobcenter);

/// <summary>The municipality: a Danish public buyer, addressed by EAN (GLN) for e-invoices.</summary>
public sealed record Payer(string Name, string Cvr, string Ean, string BuyerReference, string Email, PostalAddress Address);

public sealed record Supplier(string Name, string Cvr, string Email, PostalAddress Address, BankAccount Bank);

public sealed record PostalAddress(string Street, string City, string PostalCode, string Country);

/// <summary>Danish bank account: registration number (4 digits) and account number (up to 10 digits).</summary>
public sealed record BankAccount(string RegNo, string Account, string? Iban, string? Bic);

/// <summary>An investor fund that receives aggregate notices; <see cref="DeficitGuarantee"/> is its guarantee, if any.</summary>
public sealed record Fund(string Name, string Email, decimal? DeficitGuarantee);

public sealed record Jobcenter(string Name, string Email);

public sealed record Invoicing(
    string InvoiceSeries,
    string CreditNoteSeries,
    int PaymentTermsDays,
    PaymentMeans PaymentMeans,
    string? VatExemptionReason);

public enum PaymentMeansType
{
    BankTransfer,
    /// <summary>Danish FI-kort (girokort) payment: needs a creditor number.</summary>
    Fik,
}

public sealed record PaymentMeans(PaymentMeansType Type, string? CreditorNumber);

/// <summary>Expected cumulative revenue by the end of a month (for the funds' notice).</summary>
public sealed record RevenuePlanEntry(int Year, int Month, decimal Cumulative)
{
    public DateOnly ThroughLastDay => new(Year, Month, DateTime.DaysInMonth(Year, Month));
    public override string ToString() => $"{Year:D4}-{Month:D2}: {Cumulative}";
}
