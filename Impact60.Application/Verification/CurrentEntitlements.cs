using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Domain.Entitlements;
using Microsoft.Extensions.Logging;

namespace Impact60.Application.Verification;

/// <summary>
/// Every participant's entitlement exactly as of a settlement's run date. The stored results are used where they are
/// valid on that date; a participant that was never verified, whose review date has come, or whose stored result is from
/// a later date (a month settled late) is recomputed from the stored weeks. With a programme cap the whole programme is
/// recomputed, because that cap depends on everyone (rule 8).
/// </summary>
public sealed class CurrentEntitlements(
    ParticipantStore participants,
    EntitlementStore store,
    VerificationService verification,
    ILogger<CurrentEntitlements> logger) : IEntitlementReader
{
    public async Task<IReadOnlyList<StoredEntitlement>> ReadAllAsync(DateOnly asOf, CancellationToken ct)
    {
        var referrals = await participants.ReadReferralsAsync(ct);
        var calculator = new EntitlementCalculator(verification.Contract);
        if (verification.Contract.Caps.Programme is not null)
        {
            var all = new List<(Domain.Register.Referral, Domain.Register.RegisterWeek[])>();
            foreach (var r in referrals) all.Add((r, await participants.ReadWeeksAsync(r.Person, ct)));
            var programme = calculator.ComputeProgramme(all, asOf);
            var byId = all.ToDictionary(x => x.Item1.ReferralId, StringComparer.Ordinal);
            return programme.Participants
                .Select(e => VerificationService.ToStored(e, byId[e.ReferralId].Item1, byId[e.ReferralId].Item2, calculator)).ToList();
        }

        var stored = (await store.ReadAllAsync(ct)).ToDictionary(e => e.Person);
        var result = new List<StoredEntitlement>();
        var recomputed = 0;
        foreach (var referral in referrals)
        {
            if (stored.TryGetValue(referral.Person, out var e) && e.AsOf <= asOf && (e.ReviewOn is null || e.ReviewOn > asOf)
                && e.ReferralId == referral.ReferralId)
            {
                result.Add(e);
                continue;
            }
            recomputed++;
            var fresh = await verification.ComputeAsync(referral, asOf, ct);
            if (e is null || e.AsOf <= asOf) await store.WriteAsync(fresh, ct);
            result.Add(fresh);
        }
        if (recomputed > 0)
            logger.LogInformation("Settlement as of {AsOf}: {Recomputed} of {Total} entitlements recomputed (not current in the store)", asOf, recomputed, referrals.Count);
        return result.OrderBy(e => e.ReferralId, StringComparer.Ordinal).ToList();
    }
}
