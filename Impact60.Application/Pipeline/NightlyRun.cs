using Impact60.Application.RegisterApi;
using Impact60.Application.Storage;
using Impact60.Application.Verification;
using Impact60.Domain.Primitives;
using Microsoft.Extensions.Logging;

namespace Impact60.Application.Pipeline;

public sealed record NightlyResult(DateOnly AsOf, PullResult? Pull, int Changed, int DueForReview, int NeverVerified, int Enqueued);

/// <summary>
/// One night: pull the register (when an API is configured), then ask for verification of exactly the participants whose
/// entitlement can have changed — those whose data changed, those whose review date has come (a week matured), and any
/// referral never verified yet (so a lost message heals the next night). Everything else is left alone: the work is
/// proportional to what changed. Running a night twice, late, or skipping one changes only the timing.
/// </summary>
public sealed class NightlyRun(
    ParticipantStore participants,
    EntitlementStore entitlements,
    VerifyQueue verifyQueue,
    ILogger<NightlyRun> logger,
    RegisterPull? pull = null)
{
    public async Task<NightlyResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        PullResult? pulled = null;
        var changed = new HashSet<Pseudonym>();
        if (pull is not null)
        {
            pulled = await pull.PullAsync(asOf, ct);
            changed.UnionWith(pulled.ChangedParticipants);
        }
        var due = await entitlements.DueForReviewAsync(asOf, ct);
        var referrals = await participants.ReadReferralsAsync(ct);
        var verified = await entitlements.ReadPersonsAsync(ct);
        var neverVerified = referrals.Where(r => !verified.Contains(r.Person)).Select(r => r.Person).ToList();

        var wanted = new HashSet<Pseudonym>(changed);
        wanted.UnionWith(due);
        wanted.UnionWith(neverVerified);
        var ids = referrals.Where(r => wanted.Contains(r.Person)).Select(r => r.ReferralId).ToList();
        var enqueued = await verifyQueue.EnqueueAsync(ids, asOf, ct);
        logger.LogInformation("Night {AsOf}: {Changed} changed, {Due} due for review, {Never} never verified; {Enqueued} verify messages",
            asOf, changed.Count, due.Count, neverVerified.Count, enqueued);
        return new NightlyResult(asOf, pulled, changed.Count, due.Count, neverVerified.Count, enqueued);
    }

    /// <summary>After an ingestion (file drop or CLI): verify the participants it changed.</summary>
    public async Task<int> VerifyChangedAsync(IReadOnlyCollection<Pseudonym> changedParticipants, DateOnly asOf, CancellationToken ct)
    {
        if (changedParticipants.Count == 0) return 0;
        var set = changedParticipants.ToHashSet();
        var ids = (await participants.ReadReferralsAsync(ct)).Where(r => set.Contains(r.Person)).Select(r => r.ReferralId);
        return await verifyQueue.EnqueueAsync(ids, asOf, ct);
    }
}
