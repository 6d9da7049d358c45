using System.Globalization;
using System.Text.Json;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Contracts;

/// <summary>One thing wrong with a contract file: where (a JSON path such as <c>$.tariffs[1].validFrom</c>) and why.</summary>
public sealed record ContractError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A contract file that cannot be used; <see cref="Errors"/> lists every problem found, not only the first.</summary>
public sealed class ContractException(string sourceName, IReadOnlyList<ContractError> errors)
    : Exception($"Contract '{sourceName}' is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):"
                + string.Concat(errors.Select(e => Environment.NewLine + "  " + e)))
{
    public string SourceName { get; } = sourceName;
    public IReadOnlyList<ContractError> Errors { get; } = errors;
}

/// <summary>
/// Reads the contract JSON strictly (DOMAIN.md "The contract file, exactly"): unknown properties, wrong types, missing or
/// null required values and values outside their range are all errors. The document is walked by hand so that every
/// error is collected with its path and reported at once; operators fix a file in one go, not one error per deploy.
/// </summary>
public static class ContractLoader
{
    public static Contract Load(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            // System.Text.Json counts lines and byte positions from 0; people count from 1.
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            throw new ContractException(sourceName, [new ContractError("$", $"malformed JSON at line {line}, position {position}: {FirstSentence(ex.Message)}")]);
        }
        using (doc)
        {
            var reader = new Reader();
            var contract = reader.ReadContract(doc.RootElement);
            if (reader.Errors.Count > 0) throw new ContractException(sourceName, reader.Errors);
            return contract;
        }
    }

    private static string FirstSentence(string message)
    {
        // Drop System.Text.Json's own "Path: $ | LineNumber: ..." suffix: we already say where.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    private sealed class Reader
    {
        public List<ContractError> Errors { get; } = [];

        private void Error(string path, string message) => Errors.Add(new ContractError(path, message));

        public Contract ReadContract(JsonElement root)
        {
            const string p = "$";
            if (!IsObject(root, p,
                    "programme", "description", "currency", "referralCap", "classification", "tariffs", "paymentWindowWeeks",
                    "verificationPeriodWeeks", "maturityWeeks", "minSustainedWeeks", "targetSustainedWeeks", "targetShare",
                    "caps", "suspensions", "vatRate", "parties", "invoicing", "revenuePlan"))
                return Empty;

            var programme = NonEmptyString(root, p, "programme");
            var description = String(root, p, "description", required: false);
            var currency = NonEmptyString(root, p, "currency");
            if (currency is not null && !(currency.Length == 3 && currency.All(char.IsAsciiLetterUpper)))
                Error($"{p}.currency", $"must be an ISO 4217 code of 3 upper-case letters (found '{currency}')");
            var referralCap = Int(root, p, "referralCap", min: 1, "must be at least 1");
            var classification = ReadClassification(root, p);
            var tariffs = ReadTariffs(root, p);
            var window = Int(root, p, "paymentWindowWeeks", min: 1, "must be a positive number of weeks");
            var period = Int(root, p, "verificationPeriodWeeks", min: 1, "must be a positive number of weeks");
            var maturity = Int(root, p, "maturityWeeks", min: 1, "must be a positive number of weeks");
            var minSustained = Int(root, p, "minSustainedWeeks", min: 1, "must be a positive number of weeks");
            var target = Int(root, p, "targetSustainedWeeks", min: 1, "must be a positive number of weeks");
            var targetShare = Decimal(root, p, "targetShare");
            if (targetShare is { } ts && (ts <= 0m || ts > 1m))
                Error($"{p}.targetShare", $"must be greater than 0 and at most 1 (found {Show(ts)})");
            var caps = ReadCaps(root, p);
            var suspensions = ReadSuspensions(root, p);
            var vatRate = Decimal(root, p, "vatRate");
            if (vatRate is { } vr && (vr < 0m || vr >= 1m))
                Error($"{p}.vatRate", $"must be at least 0 and less than 1 (found {Show(vr)})");
            var parties = ReadParties(root, p);
            var invoicing = ReadInvoicing(root, p, vatRate);
            var revenuePlan = ReadRevenuePlan(root, p);

            return new Contract(programme ?? "", description, currency ?? "", referralCap ?? 0, classification, tariffs,
                window ?? 0, period ?? 0, maturity ?? 0, minSustained ?? 0, target ?? 0, targetShare ?? 0m, caps, suspensions,
                vatRate ?? 0m, parties, invoicing, revenuePlan);
        }

        private static readonly Contract Empty = new("", null, "", 0, new Classification(WeekClass.None, WeekClass.None, new Dictionary<string, WeekClass>()),
            [], 0, 0, 0, 0, 0, 0m, new Caps(null, null), [], 0m,
            new Parties(new Payer("", "", "", "", "", new PostalAddress("", "", "", "")), new Supplier("", "", "", new PostalAddress("", "", "", ""), new BankAccount("", "", null, null)), [], new Jobcenter("", "")),
            new Invoicing("", "", 0, new PaymentMeans(PaymentMeansType.BankTransfer, null), null), []);

        private Classification ReadClassification(JsonElement parent, string parentPath)
        {
            var p = $"{parentPath}.classification";
            var codes = new Dictionary<string, WeekClass>(StringComparer.Ordinal);
            if (Child(parent, parentPath, "classification") is not { } e || !IsObject(e, p, "emptyCode", "default", "codes"))
                return new Classification(WeekClass.None, WeekClass.None, codes);
            var emptyCode = WeekClassValue(e, p, "emptyCode");
            var @default = WeekClassValue(e, p, "default");
            if (Child(e, p, "codes") is { } c)
            {
                var cp = $"{p}.codes";
                if (c.ValueKind != JsonValueKind.Object) Error(cp, $"must be an object mapping benefit codes to Full, Partial or None, not {Kind(c)}");
                else
                {
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var prop in c.EnumerateObject())
                    {
                        var kp = $"{cp}['{prop.Name}']";
                        if (!seen.Add(prop.Name)) { Error(kp, "duplicate property"); continue; }
                        var keyOk = prop.Name.Length is >= 1 and <= 4 && prop.Name.All(char.IsAsciiDigit);
                        if (!keyOk) Error(kp, "a benefit code must be 1 to 4 digits");
                        var cls = ParseWeekClass(prop.Value, kp);
                        if (keyOk && cls is { } wc) codes[prop.Name] = wc;
                    }
                }
            }
            return new Classification(emptyCode ?? WeekClass.None, @default ?? WeekClass.None, codes);
        }

        private List<Tariff> ReadTariffs(JsonElement parent, string parentPath)
        {
            var list = new List<Tariff>();
            var p = $"{parentPath}.tariffs";
            if (Array(parent, parentPath, "tariffs") is not { } arr) return list;
            if (arr.GetArrayLength() == 0) { Error(p, "must hold at least one tariff"); return list; }
            var i = 0;
            (DateOnly Date, int Index)? previous = null;
            foreach (var t in arr.EnumerateArray())
            {
                var tp = $"{p}[{i}]";
                if (IsObject(t, tp, "validFrom", "full", "partial"))
                {
                    var from = Date(t, tp, "validFrom");
                    var full = Amount(t, tp, "full", allowZero: true);
                    var partial = Amount(t, tp, "partial", allowZero: true);
                    if (from is { } d)
                    {
                        if (previous is { } prev && d <= prev.Date)
                            Error($"{tp}.validFrom", $"must be after {p}[{prev.Index}].validFrom ({prev.Date:yyyy-MM-dd})");
                        previous = (d, i);
                    }
                    list.Add(new Tariff(from ?? default, full ?? 0m, partial ?? 0m));
                }
                i++;
            }
            return list;
        }

        private Caps ReadCaps(JsonElement parent, string parentPath)
        {
            var p = $"{parentPath}.caps";
            if (Child(parent, parentPath, "caps") is not { } e || !IsObject(e, p, "perParticipant", "programme"))
                return new Caps(null, null);
            return new Caps(Amount(e, p, "perParticipant", allowZero: false, nullable: true),
                Amount(e, p, "programme", allowZero: false, nullable: true));
        }

        private List<Suspension> ReadSuspensions(JsonElement parent, string parentPath)
        {
            var list = new List<Suspension>();
            var p = $"{parentPath}.suspensions";
            if (Array(parent, parentPath, "suspensions") is not { } arr) return list;
            var valid = new List<(Suspension S, int Index)>();
            var i = 0;
            foreach (var s in arr.EnumerateArray())
            {
                var sp = $"{p}[{i}]";
                if (IsObject(s, sp, "from", "to", "reason"))
                {
                    var from = Week(s, sp, "from");
                    var to = Week(s, sp, "to");
                    var reason = NonEmptyString(s, sp, "reason");
                    var ok = from is not null && to is not null;
                    if (ok && to < from)
                    {
                        Error($"{sp}.to", $"must not be before {sp}.from ({from})");
                        ok = false;
                    }
                    var suspension = new Suspension(from ?? default, to ?? default, reason ?? "");
                    if (ok)
                    {
                        foreach (var (other, oi) in valid)
                            if (suspension.From <= other.To && other.From <= suspension.To)
                                Error(sp, $"overlaps {p}[{oi}] ({other.From}..{other.To})");
                        valid.Add((suspension, i));
                    }
                    list.Add(suspension);
                }
                i++;
            }
            return list;
        }

        private Parties ReadParties(JsonElement parent, string parentPath)
        {
            var p = $"{parentPath}.parties";
            var noAddress = new PostalAddress("", "", "", "");
            if (Child(parent, parentPath, "parties") is not { } e || !IsObject(e, p, "payer", "supplier", "funds", "jobcenter"))
                return Empty.Parties;

            Payer payer = Empty.Parties.Payer;
            var pp = $"{p}.payer";
            if (Child(e, p, "payer") is { } pe && IsObject(pe, pp, "name", "cvr", "ean", "buyerReference", "email", "address"))
                payer = new Payer(NonEmptyString(pe, pp, "name") ?? "", Cvr(pe, pp), Ean(pe, pp), NonEmptyString(pe, pp, "buyerReference") ?? "",
                    Email(pe, pp), Address(pe, pp) ?? noAddress);

            Supplier supplier = Empty.Parties.Supplier;
            var sp = $"{p}.supplier";
            if (Child(e, p, "supplier") is { } se && IsObject(se, sp, "name", "cvr", "email", "address", "bank"))
                supplier = new Supplier(NonEmptyString(se, sp, "name") ?? "", Cvr(se, sp), Email(se, sp), Address(se, sp) ?? noAddress, Bank(se, sp));

            var funds = new List<Fund>();
            if (Array(e, p, "funds") is { } fa)
            {
                var i = 0;
                foreach (var f in fa.EnumerateArray())
                {
                    var fp = $"{p}.funds[{i++}]";
                    if (IsObject(f, fp, "name", "email", "deficitGuarantee"))
                        funds.Add(new Fund(NonEmptyString(f, fp, "name") ?? "", Email(f, fp), Amount(f, fp, "deficitGuarantee", allowZero: false, nullable: true)));
                }
            }

            Jobcenter jobcenter = Empty.Parties.Jobcenter;
            var jp = $"{p}.jobcenter";
            if (Child(e, p, "jobcenter") is { } je && IsObject(je, jp, "name", "email"))
                jobcenter = new Jobcenter(NonEmptyString(je, jp, "name") ?? "", Email(je, jp));

            return new Parties(payer, supplier, funds, jobcenter);
        }

        private PostalAddress? Address(JsonElement parent, string parentPath)
        {
            var p = $"{parentPath}.address";
            if (Child(parent, parentPath, "address") is not { } e || !IsObject(e, p, "street", "city", "postalCode", "country"))
                return null;
            var country = NonEmptyString(e, p, "country");
            if (country is not null && !(country.Length == 2 && country.All(char.IsAsciiLetterUpper)))
                Error($"{p}.country", $"must be an ISO 3166 code of 2 upper-case letters (found '{country}')");
            return new PostalAddress(NonEmptyString(e, p, "street") ?? "", NonEmptyString(e, p, "city") ?? "",
                NonEmptyString(e, p, "postalCode") ?? "", country ?? "");
        }

        private BankAccount Bank(JsonElement parent, string parentPath)
        {
            var p = $"{parentPath}.bank";
            if (Child(parent, parentPath, "bank") is not { } e || !IsObject(e, p, "regNo", "account", "iban", "bic"))
                return Empty.Parties.Supplier.Bank;
            var regNo = NonEmptyString(e, p, "regNo");
            if (regNo is not null && !(regNo.Length == 4 && regNo.All(char.IsAsciiDigit)))
                Error($"{p}.regNo", $"must be 4 digits (found '{regNo}')");
            var account = NonEmptyString(e, p, "account");
            if (account is not null && !(account.Length <= 10 && account.All(char.IsAsciiDigit)))
                Error($"{p}.account", $"must be 1 to 10 digits (found '{account}')");
            var iban = String(e, p, "iban", required: false, nullable: true);
            if (iban is not null && !(iban.Length is >= 15 and <= 34 && iban[..2].All(char.IsAsciiLetterUpper) && iban.All(char.IsAsciiLetterOrDigit)))
                Error($"{p}.iban", "must be an IBAN without spaces (2 letters, then digits and letters, 15 to 34 characters)");
            var bic = String(e, p, "bic", required: false, nullable: true);
            if (bic is not null && !(bic.Length is 8 or 11 && bic.All(char.IsAsciiLetterOrDigit)))
                Error($"{p}.bic", "must be a BIC of 8 or 11 letters and digits");
            return new BankAccount(regNo ?? "", account ?? "", iban, bic);
        }

        private Invoicing ReadInvoicing(JsonElement parent, string parentPath, decimal? vatRate)
        {
            var p = $"{parentPath}.invoicing";
            if (Child(parent, parentPath, "invoicing") is not { } e
                || !IsObject(e, p, "invoiceSeries", "creditNoteSeries", "paymentTermsDays", "paymentMeans", "vatExemptionReason"))
                return Empty.Invoicing;
            var invoiceSeries = Series(e, p, "invoiceSeries");
            var creditSeries = Series(e, p, "creditNoteSeries");
            if (invoiceSeries is not null && invoiceSeries == creditSeries)
                Error($"{p}.creditNoteSeries", "must differ from invoiceSeries: each series is numbered gap-free on its own");
            var terms = Int(e, p, "paymentTermsDays", min: 0, "must be 0 or more days");

            var means = Empty.Invoicing.PaymentMeans;
            var mp = $"{p}.paymentMeans";
            if (Child(e, p, "paymentMeans") is { } me && IsObject(me, mp, "type", "creditorNumber"))
            {
                var type = NonEmptyString(me, mp, "type");
                var creditor = String(me, mp, "creditorNumber", required: false, nullable: true);
                switch (type)
                {
                    case "bankTransfer":
                        if (creditor is not null) Error($"{mp}.creditorNumber", "is only used with type 'fik'");
                        means = new PaymentMeans(PaymentMeansType.BankTransfer, null);
                        break;
                    case "fik":
                        if (creditor is null) Error($"{mp}.creditorNumber", "is required when type is 'fik'");
                        else if (!(creditor.Length == 8 && creditor.All(char.IsAsciiDigit))) Error($"{mp}.creditorNumber", $"must be 8 digits (found '{creditor}')");
                        means = new PaymentMeans(PaymentMeansType.Fik, creditor);
                        break;
                    case null:
                        break;
                    default:
                        Error($"{mp}.type", $"must be 'bankTransfer' or 'fik' (found '{type}')");
                        break;
                }
            }

            var exemption = String(e, p, "vatExemptionReason", required: false, nullable: true);
            // A VAT-free invoice must say why (momsloven); a reason on a taxed invoice would be misleading.
            if (vatRate == 0m && string.IsNullOrWhiteSpace(exemption))
                Error($"{p}.vatExemptionReason", "is required when vatRate is 0");
            if (vatRate is > 0m && exemption is not null)
                Error($"{p}.vatExemptionReason", "must be null when vatRate is above 0");
            return new Invoicing(invoiceSeries ?? "", creditSeries ?? "", terms ?? 0, means, exemption);
        }

        private List<RevenuePlanEntry> ReadRevenuePlan(JsonElement parent, string parentPath)
        {
            var list = new List<RevenuePlanEntry>();
            var p = $"{parentPath}.revenuePlan";
            if (!parent.TryGetProperty("revenuePlan", out var present) || present.ValueKind == JsonValueKind.Null) return list;
            if (Array(parent, parentPath, "revenuePlan") is not { } arr) return list;
            var i = 0;
            RevenuePlanEntry? previous = null;
            foreach (var r in arr.EnumerateArray())
            {
                var rp = $"{p}[{i}]";
                if (IsObject(r, rp, "through", "cumulative"))
                {
                    var through = NonEmptyString(r, rp, "through");
                    var cumulative = Amount(r, rp, "cumulative", allowZero: true);
                    if (through is not null)
                    {
                        if (through.Length == 7 && DateOnly.TryParseExact(through + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
                        {
                            var entry = new RevenuePlanEntry(month.Year, month.Month, cumulative ?? 0m);
                            if (previous is not null && month <= new DateOnly(previous.Year, previous.Month, 1))
                                Error($"{rp}.through", $"must be after {p}[{i - 1}].through ({previous.Year:D4}-{previous.Month:D2})");
                            else if (previous is not null && cumulative is not null && cumulative < previous.Cumulative)
                                Error($"{rp}.cumulative", $"must not be less than {p}[{i - 1}].cumulative ({Show(previous.Cumulative)}): it is cumulative");
                            list.Add(entry);
                            previous = entry;
                        }
                        else Error($"{rp}.through", $"must be a month as YYYY-MM (found '{through}')");
                    }
                }
                i++;
            }
            return list;
        }

        // ---- typed property readers: each reports its own error and returns null on failure ----

        /// <summary>Checks that <paramref name="e"/> is an object with no duplicate and no unknown property.</summary>
        private bool IsObject(JsonElement e, string path, params string[] known)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"must be an object, not {Kind(e)}");
                return false;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in e.EnumerateObject())
            {
                if (!seen.Add(prop.Name)) Error($"{path}.{prop.Name}", "duplicate property");
                else if (System.Array.IndexOf(known, prop.Name) < 0)
                    Error($"{path}.{prop.Name}", $"unknown property (expected one of: {string.Join(", ", known)})");
            }
            return true;
        }

        /// <summary>The property's value; reports a missing or null required value. Null when absent or null.</summary>
        private JsonElement? Child(JsonElement parent, string parentPath, string name, bool required = true, bool nullable = false)
        {
            if (!parent.TryGetProperty(name, out var v))
            {
                if (required) Error($"{parentPath}.{name}", "is required");
                return null;
            }
            if (v.ValueKind == JsonValueKind.Null)
            {
                if (!nullable) Error($"{parentPath}.{name}", "must not be null");
                return null;
            }
            return v;
        }

        private JsonElement? Array(JsonElement parent, string parentPath, string name)
        {
            if (Child(parent, parentPath, name) is not { } v) return null;
            if (v.ValueKind == JsonValueKind.Array) return v;
            Error($"{parentPath}.{name}", $"must be an array, not {Kind(v)}");
            return null;
        }

        private string? String(JsonElement parent, string parentPath, string name, bool required = true, bool nullable = false)
        {
            if (Child(parent, parentPath, name, required, nullable || !required) is not { } v) return null;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            Error($"{parentPath}.{name}", $"must be a string, not {Kind(v)}");
            return null;
        }

        private string? NonEmptyString(JsonElement parent, string parentPath, string name)
        {
            var s = String(parent, parentPath, name);
            if (s is not null && string.IsNullOrWhiteSpace(s))
            {
                Error($"{parentPath}.{name}", "must not be empty");
                return null;
            }
            return s;
        }

        private int? Int(JsonElement parent, string parentPath, string name, int min, string rangeMessage)
        {
            if (Child(parent, parentPath, name) is not { } v) return null;
            var path = $"{parentPath}.{name}";
            if (v.ValueKind != JsonValueKind.Number) { Error(path, $"must be a number, not {Kind(v)}"); return null; }
            if (!v.TryGetInt32(out var i)) { Error(path, $"must be a whole number (found {v.GetRawText()})"); return null; }
            if (i < min) { Error(path, $"{rangeMessage} (found {i})"); return null; }
            return i;
        }

        private decimal? Decimal(JsonElement parent, string parentPath, string name, bool nullable = false)
        {
            if (Child(parent, parentPath, name, required: !nullable, nullable) is not { } v) return null;
            var path = $"{parentPath}.{name}";
            if (v.ValueKind != JsonValueKind.Number) { Error(path, $"must be a number, not {Kind(v)}"); return null; }
            if (!v.TryGetDecimal(out var d)) { Error(path, $"is out of range (found {v.GetRawText()})"); return null; }
            return d;
        }

        /// <summary>A money amount in the contract currency: not negative, at most 2 decimals (øre), so all sums are exact.</summary>
        private decimal? Amount(JsonElement parent, string parentPath, string name, bool allowZero, bool nullable = false)
        {
            if (Decimal(parent, parentPath, name, nullable) is not { } d) return null;
            var path = $"{parentPath}.{name}";
            if (d < 0m || (!allowZero && d == 0m))
            {
                Error(path, $"must be {(allowZero ? "0 or more" : "a positive amount")} (found {Show(d)})");
                return null;
            }
            if (decimal.Round(d, 2) != d)
            {
                Error(path, $"must have at most 2 decimals (found {Show(d)})");
                return null;
            }
            return d;
        }

        private DateOnly? Date(JsonElement parent, string parentPath, string name)
        {
            if (String(parent, parentPath, name) is not { } s) return null;
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            Error($"{parentPath}.{name}", $"must be a date as YYYY-MM-DD (found '{s}')");
            return null;
        }

        private IsoWeek? Week(JsonElement parent, string parentPath, string name)
        {
            if (String(parent, parentPath, name) is not { } s) return null;
            if (IsoWeek.TryParse(s, out var w, out var error)) return w;
            Error($"{parentPath}.{name}", error ?? "is not an ISO week (YYYY-Www)");
            return null;
        }

        private WeekClass? WeekClassValue(JsonElement parent, string parentPath, string name) =>
            Child(parent, parentPath, name) is { } v ? ParseWeekClass(v, $"{parentPath}.{name}") : null;

        private WeekClass? ParseWeekClass(JsonElement v, string path)
        {
            if (v.ValueKind == JsonValueKind.String)
            {
                switch (v.GetString())
                {
                    case "Full": return WeekClass.Full;
                    case "Partial": return WeekClass.Partial;
                    case "None": return WeekClass.None;
                }
                Error(path, $"must be one of Full, Partial, None (found '{v.GetString()}')");
                return null;
            }
            Error(path, v.ValueKind == JsonValueKind.Null ? "must not be null" : $"must be one of Full, Partial, None, not {Kind(v)}");
            return null;
        }

        private string Cvr(JsonElement parent, string parentPath)
        {
            var s = NonEmptyString(parent, parentPath, "cvr");
            if (s is not null && !(s.Length == 8 && s.All(char.IsAsciiDigit)))
                Error($"{parentPath}.cvr", $"must be a CVR number of 8 digits (found '{s}')");
            return s ?? "";
        }

        private string Ean(JsonElement parent, string parentPath)
        {
            var s = NonEmptyString(parent, parentPath, "ean");
            if (s is null) return "";
            if (!(s.Length == 13 && s.All(char.IsAsciiDigit)))
                Error($"{parentPath}.ean", $"must be an EAN (GLN) of 13 digits (found '{s}')");
            else if (!Gs1.HasValidCheckDigit(s))
                Error($"{parentPath}.ean", $"has a wrong GS1 check digit (found '{s}', the check digit should be {Gs1.CheckDigit(s.AsSpan(0, 12))})");
            return s;
        }

        private string Email(JsonElement parent, string parentPath)
        {
            var s = NonEmptyString(parent, parentPath, "email");
            if (s is null) return "";
            // Deliberately rough: one @, something before it, a dot somewhere after it, no spaces.
            var at = s.IndexOf('@');
            var ok = at > 0 && at == s.LastIndexOf('@') && s.IndexOf('.', at) > at + 1 && !s.EndsWith('.') && !s.Any(char.IsWhiteSpace);
            if (!ok) Error($"{parentPath}.email", $"is not an e-mail address (found '{s}')");
            return s;
        }

        private string? Series(JsonElement parent, string parentPath, string name)
        {
            var s = NonEmptyString(parent, parentPath, name);
            if (s is not null && !(s.Length <= 10 && s.All(char.IsAsciiLetterOrDigit)))
                Error($"{parentPath}.{name}", $"must be 1 to 10 letters and digits (found '{s}')");
            return s;
        }

        private static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => e.ValueKind.ToString(),
        };

        private static string Show(decimal d) => d.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>GS1 mod-10 check digit, as used by EAN-13 / GLN location numbers.</summary>
public static class Gs1
{
    /// <summary>The check digit for the 12 leading digits: weights 1,3,1,3... from the left.</summary>
    public static int CheckDigit(ReadOnlySpan<char> first12)
    {
        var sum = 0;
        for (var i = 0; i < first12.Length; i++)
            sum += (first12[i] - '0') * (i % 2 == 0 ? 1 : 3);
        return (10 - sum % 10) % 10;
    }

    public static bool HasValidCheckDigit(string thirteenDigits) =>
        thirteenDigits.Length == 13 && CheckDigit(thirteenDigits.AsSpan(0, 12)) == thirteenDigits[12] - '0';
}
