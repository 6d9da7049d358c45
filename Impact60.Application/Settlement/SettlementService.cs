using Impact60.Application.Verification;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Rules;
using Microsoft.Extensions.Logging;

namespace Impact60.Application.Settlement;

/// <summary>
/// Something a settlement produces after its ledger writes: documents, notices, an event. Must be idempotent:
/// a rerun after a crash calls it again with the same record and plan.
/// </summary>
public interface ISettlementOutput
{
    Task PublishAsync(SettlementRecord record, SettlementPlan plan, CancellationToken ct);
}

public sealed record SettlementOutcome(SettlementRecord Record, SettlementPlan Plan, bool AlreadyIssued)
{
    /// <summary>Participants left out of this settlement because their entitlement could not be computed (from the plan).</summary>
    public IReadOnlyList<SnapshotNotSettled> NotSettled => Plan.Snapshot.LeftOut;
}

/// <summary>
/// Monthly settlement: due = entitlement − already invoiced, per participant, verification period, week class and tariff
/// (DOMAIN.md "Settlement"). Steps, each safe to repeat: (1) fix the plan (content-addressed blob); (2) allocate the
/// numbers and record the settlement in one transaction, conditional on the ledger not having moved since the plan was
/// computed; (3) write documents and lines; (4) move the invoiced-so-far grains; (5) publish documents, notices and the
/// event; (6) mark issued. A rerun resumes from the ledger's state and issues exactly the recorded plan, so a crash after
/// any write gives the documents one clean run gives (tests/…/Settlement/SettlementCrashTests crash after every write).
/// A participant whose entitlement cannot be computed is left out of the difference altogether (nothing invoiced or
/// credited, its grains as they were), recorded in the plan, logged as an error and named in FOKUS's notice; the others
/// are settled as usual.
/// </summary>
public sealed class SettlementService(
    SettlementLedger ledger,
    SettlementPlanStore plans,
    IEntitlementReader entitlements,
    SettlementTerms terms,
    IEnumerable<ISettlementOutput> outputs,
    ILogger<SettlementService> logger)
{
    /// <summary>How often a plan is computed again because another settlement was numbered meanwhile (a race, not a loop).</summary>
    private const int MaxPlanAttempts = 5;

    public async Task<SettlementOutcome> SettleAsync(string period, DateOnly asOf, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var record = await ledger.GetSettlementAsync(period, ct);
            if (record is { Status: SettlementStatus.Issued })
            {
                logger.LogInformation("Settlement {Period} was already issued; returning its documents {Numbers}", period, string.Join(",", record.DocumentNumbers));
                return new SettlementOutcome(record, await plans.LoadAsync(record.PlanBlob, record.PlanSha256, ct), AlreadyIssued: true);
            }
            if (record is not null)
            {
                var recorded = await plans.LoadAsync(record.PlanBlob, record.PlanSha256, ct);
                await CompleteAsync(record, recorded, ct);
                return new SettlementOutcome(record with { Status = SettlementStatus.Issued }, recorded, AlreadyIssued: false);
            }

            // The head first: every settlement numbered up to it is in the list below and completed before planning,
            // so the plan sees all of their grains.
            var head = await ledger.ReadHeadAsync(ct);
            var settled = await ledger.ListSettlementsAsync(ct);
            if (settled.LastOrDefault() is { } last && string.CompareOrdinal(last.Period, period) > 0)
                throw new InvalidOperationException($"Cannot settle {period}: {last.Period} is already settled, and settlements go forward in time.");
            await FinishIncompleteAsync(settled, ct);

            var plan = await PlanAsync(period, asOf, ct);
            var (blob, sha) = await plans.SaveAsync(plan, ct);
            var numbered = await ledger.TryNumberAsync(plan, blob, sha, terms.InvoiceSeries, terms.CreditNoteSeries, head, ct);
            if (numbered is null)
            {
                if (attempt >= MaxPlanAttempts)
                    throw new InvalidOperationException($"Settlement {period}: the ledger kept moving while planning ({attempt} attempts); run it again.");
                logger.LogWarning("Settlement {Period}: another settlement was numbered while this one was planned; planning again", period);
                continue;
            }
            if (numbered.PlanSha256 != sha)
                plan = await plans.LoadAsync(numbered.PlanBlob, numbered.PlanSha256, ct); // another run numbered this period first: issue its plan
            await CompleteAsync(numbered, plan, ct);
            return new SettlementOutcome(numbered with { Status = SettlementStatus.Issued }, plan, AlreadyIssued: false);
        }
    }

    private async Task CompleteAsync(SettlementRecord record, SettlementPlan plan, CancellationToken ct)
    {
        await ledger.WriteDocumentsAsync(record, plan, ct);
        await ledger.ApplyInvoicedAsync(record, plan, ct);
        foreach (var output in outputs)
            await output.PublishAsync(record, plan, ct);
        await ledger.MarkIssuedAsync(record, ct);
        logger.LogInformation("Settlement {Period} issued: invoice {Invoice} {InvoiceTotal}, credit note {Credit} {CreditTotal}",
            record.Period, record.InvoiceNumber ?? "-", MoneyText.Format(record.InvoiceTotal), record.CreditNoteNumber ?? "-", MoneyText.Format(record.CreditTotal));
    }

    /// <summary>A settlement left Numbered by a crash must be completed before a new one is computed, or it would be invoiced twice.</summary>
    private async Task FinishIncompleteAsync(IReadOnlyList<SettlementRecord> settled, CancellationToken ct)
    {
        foreach (var pending in settled.Where(s => s.Status == SettlementStatus.Numbered))
        {
            logger.LogWarning("Completing settlement {Period}, left unfinished by an earlier run", pending.Period);
            await CompleteAsync(pending, await plans.LoadAsync(pending.PlanBlob, pending.PlanSha256, ct), ct);
        }
    }

    private async Task<SettlementPlan> PlanAsync(string period, DateOnly asOf, CancellationToken ct)
    {
        var (current, failed) = await entitlements.ReadAllAsync(asOf, ct);
        foreach (var f in failed)
            logger.LogError("Settlement {Period}: {ReferralId} ({FokusRef}) is not settled: the computation failed: {Reason}; what is owed will be settled once the data is corrected",
                period, f.ReferralId, f.FokusRef, f.Reason);
        var invoiced = await ledger.ReadInvoicedAsync(ct);
        var leftOut = failed.Select(f => f.ReferralId).ToHashSet(StringComparer.Ordinal);
        var (invoiceLines, creditLines) = SettlementDifference.Compute(current, invoiced, leftOut);
        // Referred counts every referral, the left-out ones too (they were referred); the rest is what could be computed.
        var counts = ProgrammeCounts.Of(current.Select(e => (e.InCourse, e.AchievedSelfSufficiency)), failed.Count);
        var snapshot = new ProgrammeSnapshot(
            counts.Referred, counts.InCourse, counts.Achieved,
            current.SelectMany(e => e.Periods.Where(p => Enum.Parse<PeriodStatus>(p.Status) == PeriodStatus.Held)
                .Select(p => new SnapshotHeldPeriod(e.ReferralId, e.FokusRef, p.Index, p.MissingWeeks))).ToList(),
            current.Where(e => e.MissingFinalWeeks.Count > 0).Select(e => new SnapshotDataGap(e.ReferralId, e.MissingFinalWeeks)).ToList(),
            failed.Select(f => new SnapshotNotSettled(f.ReferralId, f.FokusRef, f.Reason)).ToList());
        return new SettlementPlan(ledger.Programme, period, asOf, asOf, asOf.AddDays(terms.PaymentTermsDays), invoiceLines, creditLines, snapshot);
    }
}

/// <summary>The contract's invoicing terms that settlement needs.</summary>
public sealed record SettlementTerms(string InvoiceSeries, string CreditNoteSeries, int PaymentTermsDays);

/// <summary>Reads every participant's entitlement, current as of a date (recomputing any that are due for review).</summary>
public interface IEntitlementReader
{
    Task<EntitlementsAsOf> ReadAllAsync(DateOnly asOf, CancellationToken ct);
}

/// <summary>
/// Every participant's entitlement as of a date, in referral id order, and the participants whose entitlement could not
/// be computed (<see cref="Failed"/>, also in referral id order), who are in no entitlement.
/// </summary>
public sealed record EntitlementsAsOf(IReadOnlyList<StoredEntitlement> Entitlements, IReadOnlyList<ComputationFailure> Failed);
