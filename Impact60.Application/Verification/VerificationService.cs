using Impact60.Application.Storage;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Microsoft.Extensions.Logging;

namespace Impact60.Application.Verification;

/// <summary>
/// Verifies one participant: recomputes the entitlement from scratch from the stored referral and weeks (DOMAIN.md:
/// "nothing about it is accumulated state") and stores the result. Safe to run twice, late, or out of order:
/// a result is never replaced by one computed for an earlier run date.
/// </summary>
public sealed class VerificationService(
    ParticipantStore participants,
    EntitlementStore entitlements,
    EntitlementCalculator calculator,
    ILogger<VerificationService> logger)
{
    public Contract Contract => calculator.Contract;

    public async Task<StoredEntitlement?> VerifyAsync(string referralId, DateOnly asOf, CancellationToken ct)
    {
        var referral = await participants.ReadReferralAsync(referralId, ct);
        if (referral is null)
        {
            logger.LogWarning("Verify: referral {ReferralId} is not stored; nothing to verify", referralId);
            return null;
        }
        var (existing, etag) = await entitlements.ReadForUpdateAsync(referral.Person, ct);
        if (existing is not null && existing.AsOf > asOf)
        {
            logger.LogInformation("Verify: {ReferralId} already verified as of {StoredAsOf}, later than {AsOf}; kept", referralId, existing.AsOf, asOf);
            return existing;
        }
        var weeks = await participants.ReadWeeksAsync(referral.Person, ct);
        StoredEntitlement result;
        try
        {
            result = Compute(referral, weeks, asOf);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The participant's data cannot be computed (a date outside the calendar's reach, say): what is stored stays
            // as it is. The message is retried and ends in the poison queue; the next night queues the participant again,
            // so once the data is corrected it heals by itself. The reason is masked; the exception is not logged, as its
            // message is not.
            var failure = ComputationFailure.Of(referral, e);
            logger.LogError("Verify: the entitlement of {ReferralId} ({FokusRef}) cannot be computed as of {AsOf}: {Reason}; what is stored is kept until the data is corrected",
                failure.ReferralId, failure.FokusRef, asOf, failure.Reason);
            throw new ParticipantComputationException(failure);
        }
        var stored = await entitlements.WriteUnlessNewerAsync(result, etag, ct);
        if (!ReferenceEquals(stored, result))
            logger.LogInformation("Verify: {ReferralId} was verified as of {StoredAsOf} meanwhile, later than {AsOf}; kept", referralId, stored.AsOf, asOf);
        return stored;
    }

    /// <summary>
    /// Computes without storing (for a settlement as of a date earlier than what is stored): pure, no storage access, so
    /// that whatever it throws is about this participant's data and nothing else.
    /// </summary>
    public StoredEntitlement Compute(Referral referral, RegisterWeek[] weeks, DateOnly asOf) =>
        ToStored(calculator.Compute(referral, weeks, asOf), referral, weeks, calculator);

    /// <summary>The stored form of an entitlement, with the date it must be looked at again although no data changed.</summary>
    public static StoredEntitlement ToStored(Entitlement e, Referral referral, ReadOnlySpan<RegisterWeek> weeks, EntitlementCalculator calculator) => new(
        e.Person, e.ReferralId, e.FokusRef, e.AsOf, ReviewOn(e, weeks, calculator), referral.CourseEnd is null,
        e.Amount, e.FullWeeksPaid, e.PartialWeeksPaid, e.AchievedSelfSufficiency,
        e.Periods.Select(p => new StoredPeriod(p.Index, p.FirstWeek.ToString(), p.LastWeek.ToString(), p.Status.ToString(), p.Amount,
            e.MissingFinalWeeks.Where(w => w >= p.FirstWeek && w <= p.LastWeek).Select(w => w.ToString()).ToList())).ToList(),
        e.Lines.Select(l => new StoredLine(l.PeriodIndex, l.PeriodFirstWeek.ToString(), l.PeriodLastWeek.ToString(), l.Class, l.UnitPrice,
            l.Weeks, l.Gross, l.CapReduction, l.Amount)).ToList(),
        e.MissingFinalWeeks.Select(w => w.ToString()).ToList(),
        e.Problems.Select(p => p.Message).ToList());

    /// <summary>
    /// The date the entitlement must be looked at again although no data changed (rules 3, 5, 6 and 9:
    /// <see cref="ReviewDate"/>); null when only new data can change it. Settlement does not rely on this: it recomputes
    /// every participant as of its own date (<see cref="CurrentEntitlements"/>).
    /// </summary>
    public static DateOnly? ReviewOn(Entitlement e, ReadOnlySpan<RegisterWeek> weeks, EntitlementCalculator calculator) =>
        ReviewDate.Of(e, weeks, calculator.Rules);
}

/// <summary>
/// A participant's entitlement could not be computed from its stored data. The message is the masked reason only (no
/// inner exception, whose message could quote anything), so the host may log it as it is.
/// </summary>
public sealed class ParticipantComputationException(ComputationFailure failure)
    : Exception($"Referral {failure.ReferralId}: the computation failed: {failure.Reason}")
{
    public ComputationFailure Failure { get; } = failure;
}
