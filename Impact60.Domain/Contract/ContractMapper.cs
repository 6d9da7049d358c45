using System.Text.Json;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Contracts;

/// <summary>
/// The contract's JSON, after its schema, into the <see cref="Contract"/> record: each value read by
/// <see cref="ContractValues"/> (which applies the rules of a single value), optional values given their defaults.
/// A value with an error becomes a placeholder (0, "", the default week): the record is only returned when there is no
/// error, and until then <see cref="ContractRules"/> reads it with <see cref="ContractErrors.IsValid"/>. Lists keep the
/// file's order and length, a placeholder for an entry that cannot be read, so that entry <c>i</c> is at <c>[i]</c>.
/// </summary>
internal static class ContractMapper
{
    public static Contract Map(JsonElement root, ContractErrors errors)
    {
        var v = new ContractValues(errors);
        const string p = "$";
        _ = v.Text(root, p, "$schema", required: false);
        return new Contract(
            v.Text(root, p, "programme") ?? "",
            v.Text(root, p, "description", required: false),
            v.Text(root, p, "currency") ?? "",
            v.Int(root, p, "referralCap") ?? 0,
            Classification(v, root),
            Tariffs(v, root),
            v.Int(root, p, "paymentWindowWeeks") ?? 0,
            v.Int(root, p, "verificationPeriodWeeks") ?? 0,
            v.Int(root, p, "maturityWeeks") ?? 0,
            v.Int(root, p, "minSustainedWeeks") ?? 0,
            v.Int(root, p, "targetSustainedWeeks") ?? 0,
            v.Decimal(root, p, "targetShare") ?? 0m,
            Caps(v, root),
            Suspensions(v, root),
            v.Decimal(root, p, "vatRate") ?? 0m,
            Parties(v, root),
            Invoicing(v, root),
            RevenuePlan(v, root))
        {
            AllowReReferral = v.Bool(root, p, "allowReReferral") ?? false,
            MaxCourseEndWeeksAhead = v.Int(root, p, "maxCourseEndWeeksAhead") ?? Contract.DefaultMaxCourseEndWeeksAhead,
        };
    }

    private static Classification Classification(ContractValues v, JsonElement root)
    {
        var codes = new Dictionary<string, WeekClass>(StringComparer.Ordinal);
        if (!v.Object(root, "$", "classification", out var e, out var p)) return new(WeekClass.None, WeekClass.None, codes);
        if (v.Get(e, p, "codes") is { ValueKind: JsonValueKind.Object } c)
            foreach (var code in c.EnumerateObject())
                if (v.WeekClass(code.Value) is { } weekClass) codes[code.Name] = weekClass;
        return new(v.WeekClass(v.Get(e, p, "emptyCode")) ?? WeekClass.None, v.WeekClass(v.Get(e, p, "default")) ?? WeekClass.None, codes);
    }

    private static List<Tariff> Tariffs(ContractValues v, JsonElement root) =>
        [.. v.Array(root, "$", "tariffs").Select((t, i) =>
        {
            var p = $"$.tariffs[{i}]";
            return new Tariff(v.Date(t, p, "validFrom") ?? default, v.Decimal(t, p, "full") ?? 0m, v.Decimal(t, p, "partial") ?? 0m);
        })];

    private static Caps Caps(ContractValues v, JsonElement root) =>
        v.Object(root, "$", "caps", out var e, out var p)
            ? new Caps(v.Decimal(e, p, "perParticipant"), v.Decimal(e, p, "programme"))
            : new Caps(null, null);

    private static List<Suspension> Suspensions(ContractValues v, JsonElement root) =>
        [.. v.Array(root, "$", "suspensions").Select((s, i) =>
        {
            var p = $"$.suspensions[{i}]";
            return new Suspension(v.Week(s, p, "from") ?? default, v.Week(s, p, "to") ?? default, v.Text(s, p, "reason") ?? "");
        })];

    private static Parties Parties(ContractValues v, JsonElement root)
    {
        v.Object(root, "$", "parties", out var e, out var p);

        v.Object(e, p, "payer", out var payer, out var pp);
        var payerParty = new Payer(v.Text(payer, pp, "name") ?? "", v.Text(payer, pp, "cvr") ?? "", v.Ean(payer, pp) ?? "",
            v.Text(payer, pp, "buyerReference") ?? "", v.Text(payer, pp, "email") ?? "", Address(v, payer, pp));

        v.Object(e, p, "supplier", out var supplier, out var sp);
        var supplierParty = new Supplier(v.Text(supplier, sp, "name") ?? "", v.Text(supplier, sp, "cvr") ?? "",
            v.Text(supplier, sp, "email") ?? "", Address(v, supplier, sp), Bank(v, supplier, sp));

        var funds = v.Array(e, p, "funds").Select((f, i) =>
        {
            var fp = $"{p}.funds[{i}]";
            return new Fund(v.Text(f, fp, "name") ?? "", v.Text(f, fp, "email") ?? "", v.Decimal(f, fp, "deficitGuarantee"));
        }).ToList();

        v.Object(e, p, "jobcenter", out var jobcenter, out var jp);
        return new Parties(payerParty, supplierParty, funds, new Jobcenter(v.Text(jobcenter, jp, "name") ?? "", v.Text(jobcenter, jp, "email") ?? ""));
    }

    private static PostalAddress Address(ContractValues v, JsonElement party, string partyPath)
    {
        v.Object(party, partyPath, "address", out var a, out var p);
        return new PostalAddress(v.Text(a, p, "street") ?? "", v.Text(a, p, "city") ?? "", v.Text(a, p, "postalCode") ?? "",
            v.Text(a, p, "country") ?? "");
    }

    private static BankAccount Bank(ContractValues v, JsonElement supplier, string supplierPath)
    {
        v.Object(supplier, supplierPath, "bank", out var b, out var p);
        // The account number alone may read as a CPR number: 1 to 10 digits by its own rule, e.g. 0112345678.
        return new BankAccount(v.Text(b, p, "regNo") ?? "", v.Text(b, p, "account", mayLookLikeCpr: true) ?? "",
            v.Text(b, p, "iban", required: false), v.Text(b, p, "bic", required: false));
    }

    private static Invoicing Invoicing(ContractValues v, JsonElement root)
    {
        v.Object(root, "$", "invoicing", out var e, out var p);
        v.Object(e, p, "paymentMeans", out var means, out var mp);
        var type = v.Text(means, mp, "type") == "fik" ? PaymentMeansType.Fik : PaymentMeansType.BankTransfer;
        return new Invoicing(v.Text(e, p, "invoiceSeries") ?? "", v.Text(e, p, "creditNoteSeries") ?? "", v.Int(e, p, "paymentTermsDays") ?? 0,
            new PaymentMeans(type, v.Text(means, mp, "creditorNumber", required: false)), v.Text(e, p, "vatExemptionReason", required: false));
    }

    private static List<RevenuePlanEntry> RevenuePlan(ContractValues v, JsonElement root) =>
        [.. v.Array(root, "$", "revenuePlan").Select((r, i) =>
        {
            var p = $"$.revenuePlan[{i}]";
            var month = v.Month(r, p, "through");
            return new RevenuePlanEntry(month?.Year ?? 0, month?.Month ?? 0, v.Decimal(r, p, "cumulative") ?? 0m);
        })];
}
