using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Register;
using Microsoft.Extensions.Logging;

namespace Impact60.Application.Verification;

/// <summary>
/// Every participant's entitlement exactly as of a settlement's run date, recomputed from the stored weeks and written
/// through to the store (unless the store holds a later result). With a programme cap the whole programme is computed
/// together, because that cap depends on everyone (rule 8).
/// </summary>
/// <remarks>
/// One participant's bad data never stops the settlement of the others: a participant whose computation fails is
/// returned in <see cref="EntitlementsAsOf.Failed"/> (referral id, FOKUS reference, a short masked reason) and left
/// out (the settlement logs it and puts it in its plan); nothing is written for them. A failure to read storage is not a participant's failure and
/// fails the whole read, as before (the settlement is retried).
/// </remarks>
public sealed class CurrentEntitlements(
    ParticipantStore participants,
    EntitlementStore store,
    VerificationService verification,
    ILogger<CurrentEntitlements> logger) : IEntitlementReader
{
    public async Task<EntitlementsAsOf> ReadAllAsync(DateOnly asOf, CancellationToken ct)
    {
        var referrals = await participants.ReadReferralsAsync(ct);
        var calculator = new EntitlementCalculator(verification.Contract);
        var failed = new List<ComputationFailure>();
        if (verification.Contract.Caps.Programme is not null)
        {
            var all = new List<(Referral, RegisterWeek[])>();
            foreach (var r in referrals) all.Add((r, await participants.ReadWeeksAsync(r.Person, ct)));
            var programme = calculator.ComputeProgramme(all, asOf);
            failed.AddRange(programme.Failed);
            var byId = all.ToDictionary(x => x.Item1.ReferralId, StringComparer.Ordinal);
            var computed = new List<StoredEntitlement>();
            foreach (var e in programme.Participants)
            {
                var (referral, weeks) = byId[e.ReferralId];
                try { computed.Add(VerificationService.ToStored(e, referral, weeks, calculator)); }
                catch (Exception error) when (error is not OutOfMemoryException) { failed.Add(ComputationFailure.Of(referral, error)); }
            }
            return Result(computed, failed);
        }

        // Money is never computed from a cache: every participant is recomputed as of the settlement's date from the stored
        // weeks (a few reads each, once a month). The nightly results are written through, and a stored result that claimed
        // to be current but differs is logged: it would mean a review date was missed.
        var stored = await store.ReadAllForUpdateAsync(ct);
        var result = new List<StoredEntitlement>();
        var stale = 0;
        foreach (var referral in referrals)
        {
            var weeks = await participants.ReadWeeksAsync(referral.Person, ct);
            StoredEntitlement fresh;
            try
            {
                fresh = verification.Compute(referral, weeks, asOf);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                failed.Add(ComputationFailure.Of(referral, error));
                continue;
            }
            stored.TryGetValue(referral.Person, out var row);
            var e = row.Entitlement;
            if (e is not null && e.AsOf <= asOf && (e.ReviewOn is null || e.ReviewOn > asOf) && e.ReferralId == referral.ReferralId
                && (e.Amount != fresh.Amount || e.AchievedSelfSufficiency != fresh.AchievedSelfSufficiency || e.Lines.Count != fresh.Lines.Count))
            {
                stale++;
                logger.LogWarning("Stored entitlement of {ReferralId} (as of {StoredAsOf}) differs from its recomputation as of {AsOf}", referral.ReferralId, e.AsOf, asOf);
            }
            if (e is null || e.AsOf <= asOf) await store.WriteUnlessNewerAsync(fresh, e is null ? null : row.ETag, ct);
            result.Add(fresh);
        }
        logger.LogInformation("Settlement as of {AsOf}: {Total} entitlements recomputed; {Stale} stored results were stale", asOf, result.Count, stale);
        return Result(result, failed);
    }

    private static EntitlementsAsOf Result(List<StoredEntitlement> computed, List<ComputationFailure> failed) =>
        new(
            computed.OrderBy(e => e.ReferralId, StringComparer.Ordinal).ToList(),
            failed.OrderBy(f => f.ReferralId, StringComparer.Ordinal).ToList());
}
