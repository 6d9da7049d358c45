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
        var existing = await entitlements.ReadAsync(referral.Person, ct);
        if (existing is not null && existing.AsOf > asOf)
        {
            logger.LogInformation("Verify: {ReferralId} already verified as of {StoredAsOf}, later than {AsOf}; kept", referralId, existing.AsOf, asOf);
            return existing;
        }
        var result = await ComputeAsync(referral, asOf, ct);
        await entitlements.WriteAsync(result, ct);
        return result;
    }

    /// <summary>Computes without storing (for a settlement as of a date earlier than what is stored).</summary>
    public async Task<StoredEntitlement> ComputeAsync(Referral referral, DateOnly asOf, CancellationToken ct)
    {
        var weeks = await participants.ReadWeeksAsync(referral.Person, ct);
        return ToStored(calculator.Compute(referral, weeks, asOf), referral, weeks, calculator);
    }

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
    /// With unchanged data an entitlement changes only when another week becomes final (rule 3). That matters while a
    /// week of the payment window is not final yet, or — until the target is achieved — while a reported week is not final
    /// (a spell can still grow to the target, rule 9). Otherwise only new data can change it, and new data is a change
    /// the nightly ingestion reports anyway: no review date.
    /// </summary>
    public static DateOnly? ReviewOn(Entitlement e, ReadOnlySpan<RegisterWeek> weeks, EntitlementCalculator calculator)
    {
        var lastFinal = calculator.LastFinalOrdinal(e.AsOf);
        var windowPending = e.Window is { } w && w.LastWeek.Ordinal > lastFinal;
        var dataPending = false;
        if (!e.AchievedSelfSufficiency)
            foreach (var week in weeks)
                if (week.Week.Ordinal > lastFinal) { dataPending = true; break; }
        if (!windowPending && !dataPending) return null;
        // The next week to become final is lastFinal + 1; it is final from its Sunday + maturity weeks.
        return IsoWeek.FromOrdinal(lastFinal + 1).Sunday.AddDays(7 * calculator.Contract.MaturityWeeks);
    }
}
