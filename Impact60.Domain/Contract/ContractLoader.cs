using System.Globalization;
using System.Text;
using System.Text.Json;
using Impact60.Domain.Primitives;
using Impact60.Domain.Text;

namespace Impact60.Domain.Contracts;

/// <summary>One thing wrong with a contract file: where (a JSON path such as <c>$.tariffs[1].validFrom</c>) and why.</summary>
/// <remarks>Both are CPR-masked here, whoever builds the error: a path names the contract's property names and a message
/// may quote a value, and a refused contract is logged at start-up and printed by the CLI.</remarks>
public sealed record ContractError(string Path, string Message)
{
    public string Path { get; init => field = Cpr.MaskAll(value); } = Cpr.MaskAll(Path);

    public string Message { get; init => field = Cpr.MaskAll(value); } = Cpr.MaskAll(Message);

    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// A contract file that cannot be used; <see cref="Errors"/> lists every problem found, not only the first, up to
/// <see cref="ContractLimits.MaxErrors"/>. <see cref="MoreNotListed"/> says that reading stopped there.
/// </summary>
public sealed class ContractException(string sourceName, IReadOnlyList<ContractError> errors, bool moreNotListed = false)
    : Exception(Describe(sourceName, errors, moreNotListed))
{
    public string SourceName { get; } = sourceName;
    public IReadOnlyList<ContractError> Errors { get; } = errors;
    public bool MoreNotListed { get; } = moreNotListed;

    private static string Describe(string sourceName, IReadOnlyList<ContractError> errors, bool moreNotListed)
    {
        var count = moreNotListed
            ? $"more than {errors.Count} errors; the first {errors.Count} are listed"
            : $"{errors.Count} error{(errors.Count == 1 ? "" : "s")}";
        return $"Contract '{SafeText.Quote(Cpr.MaskAll(sourceName))}' is invalid ({count}):"
               + string.Concat(errors.Select(e => Environment.NewLine + "  " + e))
               + (moreNotListed ? Environment.NewLine + "  … and more errors not listed" : "");
    }
}

/// <summary>
/// The upper bounds and cross-field margins of the contract file (docs/contract-file.md "Limits"). They are chosen so
/// that no sum over a programme can come near the range of <see cref="decimal"/> (at most (520 + 260) weeks ×
/// 100,000 per week × 100,000 referrals ≈ 7.8 × 10^12, against 7.9 × 10^28) and no week arithmetic leaves the calendar
/// (dates within 1990..2100 plus at most 780 weeks), and so that a hostile file costs bounded work.
/// </summary>
public static class ContractLimits
{
    /// <summary>The largest contract text read, in UTF-8 bytes (1 MiB); the IMPACT60 contract is about 3 KB.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The deepest nesting of objects and arrays accepted; the contract itself needs 4 ($.parties.supplier.bank).</summary>
    public const int MaxDepth = 16;

    /// <summary>Errors listed at most; at the next one reading stops and the message says more were not listed.</summary>
    public const int MaxErrors = 50;

    /// <summary>Most a tariff may pay for one week (<c>full</c>, <c>partial</c>).</summary>
    public const decimal MaxTariff = 100_000m;

    /// <summary>Most any other amount may be: caps, deficit guarantees, revenue plan (10^12).</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    public const int MaxReferralCap = 100_000;

    /// <summary>Most weeks any week count may hold (10 years).</summary>
    public const int MaxWeeks = 520;

    /// <summary>How much longer than the window the target spell may be: the course and the time before it (2 years).</summary>
    public const int TargetMarginWeeks = 104;

    /// <summary>Most suspended weeks in all (5 years): each one lengthens every window it falls in.</summary>
    public const int MaxSuspendedWeeks = 260;

    public const int MaxPaymentTermsDays = 365;

    public const int MaxTariffs = 100;
    public const int MaxSuspensions = 100;
    public const int MaxFunds = 20;
    public const int MaxClassificationCodes = 10_000;
    public const int MaxRevenuePlanEntries = 1_200;

    /// <summary>Most characters of a name, address part, e-mail address or other short text.</summary>
    public const int MaxTextLength = 200;
    public const int MaxDescriptionLength = 4_000;

    /// <summary>Most characters of a suspension reason or a VAT exemption reason.</summary>
    public const int MaxReasonLength = 500;
}

/// <summary>
/// Reads the contract JSON strictly (DOMAIN.md "The contract file, exactly"): unknown properties, wrong types, missing or
/// null required values and values outside their range are all errors. The document is walked by hand so that every
/// error is collected with its path and reported at once; operators fix a file in one go, not one error per deploy.
/// </summary>
public static class ContractLoader
{
    /// <summary>
    /// Why a text of the contract that holds a CPR number (<see cref="Cpr.ContainsCprLike"/>: any spelling people type) is
    /// refused. Every text of the contract is checked but the bank account number, which is 1 to 10 digits by its own rule
    /// and may read as a date followed by four digits.
    /// </summary>
    public const string CprMessage = "must not hold a CPR number (in any spelling): the contract's texts are printed on invoices and in e-mails";

    /// <summary>Reads the contract file at <paramref name="path"/>, refusing one above <see cref="ContractLimits.MaxBytes"/> before reading it.</summary>
    public static Contract LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        var length = new FileInfo(path).Length;
        if (length > ContractLimits.MaxBytes) throw new ContractException(name, [TooLarge(length)]);
        return Load(File.ReadAllText(path), name);
    }

    public static Contract Load(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        // Refused on its size before parsing: counting the bytes is one cheap pass over text already in memory.
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > ContractLimits.MaxBytes) throw new ContractException(sourceName, [TooLarge(bytes)]);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
                MaxDepth = ContractLimits.MaxDepth,
            });
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
            if (reader.Errors.Count > 0) throw new ContractException(sourceName, reader.Errors, reader.MoreNotListed);
            return contract;
        }
    }

    private static ContractError TooLarge(long size) =>
        new("$", $"the contract is {size.ToString(CultureInfo.InvariantCulture)} bytes; "
                 + $"at most {ContractLimits.MaxBytes.ToString(CultureInfo.InvariantCulture)} bytes (1 MiB) are accepted");

    private static string FirstSentence(string message)
    {
        // Drop System.Text.Json's own "Path: $ | LineNumber: ..." suffix: we already say where. It may quote a character
        // of the input, so it is made safe to show.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return SafeText.Show((cut > 0 ? message[..cut] : message).Trim(), 200);
    }

    private sealed class Reader
    {
        public List<ContractError> Errors { get; } = [];

        /// <summary>True once an error beyond <see cref="ContractLimits.MaxErrors"/> was found: every loop stops then.</summary>
        public bool MoreNotListed { get; private set; }

        private void Error(string path, string message)
        {
            if (Errors.Count < ContractLimits.MaxErrors) Errors.Add(new ContractError(path, message));
            else MoreNotListed = true;
        }

        /// <summary>A property name or other input text as it may appear in a path or a message: escaped and cut.</summary>
        private static string Q(string text) => SafeText.Quote(text);

        public Contract ReadContract(JsonElement root)
        {
            const string p = "$";
            if (!IsObject(root, p,
                    "programme", "description", "currency", "referralCap", "classification", "tariffs", "paymentWindowWeeks",
                    "verificationPeriodWeeks", "maturityWeeks", "minSustainedWeeks", "targetSustainedWeeks", "targetShare",
                    "caps", "suspensions", "vatRate", "parties", "invoicing", "revenuePlan", "allowReReferral", "maxCourseEndWeeksAhead"))
                return Empty;

            const string weeks = "must be a positive number of weeks";
            const string atMostWeeks = "must be at most 520 weeks (10 years)";
            var programme = NonEmptyString(root, p, "programme");
            var description = String(root, p, "description", required: false, maxLength: ContractLimits.MaxDescriptionLength);
            var currency = NonEmptyString(root, p, "currency");
            if (currency is not null && !(currency.Length == 3 && currency.All(char.IsAsciiLetterUpper)))
                Error($"{p}.currency", $"must be an ISO 4217 code of 3 upper-case letters (found '{Q(currency)}')");
            var referralCap = Int(root, p, "referralCap", 1, "must be at least 1", ContractLimits.MaxReferralCap, "must be at most 100000");
            var classification = ReadClassification(root, p);
            var tariffs = ReadTariffs(root, p);
            var window = Int(root, p, "paymentWindowWeeks", 1, weeks, ContractLimits.MaxWeeks, atMostWeeks);
            var period = Int(root, p, "verificationPeriodWeeks", 1, weeks, ContractLimits.MaxWeeks, atMostWeeks);
            // 0 is a contract too: a week is final on its own Sunday.
            var maturity = Int(root, p, "maturityWeeks", 0, "must be 0 or more weeks", ContractLimits.MaxWeeks, atMostWeeks);
            var minSustained = Int(root, p, "minSustainedWeeks", 1, weeks, ContractLimits.MaxWeeks, atMostWeeks);
            var target = Int(root, p, "targetSustainedWeeks", 1, weeks, ContractLimits.MaxWeeks, atMostWeeks);
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
            var allowReReferral = Bool(root, p, "allowReReferral") ?? false;
            var courseEndAhead = Int(root, p, "maxCourseEndWeeksAhead", 0, "must be 0 or more weeks", ContractLimits.MaxWeeks, atMostWeeks,
                required: false) ?? Contract.DefaultMaxCourseEndWeeksAhead;

            // Cross-field rules: each error is put on the value that gives way and names the other one.
            if (window is { } w)
            {
                if (period > w)
                    Error($"{p}.verificationPeriodWeeks", $"must be at most {p}.paymentWindowWeeks ({w}): a verification period cannot be longer than the window (found {period})");
                if (maturity > w)
                    Error($"{p}.maturityWeeks", $"must be at most {p}.paymentWindowWeeks ({w}): a week cannot wait longer than the window to become final (found {maturity})");
                if (target > w + ContractLimits.TargetMarginWeeks)
                    Error($"{p}.targetSustainedWeeks", $"must be at most {p}.paymentWindowWeeks + {ContractLimits.TargetMarginWeeks} ({w + ContractLimits.TargetMarginWeeks}): "
                                                       + $"the target spell may begin up to two years before the window, not more (found {target})");
            }
            if (minSustained > target)
                Error($"{p}.minSustainedWeeks", $"must be at most {p}.targetSustainedWeeks ({target}): a paid spell cannot need more weeks than the target spell (found {minSustained})");

            return new Contract(programme ?? "", description, currency ?? "", referralCap ?? 0, classification, tariffs,
                window ?? 0, period ?? 0, maturity ?? 0, minSustained ?? 0, target ?? 0, targetShare ?? 0m, caps, suspensions,
                vatRate ?? 0m, parties, invoicing, revenuePlan)
            {
                AllowReReferral = allowReReferral,
                MaxCourseEndWeeksAhead = courseEndAhead,
            };
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
                else if (c.GetPropertyCount() is var count && count > ContractLimits.MaxClassificationCodes)
                    Error(cp, $"must hold at most {ContractLimits.MaxClassificationCodes} codes (found {count})");
                else
                {
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var prop in c.EnumerateObject())
                    {
                        if (MoreNotListed) break;
                        var kp = $"{cp}['{Q(prop.Name)}']";
                        if (!seen.Add(prop.Name)) { Error(kp, "duplicate property"); continue; }
                        var keyOk = prop.Name.Length is >= 1 and <= 4 && prop.Name.All(char.IsAsciiDigit);
                        if (!keyOk) Error(kp, "a benefit code must be 1 to 4 digits");
                        else if (prop.Name.Length > 1 && prop.Name[0] == '0')
                        {
                            // The register readers compare codes as numbers (0651 is read as 651): a key with a leading zero
                            // would never match, and two keys equal as numbers would contradict each other.
                            Error(kp, $"write {prop.Name.TrimStart('0').PadLeft(1, '0')}: codes are compared as numbers, leading zeros are not significant");
                            keyOk = false;
                        }
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
            if (Array(parent, parentPath, "tariffs", ContractLimits.MaxTariffs, "tariffs") is not { } arr) return list;
            if (arr.GetArrayLength() == 0) { Error(p, "must hold at least one tariff"); return list; }
            var i = 0;
            (DateOnly Date, int Index)? previous = null;
            foreach (var t in arr.EnumerateArray())
            {
                if (MoreNotListed) break;
                var tp = $"{p}[{i}]";
                if (IsObject(t, tp, "validFrom", "full", "partial"))
                {
                    var from = Date(t, tp, "validFrom");
                    var full = Amount(t, tp, "full", allowZero: true, max: ContractLimits.MaxTariff);
                    var partial = Amount(t, tp, "partial", allowZero: true, max: ContractLimits.MaxTariff);
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
            var perParticipant = Amount(e, p, "perParticipant", allowZero: false, nullable: true);
            var programme = Amount(e, p, "programme", allowZero: false, nullable: true);
            if (perParticipant > programme)
                Error($"{p}.perParticipant", $"must be at most {p}.programme ({Show(programme!.Value)}): one participant cannot be allowed more than the whole programme (found {Show(perParticipant!.Value)})");
            return new Caps(perParticipant, programme);
        }

        private List<Suspension> ReadSuspensions(JsonElement parent, string parentPath)
        {
            var list = new List<Suspension>();
            var p = $"{parentPath}.suspensions";
            if (Array(parent, parentPath, "suspensions", ContractLimits.MaxSuspensions, "suspensions") is not { } arr) return list;
            var valid = new List<(Suspension S, int Index)>();
            var i = 0;
            foreach (var s in arr.EnumerateArray())
            {
                if (MoreNotListed) break;
                var sp = $"{p}[{i}]";
                if (IsObject(s, sp, "from", "to", "reason"))
                {
                    var from = Week(s, sp, "from");
                    var to = Week(s, sp, "to");
                    var reason = NonEmptyString(s, sp, "reason", ContractLimits.MaxReasonLength);
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
            // Suspended weeks lengthen every window they fall in; without a bound a window could stretch without end.
            var total = valid.Sum(v => v.S.Weeks);
            if (total > ContractLimits.MaxSuspendedWeeks)
                Error(p, $"must hold at most {ContractLimits.MaxSuspendedWeeks} suspended weeks in all (found {total}): each suspended week lengthens every window it falls in");
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
            if (Array(e, p, "funds", ContractLimits.MaxFunds, "funds") is { } fa)
            {
                var i = 0;
                foreach (var f in fa.EnumerateArray())
                {
                    if (MoreNotListed) break;
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
                Error($"{p}.country", $"must be an ISO 3166 code of 2 upper-case letters (found '{Q(country)}')");
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
                Error($"{p}.regNo", $"must be 4 digits (found '{Q(regNo)}')");
            var account = NonEmptyString(e, p, "account", mayLookLikeCpr: true);
            if (account is not null && !(account.Length <= 10 && account.All(char.IsAsciiDigit)))
                Error($"{p}.account", $"must be 1 to 10 digits (found '{Q(account)}')");
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
            var terms = Int(e, p, "paymentTermsDays", 0, "must be 0 or more days", ContractLimits.MaxPaymentTermsDays, "must be at most 365 days");

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
                        else if (!(creditor.Length == 8 && creditor.All(char.IsAsciiDigit))) Error($"{mp}.creditorNumber", $"must be 8 digits (found '{Q(creditor)}')");
                        means = new PaymentMeans(PaymentMeansType.Fik, creditor);
                        break;
                    case null:
                        break;
                    default:
                        Error($"{mp}.type", $"must be 'bankTransfer' or 'fik' (found '{Q(type)}')");
                        break;
                }
            }

            var exemption = String(e, p, "vatExemptionReason", required: false, nullable: true, maxLength: ContractLimits.MaxReasonLength);
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
            if (Array(parent, parentPath, "revenuePlan", ContractLimits.MaxRevenuePlanEntries, "entries") is not { } arr) return list;
            var i = 0;
            RevenuePlanEntry? previous = null;
            foreach (var r in arr.EnumerateArray())
            {
                if (MoreNotListed) break;
                var rp = $"{p}[{i}]";
                if (IsObject(r, rp, "through", "cumulative"))
                {
                    var through = NonEmptyString(r, rp, "through");
                    var cumulative = Amount(r, rp, "cumulative", allowZero: true);
                    DateOnly month = default;
                    if (through is not null)
                    {
                        var isMonth = through.Length == 7
                                      && DateOnly.TryParseExact(through + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out month);
                        if (isMonth && !PlausibleDates.Contains(month))
                            Error($"{rp}.through", $"must be from {PlausibleDates.Earliest:yyyy-MM} to {PlausibleDates.Latest:yyyy-MM} (found {month:yyyy-MM})");
                        else if (isMonth)
                        {
                            var entry = new RevenuePlanEntry(month.Year, month.Month, cumulative ?? 0m);
                            if (previous is not null && month <= new DateOnly(previous.Year, previous.Month, 1))
                                Error($"{rp}.through", $"must be after {p}[{i - 1}].through ({previous.Year:D4}-{previous.Month:D2})");
                            else if (previous is not null && cumulative is not null && cumulative < previous.Cumulative)
                                Error($"{rp}.cumulative", $"must not be less than {p}[{i - 1}].cumulative ({Show(previous.Cumulative)}): it is cumulative");
                            list.Add(entry);
                            previous = entry;
                        }
                        else Error($"{rp}.through", $"must be a month as YYYY-MM (found '{Q(through)}')");
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
            var expectedListed = false;
            foreach (var prop in e.EnumerateObject())
            {
                // Stop walking once the error list is full: an object of a million unknown keys costs no more than 50.
                if (MoreNotListed) break;
                if (!seen.Add(prop.Name)) Error($"{path}.{Q(prop.Name)}", "duplicate property");
                else if (System.Array.IndexOf(known, prop.Name) < 0)
                {
                    // The expected names are listed once per object, with its first unknown property.
                    Error($"{path}.{Q(prop.Name)}", expectedListed ? "unknown property" : $"unknown property (expected one of: {string.Join(", ", known)})");
                    expectedListed = true;
                }
            }
            return true;
        }

        /// <summary>The property's value; reports a missing or null required value. Null when absent or null.</summary>
        private JsonElement? Child(JsonElement parent, string parentPath, string name, bool required = true, bool nullable = false)
        {
            // Once errors go unlisted the contract is refused anyway: read nothing more (a lookup in a huge object is linear).
            if (MoreNotListed) return null;
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

        /// <summary>The array, unless it holds more than <paramref name="max"/> entries: then one error and none of them is read.</summary>
        private JsonElement? Array(JsonElement parent, string parentPath, string name, int max, string noun)
        {
            if (Child(parent, parentPath, name) is not { } v) return null;
            if (v.ValueKind != JsonValueKind.Array)
            {
                Error($"{parentPath}.{name}", $"must be an array, not {Kind(v)}");
                return null;
            }
            var length = v.GetArrayLength();
            if (length <= max) return v;
            Error($"{parentPath}.{name}", $"must hold at most {max} {noun} (found {length})");
            return null;
        }

        /// <summary>
        /// A string of at most <paramref name="maxLength"/> characters with no control character and, unless
        /// <paramref name="mayLookLikeCpr"/>, no CPR number; null (and an error) otherwise.
        /// </summary>
        private string? String(JsonElement parent, string parentPath, string name, bool required = true, bool nullable = false,
            int maxLength = ContractLimits.MaxTextLength, bool mayLookLikeCpr = false)
        {
            if (Child(parent, parentPath, name, required, nullable || !required) is not { } v) return null;
            var path = $"{parentPath}.{name}";
            if (v.ValueKind != JsonValueKind.String)
            {
                Error(path, $"must be a string, not {Kind(v)}");
                return null;
            }
            var s = v.GetString()!;
            if (s.Length > maxLength)
            {
                Error(path, $"must be at most {maxLength} characters (found {s.Length})");
                return null;
            }
            for (var i = 0; i < s.Length; i++)
            {
                if (!SafeText.IsUnsafe(s[i])) continue;
                Error(path, $"must not contain control characters (found \\u{(int)s[i]:X4} at character {i + 1})");
                return null;
            }
            if (!mayLookLikeCpr && Cpr.ContainsCprLike(s))
            {
                Error(path, CprMessage);
                return null;
            }
            return s;
        }

        private bool? Bool(JsonElement parent, string parentPath, string name)
        {
            if (Child(parent, parentPath, name, required: false, nullable: true) is not { } v) return null;
            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
            Error($"{parentPath}.{name}", $"must be true or false, not {Kind(v)}");
            return null;
        }

        private string? NonEmptyString(JsonElement parent, string parentPath, string name, int maxLength = ContractLimits.MaxTextLength, bool mayLookLikeCpr = false)
        {
            var s = String(parent, parentPath, name, maxLength: maxLength, mayLookLikeCpr: mayLookLikeCpr);
            if (s is not null && string.IsNullOrWhiteSpace(s))
            {
                Error($"{parentPath}.{name}", "must not be empty");
                return null;
            }
            return s;
        }

        /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; the messages say the bound broken.</summary>
        private int? Int(JsonElement parent, string parentPath, string name, int min, string minMessage, int max, string maxMessage, bool required = true)
        {
            if (Child(parent, parentPath, name, required, nullable: !required) is not { } v) return null;
            var path = $"{parentPath}.{name}";
            if (v.ValueKind != JsonValueKind.Number) { Error(path, $"must be a number, not {Kind(v)}"); return null; }
            if (!v.TryGetInt32(out var i))
            {
                // Beyond int but still a whole number (10000000000, 1e12): say which bound it breaks.
                if (v.TryGetDecimal(out var d) && d == decimal.Truncate(d) && (d < min || d > max))
                    Error(path, $"{(d < min ? minMessage : maxMessage)} (found {Show(d)})");
                else Error(path, $"must be a whole number (found {Q(v.GetRawText())})");
                return null;
            }
            if (i < min) { Error(path, $"{minMessage} (found {i})"); return null; }
            if (i > max) { Error(path, $"{maxMessage} (found {i})"); return null; }
            return i;
        }

        private decimal? Decimal(JsonElement parent, string parentPath, string name, bool nullable = false, decimal? max = null)
        {
            if (Child(parent, parentPath, name, required: !nullable, nullable) is not { } v) return null;
            var path = $"{parentPath}.{name}";
            if (v.ValueKind != JsonValueKind.Number) { Error(path, $"must be a number, not {Kind(v)}"); return null; }
            var raw = v.GetRawText();
            if (!v.TryGetDecimal(out var d))
            {
                Error(path, max is { } m && !raw.StartsWith('-')
                    ? $"must be at most {Show(m)} (found {Q(raw)})"
                    : $"is out of range (found {Q(raw)})");
                return null;
            }
            if (d > max) { Error(path, $"must be at most {Show(max.Value)} (found {Show(d)})"); return null; }
            return d;
        }

        /// <summary>
        /// A money amount in the contract currency: not negative, at most <paramref name="max"/> (default 10^12), at most
        /// 2 decimals (øre), so all sums are exact.
        /// </summary>
        private decimal? Amount(JsonElement parent, string parentPath, string name, bool allowZero, bool nullable = false,
            decimal max = ContractLimits.MaxAmount)
        {
            if (Decimal(parent, parentPath, name, nullable, max) is not { } d) return null;
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
            if (!DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                Error($"{parentPath}.{name}", $"must be a date as YYYY-MM-DD (found '{Q(s)}')");
            else if (!PlausibleDates.Contains(d))
                Error($"{parentPath}.{name}", $"must be from {PlausibleDates.Earliest:yyyy-MM-dd} to {PlausibleDates.Latest:yyyy-MM-dd} (found {d:yyyy-MM-dd})");
            else return d;
            return null;
        }

        private IsoWeek? Week(JsonElement parent, string parentPath, string name)
        {
            if (String(parent, parentPath, name) is not { } s) return null;
            if (!IsoWeek.TryParse(s, out var w, out var error))
                Error($"{parentPath}.{name}", SafeText.Show(error ?? "is not an ISO week (YYYY-Www)", 200));
            else if (!PlausibleDates.Contains(w))
                Error($"{parentPath}.{name}", $"must be from {PlausibleDates.EarliestWeek} to {PlausibleDates.LatestWeek} (found {w})");
            else return w;
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
                Error(path, $"must be one of Full, Partial, None (found '{Q(v.GetString()!)}')");
                return null;
            }
            Error(path, v.ValueKind == JsonValueKind.Null ? "must not be null" : $"must be one of Full, Partial, None, not {Kind(v)}");
            return null;
        }

        private string Cvr(JsonElement parent, string parentPath)
        {
            var s = NonEmptyString(parent, parentPath, "cvr");
            if (s is not null && !(s.Length == 8 && s.All(char.IsAsciiDigit)))
                Error($"{parentPath}.cvr", $"must be a CVR number of 8 digits (found '{Q(s)}')");
            return s ?? "";
        }

        private string Ean(JsonElement parent, string parentPath)
        {
            var s = NonEmptyString(parent, parentPath, "ean");
            if (s is null) return "";
            if (!(s.Length == 13 && s.All(char.IsAsciiDigit)))
                Error($"{parentPath}.ean", $"must be an EAN (GLN) of 13 digits (found '{Q(s)}')");
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
            if (!ok) Error($"{parentPath}.email", $"is not an e-mail address (found '{Q(s)}')");
            return s;
        }

        private string? Series(JsonElement parent, string parentPath, string name)
        {
            var s = NonEmptyString(parent, parentPath, name);
            if (s is not null && !(s.Length <= 10 && s.All(char.IsAsciiLetterOrDigit)))
                Error($"{parentPath}.{name}", $"must be 1 to 10 letters and digits (found '{Q(s)}')");
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
