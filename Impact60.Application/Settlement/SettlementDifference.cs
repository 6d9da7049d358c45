using Impact60.Application.Verification;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Settlement;

namespace Impact60.Application.Settlement;

/// <summary>Maps the stored entitlements and ledger grains onto the domain's settlement arithmetic and back.</summary>
public static class SettlementDifference
{
    /// <param name="leftOut">
    /// Referral ids left out of this settlement (their entitlement could not be computed): neither their entitlement nor
    /// what was invoiced for them takes part, so nothing is invoiced or credited for them and their grains stay as they
    /// are. Without this, a participant who cannot be computed would look entitled to nothing, and everything invoiced
    /// for them would be credited.
    /// </param>
    public static (IReadOnlyList<PlannedLine> InvoiceLines, IReadOnlyList<PlannedLine> CreditLines) Compute(
        IReadOnlyList<StoredEntitlement> entitlements, IReadOnlyDictionary<string, InvoicedGrain> invoiced, IReadOnlySet<string>? leftOut = null)
    {
        leftOut ??= new HashSet<string>(StringComparer.Ordinal);
        if (entitlements.FirstOrDefault(e => leftOut.Contains(e.ReferralId)) is { } both)
            throw new ArgumentException($"Referral {both.ReferralId} is both entitled and left out.", nameof(leftOut));
        var entitled = entitlements.SelectMany(e => e.Lines.Select(l => new EntitlementLine(
            e.ReferralId, e.FokusRef, l.PeriodIndex, IsoWeek.Parse(l.PeriodFirstWeek), IsoWeek.Parse(l.PeriodLastWeek),
            l.Class, l.UnitPrice, l.Weeks, l.Gross, l.CapReduction, l.Amount)));
        var before = invoiced.Values.Where(g => !leftOut.Contains(g.ReferralId)).Select(g => new InvoicedLine(
            new LineKey(g.ReferralId, g.PeriodIndex, g.Class, g.UnitPrice), g.Weeks, g.Gross, g.CapReduction, g.Amount,
            g.LastInvoiceNumber, g.FokusRef, IsoWeek.Parse(g.PeriodFirstWeek), IsoWeek.Parse(g.PeriodLastWeek)));
        var due = SettlementCalculator.ComputeDue(entitled, before);
        return (due.InvoiceLines.Select(ToPlanned).ToList(), due.CreditLines.Select(ToPlanned).ToList());
    }

    private static PlannedLine ToPlanned(DueLine d) => new(
        d.ReferralId, d.FokusRef, d.PeriodIndex, d.PeriodFirstWeek.ToString(), d.PeriodLastWeek.ToString(), d.Class,
        d.UnitPrice, d.Weeks, d.Gross, d.CapReduction, d.Amount, d.CorrectsInvoiceNumber);
}
