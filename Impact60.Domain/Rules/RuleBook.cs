using Impact60.Domain.Contracts;
using Impact60.Domain.Register;

namespace Impact60.Domain.Rules;

/// <summary>
/// The rules of docs/contract-rules.md for one contract, each a small type of its own in this folder, built once from
/// the contract's parameters: what both entitlement engines, the review dates and the intake are made of.
/// </summary>
public sealed class RuleBook
{
    public RuleBook(Contract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        // maturityWeeks may be 0 (a week final on its own Sunday); the other week counts must be positive.
        if (contract.PaymentWindowWeeks < 1 || contract.VerificationPeriodWeeks < 1 || contract.MaturityWeeks < 0
            || contract.MinSustainedWeeks < 1 || contract.TargetSustainedWeeks < 1)
            throw new ArgumentException("The contract's week counts must be positive (maturity 0 or more); load it with ContractLoader.", nameof(contract));
        Contract = contract;
        Suspensions = new Suspensions(contract.Suspensions);
        Finality = new Finality(contract.MaturityWeeks);
        Spells = new Spells(contract.MinSustainedWeeks, Finality, Suspensions);
        Pricing = new Pricing(contract.Tariffs);
        Intake = ReferralIntake.Of(contract);
    }

    public Contract Contract { get; }

    /// <summary>The suspension rule: which weeks are neutral.</summary>
    public Suspensions Suspensions { get; }

    /// <summary>Rule 3.</summary>
    public Finality Finality { get; }

    /// <summary>Rule 4.</summary>
    public Classification Classification => Contract.Classification;

    /// <summary>Rule 5.</summary>
    public Spells Spells { get; }

    /// <summary>Rule 7.</summary>
    public Pricing Pricing { get; }

    /// <summary>R1-R3.</summary>
    public ReferralIntake Intake { get; }

    /// <summary>Rule 1: the referral's payment window; null while it has no course end.</summary>
    public PaymentWindow? WindowOf(Referral referral)
    {
        ArgumentNullException.ThrowIfNull(referral);
        return PaymentWindow.After(referral.CourseEnd, Contract.PaymentWindowWeeks, Suspensions);
    }

    /// <summary>Rule 2: the verification periods of <paramref name="window"/>.</summary>
    public IReadOnlyList<PeriodWeeks> PeriodsOf(PaymentWindow window) =>
        VerificationPeriods.Cut(window, Contract.VerificationPeriodWeeks, Suspensions);

    /// <summary>Rule 8: the cap per participant and the cap over the programme (null: none).</summary>
    public decimal? ParticipantCap => Contract.Caps.PerParticipant;

    public decimal? ProgrammeCap => Contract.Caps.Programme;

    /// <summary>Rule 9: the spell weeks on or after the referral week a citizen needs, and the citizens the programme needs.</summary>
    public int TargetSustainedWeeks => Contract.TargetSustainedWeeks;

    public int TargetCount => ProgrammeTarget.Count(Contract);
}
