using System.Globalization;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Documents;

public enum DocumentKind { Invoice, CreditNote }

/// <summary>
/// One settlement document (invoice or credit note) as the ledger hands it to the writers: everything the UBL,
/// PDF and JSON forms say comes from here, and the totals are computed here only, so the three forms cannot
/// disagree. Construction validates the document (see <see cref="DocumentValidationException"/>).
/// </summary>
public sealed record SettlementDocument
{
    public SettlementDocument(
        DocumentKind Kind, string Number, DateOnly IssueDate, DateOnly DueDate,
        string SettlementPeriod,
        DateOnly AsOf,
        DocumentParty Seller, DocumentParty Buyer, string BuyerReference,
        string Currency, decimal VatRate, string? VatExemptionReason,
        PaymentInstructions Payment,
        IReadOnlyList<CorrectedInvoice> Corrects,
        IReadOnlyList<DocumentLine> Lines)
    {
        this.Kind = Kind;
        this.Number = Number;
        this.IssueDate = IssueDate;
        this.DueDate = DueDate;
        this.SettlementPeriod = SettlementPeriod;
        this.AsOf = AsOf;
        this.Seller = Seller;
        this.Buyer = Buyer;
        this.BuyerReference = BuyerReference;
        this.Currency = Currency;
        this.VatRate = VatRate;
        this.VatExemptionReason = VatExemptionReason;
        this.Payment = Payment;
        this.Corrects = Corrects;
        this.Lines = Lines;
        Validate();
    }

    public DocumentKind Kind { get; }
    public string Number { get; }
    public DateOnly IssueDate { get; }
    public DateOnly DueDate { get; }
    /// <summary>The month settled, <c>yyyy-MM</c> (e.g. <c>2021-06</c>).</summary>
    public string SettlementPeriod { get; }
    /// <summary>The run date the entitlement was computed at.</summary>
    public DateOnly AsOf { get; }
    public DocumentParty Seller { get; }
    public DocumentParty Buyer { get; }
    public string BuyerReference { get; }
    /// <summary>ISO 4217 code, e.g. <c>DKK</c>.</summary>
    public string Currency { get; }
    /// <summary>VAT as a fraction (0.25 = 25 %); 0 means exempt (category E) and needs <see cref="VatExemptionReason"/>.</summary>
    public decimal VatRate { get; }
    public string? VatExemptionReason { get; }
    public PaymentInstructions Payment { get; }
    /// <summary>Credit notes: the invoice(s) they correct. Empty for invoices.</summary>
    public IReadOnlyList<CorrectedInvoice> Corrects { get; }
    public IReadOnlyList<DocumentLine> Lines { get; }

    // The totals, stated once. Line amounts are already whole øre; VAT is rounded once, on the document total,
    // to 2 decimals AwayFromZero (so it equals EN 16931 BR-CO-17's taxable × rate for the single VAT category).
    public decimal LineExtensionAmount => Lines.Sum(l => l.Amount);
    public decimal VatAmount => RoundMoney(LineExtensionAmount * VatRate);
    public decimal PayableAmount => LineExtensionAmount + VatAmount;

    public bool IsVatExempt => VatRate == 0m;

    /// <summary>First and last day of the settled month.</summary>
    public (DateOnly Start, DateOnly End) SettlementMonth
    {
        get
        {
            var start = DateOnly.ParseExact(SettlementPeriod, "yyyy-MM", CultureInfo.InvariantCulture);
            return (start, start.AddMonths(1).AddDays(-1));
        }
    }

    /// <summary>The project's one money rounding: 2 decimals, midpoint away from zero.</summary>
    public static decimal RoundMoney(decimal amount) => Impact60.Domain.Settlement.Money.Round(amount);

    private void Validate()
    {
        var errors = new List<string>();
        void Require(bool ok, string message) { if (!ok) errors.Add(message); }

        Require(!string.IsNullOrWhiteSpace(Number), "Number is empty");
        Require(DueDate >= IssueDate, $"DueDate {DueDate:yyyy-MM-dd} is before IssueDate {IssueDate:yyyy-MM-dd}");
        Require(DateOnly.TryParseExact(SettlementPeriod ?? "", "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            $"SettlementPeriod '{SettlementPeriod}' is not a month yyyy-MM");
        Require(Seller is not null, "Seller is missing");
        Require(Buyer is not null, "Buyer is missing");
        Require(Buyer?.Ean is not null, "Buyer has no EAN: a Danish public buyer receives e-invoices on its EAN (Peppol scheme 0088)");
        Require(!string.IsNullOrWhiteSpace(BuyerReference), "BuyerReference is empty (Peppol requires it, BR-DK/PEPPOL-EN16931-R003)");
        Require(Currency is { Length: 3 } && Currency.All(char.IsAsciiLetterUpper), $"Currency '{Currency}' is not an ISO 4217 code");
        Require(VatRate >= 0m && VatRate < 1m, $"VatRate {VatRate} must be a fraction in [0, 1)");
        Require(VatRate != 0m || !string.IsNullOrWhiteSpace(VatExemptionReason),
            "VatRate is 0 (exempt, category E) but VatExemptionReason is empty (EN 16931 BR-E-10)");
        Require(Payment is not null, "Payment instructions are missing");
        Require(Corrects is not null, "Corrects is null (use an empty list)");
        Require(Kind == DocumentKind.Invoice ? Corrects is { Count: 0 } : Corrects is { Count: > 0 },
            Kind == DocumentKind.Invoice ? "an invoice corrects nothing: Corrects must be empty"
                                         : "a credit note must name the invoice(s) it corrects");
        Require(Lines is { Count: > 0 }, "the document has no lines");

        if (Lines is not null)
        {
            var seen = new HashSet<int>();
            foreach (var l in Lines)
            {
                var where = $"line {l.LineNumber} ({l.ReferralId}, period {l.PeriodIndex})";
                Require(seen.Add(l.LineNumber), $"{where}: line number is used twice");
                // Weeks may be 0 (a cap moved between periods: only the cap part of the line changes) or even negative (weeks
                // revised away in a period whose cap was released by more): the line is still one grain, and its amount,
                // never negative, is what the charge or allowance makes of it.
                Require(l.Weeks != 0 || l.Allowance != 0m || l.Charge != 0m, $"{where}: the line has no weeks, no allowance and no charge");
                Require(l.UnitPrice >= 0m && l.Allowance >= 0m && l.Charge >= 0m && l.Amount >= 0m,
                    $"{where}: amounts must be ≥ 0 (a credit note states positive amounts)");
                Require(l.Allowance == 0m || l.Charge == 0m,
                    $"{where}: a line has a cap allowance or a cap charge, not both (allowance {l.Allowance}, charge {l.Charge})");
                Require(l.LineTotal == l.Amount,
                    $"{where}: Weeks × UnitPrice − Allowance + Charge = {l.Weeks} × {l.UnitPrice} − {l.Allowance} + {l.Charge} = {l.LineTotal}, not Amount {l.Amount}");
                Require(RoundMoney(l.Amount) == l.Amount && RoundMoney(l.Allowance) == l.Allowance && RoundMoney(l.Charge) == l.Charge
                        && RoundMoney(l.UnitPrice) == l.UnitPrice,
                    $"{where}: amounts must have at most 2 decimals");
                Require(l.Class is WeekClass.Full or WeekClass.Partial, $"{where}: class {l.Class} is not payable");
                Require(IsoWeek.TryParse(l.PeriodFirstWeek, out var first, out _) && IsoWeek.TryParse(l.PeriodLastWeek, out var last, out _) && first <= last,
                    $"{where}: period weeks '{l.PeriodFirstWeek}'..'{l.PeriodLastWeek}' are not ISO weeks in order");
                Require(l.CorrectsInvoiceNumber is null || Kind == DocumentKind.CreditNote,
                    $"{where}: an invoice line cannot correct invoice {l.CorrectsInvoiceNumber}");
                Require(l.CorrectsInvoiceNumber is null || Corrects is null || Corrects.Any(c => c.Number == l.CorrectsInvoiceNumber),
                    $"{where}: corrects invoice {l.CorrectsInvoiceNumber}, which the document's Corrects list does not name");
            }
        }

        foreach (var (party, role) in new[] { (Seller, "Seller"), (Buyer, "Buyer") })
        {
            if (party is null) continue;
            Require(party.Cvr is { Length: 8 } && party.Cvr.All(char.IsAsciiDigit), $"{role} CVR '{party.Cvr}' must be 8 digits");
            Require(party.Ean is null || Gs1.IsValidGln(party.Ean), $"{role} EAN '{party.Ean}' is not a 13-digit GLN with a valid GS1 check digit");
            Require(!string.IsNullOrWhiteSpace(party.Name), $"{role} name is empty");
            Require(party.Country is { Length: 2 }, $"{role} country '{party.Country}' must be an ISO 3166 alpha-2 code");
        }

        if (errors.Count > 0)
            throw new DocumentValidationException(Number, errors);
    }
}

public sealed record DocumentParty(string Name, string Cvr, string? Ean, string Street, string City, string PostalCode, string Country, string? Email);

/// <summary>
/// One invoice line: the weeks of one class in one verification period of one participant (one settlement grain).
/// <c>Weeks × UnitPrice − Allowance + Charge == Amount</c>. The per-participant cap (DOMAIN.md rule 8) applies in week
/// order, so a revision of earlier weeks moves cap reduction between periods: <see cref="Allowance"/> is what the cap
/// took off this line, <see cref="Charge"/> what it gave back (cap reduction released, e.g. 0 weeks × 796 + 1,348 =
/// 1,348 when a revision elsewhere made room under the cap). At most one of the two is non-zero; both are ≥ 0.
/// </summary>
public sealed record DocumentLine(int LineNumber, string ReferralId, string FokusRef, int PeriodIndex, string PeriodFirstWeek, string PeriodLastWeek,
    WeekClass Class, int Weeks, decimal UnitPrice, decimal Allowance, decimal Charge, decimal Amount, string? CorrectsInvoiceNumber)
{
    /// <summary>
    /// A settlement line's signed cap reduction as the document states it: a reduction (positive) is an allowance, a
    /// negative one — cap released — a charge of its size.
    /// </summary>
    public static (decimal Allowance, decimal Charge) FromCapReduction(decimal capReduction) =>
        capReduction >= 0m ? (capReduction, 0m) : (0m, -capReduction);

    /// <summary>Weeks × UnitPrice − Allowance + Charge: what <see cref="Amount"/> must be.</summary>
    public decimal LineTotal => Weeks * UnitPrice - Allowance + Charge;
}

/// <summary>An invoice a credit note corrects (UBL BillingReference).</summary>
public sealed record CorrectedInvoice(string Number, DateOnly IssueDate);

/// <summary>How the buyer pays: a bank transfer or an FIK payment slip.</summary>
public abstract record PaymentInstructions;

/// <summary>
/// Bank transfer to a Danish account (reg.nr. 4 digits + account up to 10 digits). With an IBAN the UBL form uses
/// payment means 58 (SEPA credit transfer, IBAN + BIC); without, 42 (national transfer, reg.nr. + account) as in
/// the Danish CIUS examples (rule DK-R-006 wants both numbers for 31/42).
/// </summary>
public sealed record BankTransferPayment : PaymentInstructions
{
    public BankTransferPayment(string RegistrationNumber, string AccountNumber, string? Iban = null, string? Bic = null)
    {
        if (RegistrationNumber is not { Length: 4 } || !RegistrationNumber.All(char.IsAsciiDigit))
            throw new ArgumentException($"registration number '{RegistrationNumber}' must be 4 digits", nameof(RegistrationNumber));
        if (AccountNumber is not { Length: >= 1 and <= 10 } || !AccountNumber.All(char.IsAsciiDigit))
            throw new ArgumentException($"account number '{AccountNumber}' must be 1 to 10 digits", nameof(AccountNumber));
        if (Iban is not null && !Gs1.IsValidIban(Iban))
            throw new ArgumentException($"IBAN '{Iban}' fails the ISO 13616 mod-97 check", nameof(Iban));
        this.RegistrationNumber = RegistrationNumber;
        this.AccountNumber = AccountNumber;
        this.Iban = Iban?.Replace(" ", "", StringComparison.Ordinal);
        this.Bic = Bic;
    }

    public string RegistrationNumber { get; }
    public string AccountNumber { get; }
    public string? Iban { get; }
    public string? Bic { get; }
}

/// <summary>
/// FIK payment (indbetalingskort) card type 71: the buyer pays <c>+71&lt;PaymentId&gt;+CreditorNumber&lt;</c>.
/// <see cref="PaymentId"/> is 15 digits ending in a modulus-10 check digit; <see cref="ForInvoice"/> derives one
/// from the document number.
/// </summary>
public sealed record FikPayment : PaymentInstructions
{
    public const string CardType = "71";

    public FikPayment(string CreditorNumber, string PaymentId)
    {
        if (CreditorNumber is not { Length: 8 } || !CreditorNumber.All(char.IsAsciiDigit))
            throw new ArgumentException($"FIK creditor number '{CreditorNumber}' must be 8 digits (DK-R-010)", nameof(CreditorNumber));
        if (PaymentId is not { Length: 15 } || !PaymentId.All(char.IsAsciiDigit) || Mod10CheckDigit(PaymentId[..14]) != PaymentId[14])
            throw new ArgumentException($"FIK 71 payment id '{PaymentId}' must be 15 digits ending in its modulus-10 check digit", nameof(PaymentId));
        this.CreditorNumber = CreditorNumber;
        this.PaymentId = PaymentId;
    }

    public string CreditorNumber { get; }
    public string PaymentId { get; }

    /// <summary>A payment id from the digits of the document number (left-padded to 14) plus its check digit.</summary>
    public static FikPayment ForInvoice(string creditorNumber, string documentNumber)
    {
        var digits = new string(documentNumber.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length is 0 or > 14)
            throw new ArgumentException($"document number '{documentNumber}' needs 1 to 14 digits to form a FIK payment id", nameof(documentNumber));
        var payload = digits.PadLeft(14, '0');
        return new FikPayment(creditorNumber, payload + Mod10CheckDigit(payload));
    }

    // Modulus 10 with weights 2,1,2,... from the rightmost payload digit (the Luhn scheme PBS uses for FIK 71).
    private static char Mod10CheckDigit(string payload)
    {
        var sum = 0;
        for (int i = payload.Length - 1, w = 2; i >= 0; i--, w = 3 - w)
        {
            var p = (payload[i] - '0') * w;
            sum += p / 10 + p % 10;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }
}

/// <summary>The settlement document breaks a rule; lists every problem found, naming the document and line.</summary>
public sealed class DocumentValidationException(string? number, IReadOnlyList<string> errors)
    : Exception($"Settlement document '{number}' is invalid: {string.Join("; ", errors)}")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Check digits for the identifiers on a document.</summary>
public static class Gs1
{
    /// <summary>13-digit GLN/EAN with the GS1 modulo-10 check digit (weights 3,1 from the right of the payload).</summary>
    public static bool IsValidGln(string? gln)
    {
        if (gln is not { Length: 13 } || !gln.All(char.IsAsciiDigit)) return false;
        var sum = 0;
        for (var i = 0; i < 12; i++)
            sum += (gln[i] - '0') * (i % 2 == 0 ? 1 : 3);
        return (10 - sum % 10) % 10 == gln[12] - '0';
    }

    /// <summary>ISO 13616 IBAN: country, check digits, mod 97 == 1.</summary>
    public static bool IsValidIban(string iban)
    {
        var s = iban.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (s.Length < 15 || s.Length > 34 || !s.All(char.IsAsciiLetterOrDigit)) return false;
        var rearranged = s[4..] + s[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var v = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = v >= 10 ? (remainder * 100 + v) % 97 : (remainder * 10 + v) % 97;
        }
        return remainder == 1;
    }
}
