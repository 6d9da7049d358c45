using System.Globalization;

namespace Impact60.Domain.Contracts;

/// <summary>
/// The rules between values of the contract (docs/contract-file.md), which JSON Schema cannot say. Each reads the values
/// it relates only when all of them are valid (<see cref="ContractErrors.IsValid"/>), and reports on the value that must
/// give way, naming the other one with its value.
/// </summary>
internal static class ContractRules
{
    public static void Check(Contract c, ContractErrors errors)
    {
        WeekCountsFitTheWindow(c, errors);
        PaidSpellFitsTheTargetSpell(c, errors);
        TariffsAscend(c, errors);
        ParticipantCapFitsTheProgrammeCap(c, errors);
        SuspensionsAreApartAndBounded(c, errors);
        SeriesDiffer(c, errors);
        CreditorNumberGoesWithFik(c, errors);
        VatExemptionGoesWithARateOfZero(c, errors);
        RevenuePlanAscends(c, errors);
    }

    /// <summary>A verification period and the maturity fit the window; the target spell begins at most two years before it.</summary>
    internal static void WeekCountsFitTheWindow(Contract c, ContractErrors errors)
    {
        if (!errors.IsValid("$.paymentWindowWeeks")) return;
        var w = c.PaymentWindowWeeks;
        if (errors.IsValid("$.verificationPeriodWeeks") && c.VerificationPeriodWeeks > w)
            errors.Add("$.verificationPeriodWeeks", $"must be at most $.paymentWindowWeeks ({w}): a verification period cannot be longer than the window (found {c.VerificationPeriodWeeks})", ErrorRank.Rule);
        if (errors.IsValid("$.maturityWeeks") && c.MaturityWeeks > w)
            errors.Add("$.maturityWeeks", $"must be at most $.paymentWindowWeeks ({w}): a week cannot wait longer than the window to become final (found {c.MaturityWeeks})", ErrorRank.Rule);
        const int margin = ContractLimits.TargetMarginWeeks;
        if (errors.IsValid("$.targetSustainedWeeks") && c.TargetSustainedWeeks > w + margin)
            errors.Add("$.targetSustainedWeeks", $"must be at most $.paymentWindowWeeks + {margin} ({w + margin}): "
                                                 + $"the target spell may begin up to two years before the window, not more (found {c.TargetSustainedWeeks})", ErrorRank.Rule);
    }

    /// <summary>A paid spell cannot need more weeks than the target spell.</summary>
    internal static void PaidSpellFitsTheTargetSpell(Contract c, ContractErrors errors)
    {
        if (errors.IsValid("$.minSustainedWeeks") && errors.IsValid("$.targetSustainedWeeks") && c.MinSustainedWeeks > c.TargetSustainedWeeks)
            errors.Add("$.minSustainedWeeks", $"must be at most $.targetSustainedWeeks ({c.TargetSustainedWeeks}): a paid spell cannot need more weeks than the target spell (found {c.MinSustainedWeeks})", ErrorRank.Rule);
    }

    /// <summary>Each tariff takes over strictly after the one before it.</summary>
    internal static void TariffsAscend(Contract c, ContractErrors errors)
    {
        (DateOnly Date, int Index)? previous = null;
        for (var i = 0; i < c.Tariffs.Count; i++)
        {
            var path = $"$.tariffs[{i}].validFrom";
            if (!errors.IsValid(path)) continue;
            var d = c.Tariffs[i].ValidFrom;
            if (previous is { } prev && d <= prev.Date)
                errors.Add(path, $"must be after $.tariffs[{prev.Index}].validFrom ({prev.Date:yyyy-MM-dd})", ErrorRank.Rule);
            previous = (d, i);
        }
    }

    internal static void ParticipantCapFitsTheProgrammeCap(Contract c, ContractErrors errors)
    {
        if (errors.IsValid("$.caps.perParticipant") && errors.IsValid("$.caps.programme")
            && c.Caps is { PerParticipant: { } perParticipant, Programme: { } programme } && perParticipant > programme)
            errors.Add("$.caps.perParticipant", $"must be at most $.caps.programme ({Show(programme)}): one participant cannot be allowed more than the whole programme (found {Show(perParticipant)})", ErrorRank.Rule);
    }

    /// <summary>
    /// A suspension ends no earlier than it starts; suspensions do not overlap; all together hold at most
    /// <see cref="ContractLimits.MaxSuspendedWeeks"/>. Overlaps are found in one pass over the suspensions sorted by their
    /// first week, each against the one before it that reaches furthest (its neighbour, unless that one lies inside an
    /// earlier one), in O(n log n): each overlap is reported once, not once per pair (n copies of one suspension give
    /// n − 1 errors, not n(n − 1)/2), on the later of the two in the file, naming the earlier.
    /// </summary>
    internal static void SuspensionsAreApartAndBounded(Contract c, ContractErrors errors)
    {
        var valid = new List<(Suspension S, int Index)>();
        for (var i = 0; i < c.Suspensions.Count; i++)
        {
            var at = $"$.suspensions[{i}]";
            if (!errors.IsValid($"{at}.from") || !errors.IsValid($"{at}.to")) continue;
            var s = c.Suspensions[i];
            if (s.To < s.From) errors.Add($"{at}.to", $"must not be before {at}.from ({s.From})", ErrorRank.Rule);
            else valid.Add((s, i));
        }
        // Sorted by first week, then last week, then place in the file: the order the file states is kept among equals.
        var sorted = valid.OrderBy(v => v.S.From).ThenBy(v => v.S.To).ThenBy(v => v.Index).ToList();
        (Suspension S, int Index)? furthest = null;
        foreach (var current in sorted)
        {
            if (furthest is { } f && current.S.From <= f.S.To)
            {
                var (later, earlier) = current.Index > f.Index ? (current, f) : (f, current);
                errors.Add($"$.suspensions[{later.Index}]", $"overlaps $.suspensions[{earlier.Index}] ({earlier.S.From}..{earlier.S.To})", ErrorRank.Rule);
            }
            if (furthest is not { } g || current.S.To >= g.S.To) furthest = current;
        }
        // Suspended weeks lengthen every window they fall in; without a bound a window could stretch without end.
        var total = valid.Sum(v => v.S.Weeks);
        if (total > ContractLimits.MaxSuspendedWeeks)
            errors.Add("$.suspensions", $"must hold at most {ContractLimits.MaxSuspendedWeeks} suspended weeks in all (found {total}): each suspended week lengthens every window it falls in", ErrorRank.Rule);
    }

    /// <summary>Invoices and credit notes are each numbered gap-free in a series of their own.</summary>
    internal static void SeriesDiffer(Contract c, ContractErrors errors)
    {
        if (errors.IsValid("$.invoicing.invoiceSeries") && errors.IsValid("$.invoicing.creditNoteSeries")
            && c.Invoicing.InvoiceSeries == c.Invoicing.CreditNoteSeries)
            errors.Add("$.invoicing.creditNoteSeries", "must differ from invoiceSeries: each series is numbered gap-free on its own", ErrorRank.Rule);
    }

    /// <summary>An FI payment needs the creditor number; a bank transfer has none.</summary>
    internal static void CreditorNumberGoesWithFik(Contract c, ContractErrors errors)
    {
        const string path = "$.invoicing.paymentMeans.creditorNumber";
        if (!errors.IsValid("$.invoicing.paymentMeans.type") || !errors.IsValid(path)) return;
        var means = c.Invoicing.PaymentMeans;
        if (means.Type == PaymentMeansType.Fik && means.CreditorNumber is null) errors.Add(path, "is required when type is 'fik'", ErrorRank.Rule);
        if (means.Type == PaymentMeansType.BankTransfer && means.CreditorNumber is not null) errors.Add(path, "is only used with type 'fik'", ErrorRank.Rule);
    }

    /// <summary>A VAT-free invoice must say why (momsloven); a reason on a taxed invoice would be misleading.</summary>
    internal static void VatExemptionGoesWithARateOfZero(Contract c, ContractErrors errors)
    {
        const string path = "$.invoicing.vatExemptionReason";
        if (!errors.IsValid("$.vatRate") || !errors.IsValid(path)) return;
        if (c.VatRate == 0m && string.IsNullOrWhiteSpace(c.Invoicing.VatExemptionReason)) errors.Add(path, "is required when vatRate is 0", ErrorRank.Rule);
        if (c.VatRate > 0m && c.Invoicing.VatExemptionReason is not null) errors.Add(path, "must be null when vatRate is above 0", ErrorRank.Rule);
    }

    /// <summary>The plan's months ascend strictly, and its figures, being cumulative, never fall.</summary>
    internal static void RevenuePlanAscends(Contract c, ContractErrors errors)
    {
        (RevenuePlanEntry Entry, int Index, bool CumulativeValid)? previous = null;
        for (var i = 0; i < c.RevenuePlan.Count; i++)
        {
            var at = $"$.revenuePlan[{i}]";
            if (!errors.IsValid($"{at}.through")) continue;
            var entry = c.RevenuePlan[i];
            var cumulativeValid = errors.IsValid($"{at}.cumulative");
            if (previous is { } prev)
            {
                if (entry.ThroughLastDay <= prev.Entry.ThroughLastDay)
                    errors.Add($"{at}.through", $"must be after $.revenuePlan[{prev.Index}].through ({prev.Entry.Year:D4}-{prev.Entry.Month:D2})", ErrorRank.Rule);
                else if (cumulativeValid && prev.CumulativeValid && entry.Cumulative < prev.Entry.Cumulative)
                    errors.Add($"{at}.cumulative", $"must not be less than $.revenuePlan[{prev.Index}].cumulative ({Show(prev.Entry.Cumulative)}): it is cumulative", ErrorRank.Rule);
            }
            previous = (entry, i, cumulativeValid);
        }
    }

    private static string Show(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
