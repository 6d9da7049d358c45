using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Settlement;

/// <summary>
/// What has been invoiced so far at one grain, net of earlier credit notes, and the number of the latest invoice that
/// charged it (a credit note refers to that invoice). The period weeks and FOKUS reference let a credit line be written
/// for a grain that is no longer in the entitlement at all.
/// </summary>
public sealed record InvoicedLine(
    LineKey Key,
    int Weeks,
    decimal Gross,
    decimal CapReduction,
    decimal Amount,
    string LastInvoiceNumber,
    string FokusRef = "",
    IsoWeek PeriodFirstWeek = default,
    IsoWeek PeriodLastWeek = default);

/// <summary>
/// One line of a settlement document. On an invoice the figures are what is charged now; on a credit note they are what is
/// credited, as positive numbers, and <see cref="CorrectsInvoiceNumber"/> names the invoice being corrected.
/// </summary>
public sealed record DueLine(
    LineKey Key,
    string FokusRef,
    IsoWeek PeriodFirstWeek,
    IsoWeek PeriodLastWeek,
    int Weeks,
    decimal Gross,
    decimal CapReduction,
    decimal Amount,
    string? CorrectsInvoiceNumber)
{
    public string ReferralId => Key.ReferralId;
    public int PeriodIndex => Key.PeriodIndex;
    public WeekClass Class => Key.Class;
    public decimal UnitPrice => Key.UnitPrice;
}

/// <summary>The difference between entitlement and what was invoiced: the lines of the next invoice and of the next credit note.</summary>
public sealed record SettlementDue(IReadOnlyList<DueLine> InvoiceLines, IReadOnlyList<DueLine> CreditLines)
{
    /// <summary>Excluding VAT; never negative.</summary>
    public decimal InvoiceTotal { get; } = Money.Round(InvoiceLines.Sum(l => l.Amount));

    /// <summary>Excluding VAT, as a positive amount to be credited; never negative.</summary>
    public decimal CreditTotal { get; } = Money.Round(CreditLines.Sum(l => l.Amount));

    public bool NothingDue => InvoiceLines.Count == 0 && CreditLines.Count == 0;
}

/// <summary>
/// Settlement arithmetic (DOMAIN.md "Settlement"): due = entitlement − already invoiced, per <see cref="LineKey"/>.
/// A rise is an invoice line, a fall a credit-note line; refunds are not a special case but the same subtraction.
/// </summary>
public static class SettlementCalculator
{
    public static SettlementDue ComputeDue(IEnumerable<EntitlementLine> entitled, IEnumerable<InvoicedLine> invoiced)
    {
        ArgumentNullException.ThrowIfNull(entitled);
        ArgumentNullException.ThrowIfNull(invoiced);

        var now = new Dictionary<LineKey, EntitlementLine>();
        foreach (var line in entitled)
            if (!now.TryAdd(line.Key, line))
                throw new ArgumentException($"Entitlement line {line.Key} is given twice.", nameof(entitled));
        var before = new Dictionary<LineKey, InvoicedLine>();
        foreach (var line in invoiced)
            if (!before.TryAdd(line.Key, line))
                throw new ArgumentException($"Invoiced line {line.Key} is given twice; sum the ledger per grain first.", nameof(invoiced));

        var invoiceLines = new List<DueLine>();
        var creditLines = new List<DueLine>();
        foreach (var key in now.Keys.Union(before.Keys).OrderBy(k => k.ReferralId, StringComparer.Ordinal)
                     .ThenBy(k => k.PeriodIndex).ThenBy(k => k.Class).ThenBy(k => k.UnitPrice))
        {
            now.TryGetValue(key, out var e);
            before.TryGetValue(key, out var i);
            var weeks = (e?.Weeks ?? 0) - (i?.Weeks ?? 0);
            var gross = Money.Round((e?.Gross ?? 0m) - (i?.Gross ?? 0m));
            var reduction = Money.Round((e?.CapReduction ?? 0m) - (i?.CapReduction ?? 0m));
            var amount = Money.Round((e?.Amount ?? 0m) - (i?.Amount ?? 0m));
            if (weeks == 0 && gross == 0m && reduction == 0m && amount == 0m) continue;

            var fokusRef = e?.FokusRef ?? i!.FokusRef;
            var first = e?.PeriodFirstWeek ?? i!.PeriodFirstWeek;
            var last = e?.PeriodLastWeek ?? i!.PeriodLastWeek;
            // The sign of the money decides the document; when the money does not move (a capped week) the weeks decide.
            var isCharge = amount > 0m || (amount == 0m && (gross > 0m || (gross == 0m && weeks > 0)));
            if (isCharge)
                invoiceLines.Add(new DueLine(key, fokusRef, first, last, weeks, gross, reduction, amount, null));
            else
            {
                if (i is null)
                    throw new InvalidOperationException($"Line {key} would be credited but was never invoiced; the ledger is inconsistent.");
                creditLines.Add(new DueLine(key, fokusRef, first, last, -weeks, -gross, -reduction, -amount, i.LastInvoiceNumber));
            }
        }
        return new SettlementDue(invoiceLines, creditLines);
    }

    /// <summary>The ledger row per grain after a settlement's documents are issued: what <see cref="ComputeDue"/> needs next time.</summary>
    public static IReadOnlyList<InvoicedLine> AfterIssuing(IEnumerable<InvoicedLine> invoiced, SettlementDue due, string? invoiceNumber)
    {
        var ledger = invoiced.ToDictionary(l => l.Key);
        if (due.InvoiceLines.Count > 0 && string.IsNullOrEmpty(invoiceNumber))
            throw new ArgumentException("An invoice number is needed when there are invoice lines.", nameof(invoiceNumber));
        foreach (var l in due.InvoiceLines)
        {
            ledger.TryGetValue(l.Key, out var old);
            ledger[l.Key] = new InvoicedLine(l.Key, (old?.Weeks ?? 0) + l.Weeks, (old?.Gross ?? 0m) + l.Gross,
                (old?.CapReduction ?? 0m) + l.CapReduction, (old?.Amount ?? 0m) + l.Amount, invoiceNumber!, l.FokusRef, l.PeriodFirstWeek, l.PeriodLastWeek);
        }
        foreach (var l in due.CreditLines)
        {
            var old = ledger[l.Key];
            // A credit note does not charge anything: the last invoice that charged the grain stays the one to refer to.
            ledger[l.Key] = old with
            {
                Weeks = old.Weeks - l.Weeks,
                Gross = old.Gross - l.Gross,
                CapReduction = old.CapReduction - l.CapReduction,
                Amount = old.Amount - l.Amount,
            };
        }
        return ledger.Values.OrderBy(l => l.Key.ReferralId, StringComparer.Ordinal).ThenBy(l => l.Key.PeriodIndex)
            .ThenBy(l => l.Key.Class).ThenBy(l => l.Key.UnitPrice).ToList();
    }
}
