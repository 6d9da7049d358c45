using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Documents;

/// <summary>
/// Writes a <see cref="SettlementDocument"/> as a Peppol BIS Billing 3.0 UBL 2.1 Invoice or CreditNote with the
/// Danish CIUS (what NemHandel delivers to a municipality's EAN). Element order follows the UBL 2.1 schema
/// (it is order-sensitive) and the Danish CIUS examples.
/// </summary>
public static class UblWriter
{
    public const string CustomizationId = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
    public const string ProfileId = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

    public static readonly XNamespace Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    public static readonly XNamespace Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
    public static readonly XNamespace InvoiceNs = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
    public static readonly XNamespace CreditNoteNs = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

    // Peppol electronic address / identifier schemes (ISO 6523 ICD).
    private const string SchemeCvr = "0184";
    private const string SchemeGln = "0088";
    // UN/ECE Rec 20 "week"; in the code list the EN 16931 rules accept (BR-CL-23).
    private const string UnitWeek = "WEE";

    /// <summary>The reason on a line allowance: the cap took this much off the line.</summary>
    public const string CapAllowanceReason = "Loft (cap)";

    /// <summary>
    /// The reason on a line charge. On an invoice it is cap reduction released (a revision of earlier weeks made room under
    /// the cap, so this period now earns more of its gross); on a credit note it is cap reduction increased (the cap now
    /// takes more off this period, so more is credited).
    /// </summary>
    public static string CapChargeReason(DocumentKind kind) => kind == DocumentKind.Invoice
        ? "Loft frigivet (cap allowance released)"
        : "Loft forøget (cap allowance increased)";

    public static XDocument Write(SettlementDocument doc)
    {
        var isInvoice = doc.Kind == DocumentKind.Invoice;
        var ns = isInvoice ? InvoiceNs : CreditNoteNs;
        var cur = doc.Currency;
        // The header period spans the verification periods billed (Peppol R110/R111: every line period must lie
        // inside it); the settlement month itself is named in the header note.
        var periodStart = doc.Lines.Min(l => IsoWeek.Parse(l.PeriodFirstWeek)).Monday;
        var periodEnd = doc.Lines.Max(l => IsoWeek.Parse(l.PeriodLastWeek)).Sunday;

        var root = new XElement(ns + (isInvoice ? "Invoice" : "CreditNote"),
            new XAttribute(XNamespace.Xmlns + "cac", Cac.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "cbc", Cbc.NamespaceName),
            new XElement(Cbc + "CustomizationID", CustomizationId),
            new XElement(Cbc + "ProfileID", ProfileId),
            new XElement(Cbc + "ID", doc.Number),
            new XElement(Cbc + "IssueDate", Date(doc.IssueDate)),
            // UBL CreditNote has no DueDate: Peppol carries a credit note's due date in PaymentMeans/PaymentDueDate.
            isInvoice ? new XElement(Cbc + "DueDate", Date(doc.DueDate)) : null,
            new XElement(Cbc + (isInvoice ? "InvoiceTypeCode" : "CreditNoteTypeCode"), isInvoice ? "380" : "381"),
            new XElement(Cbc + "Note", HeaderNote(doc)),
            new XElement(Cbc + "DocumentCurrencyCode", cur),
            new XElement(Cbc + "BuyerReference", doc.BuyerReference),
            new XElement(Cac + "InvoicePeriod",
                new XElement(Cbc + "StartDate", Date(periodStart)),
                new XElement(Cbc + "EndDate", Date(periodEnd))),
            doc.Corrects.Select(c =>
                new XElement(Cac + "BillingReference",
                    new XElement(Cac + "InvoiceDocumentReference",
                        new XElement(Cbc + "ID", c.Number),
                        new XElement(Cbc + "IssueDate", Date(c.IssueDate))))),
            new XElement(Cac + "AccountingSupplierParty", Seller(doc)),
            new XElement(Cac + "AccountingCustomerParty", Buyer(doc.Buyer)),
            PaymentMeans(doc, isInvoice),
            new XElement(Cac + "PaymentTerms",
                new XElement(Cbc + "Note", PaymentTermsNote(doc))),
            new XElement(Cac + "TaxTotal",
                Amount("TaxAmount", doc.VatAmount, cur),
                new XElement(Cac + "TaxSubtotal",
                    Amount("TaxableAmount", doc.LineExtensionAmount, cur),
                    Amount("TaxAmount", doc.VatAmount, cur),
                    TaxCategory("TaxCategory", doc, withExemptionReason: true))),
            new XElement(Cac + "LegalMonetaryTotal",
                Amount("LineExtensionAmount", doc.LineExtensionAmount, cur),
                Amount("TaxExclusiveAmount", doc.LineExtensionAmount, cur),
                Amount("TaxInclusiveAmount", doc.PayableAmount, cur),
                Amount("PayableAmount", doc.PayableAmount, cur)),
            doc.Lines.Select(l => Line(doc, l, isInvoice)));

        return new XDocument(new XDeclaration("1.0", "UTF-8", null), root);
    }

    /// <summary>The document as UTF-8 bytes (no BOM), indented.</summary>
    public static byte[] WriteBytes(SettlementDocument doc)
    {
        var xml = Write(doc);
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
            xml.Save(w);
        return ms.ToArray();
    }

    /// <summary>The line's item name: referral id, FOKUS ref, period and class, e.g.
    /// <c>JC-2018-0001 / F-001 / periode 3 (2019-W40–2020-W03) / fuld</c>.</summary>
    public static string ItemName(DocumentLine l) =>
        $"{l.ReferralId} / {l.FokusRef} / periode {l.PeriodIndex} ({l.PeriodFirstWeek}\u2013{l.PeriodLastWeek}) / {ClassDanish(l.Class)}";

    internal static string ClassDanish(WeekClass c) => c switch
    {
        WeekClass.Full => "fuld",
        WeekClass.Partial => "delvis",
        _ => c.ToString(),
    };

    private static string HeaderNote(SettlementDocument doc) =>
        $"IMPACT60 afregning {doc.SettlementPeriod}, opgjort pr. {Date(doc.AsOf)}";

    private static string PaymentTermsNote(SettlementDocument doc) => doc.Kind == DocumentKind.Invoice
        ? $"Netto, forfald {Date(doc.DueDate)}"
        : $"Kreditnota: modregnes eller tilbagebetales senest {Date(doc.DueDate)}";

    private static XElement Seller(SettlementDocument doc)
    {
        var p = doc.Seller;
        return new XElement(Cac + "Party",
            new XElement(Cbc + "EndpointID", new XAttribute("schemeID", SchemeCvr), p.Cvr),
            new XElement(Cac + "PartyName", new XElement(Cbc + "Name", p.Name)),
            Address(p),
            // BT-31 seller VAT id (DK + CVR) when VAT is charged. When exempt, EN 16931 BR-E-02 still needs a seller
            // tax identifier: BT-32, the tax registration (CVR) under a non-VAT tax scheme.
            doc.IsVatExempt
                ? new XElement(Cac + "PartyTaxScheme",
                    new XElement(Cbc + "CompanyID", p.Cvr),
                    new XElement(Cac + "TaxScheme", new XElement(Cbc + "ID", "TAX")))
                : new XElement(Cac + "PartyTaxScheme",
                    new XElement(Cbc + "CompanyID", "DK" + p.Cvr),
                    new XElement(Cac + "TaxScheme", new XElement(Cbc + "ID", "VAT"))),
            LegalEntity(p),
            Contact(p));
    }

    private static XElement Buyer(DocumentParty p) =>
        new(Cac + "Party",
            new XElement(Cbc + "EndpointID", new XAttribute("schemeID", SchemeGln), p.Ean),
            new XElement(Cac + "PartyName", new XElement(Cbc + "Name", p.Name)),
            Address(p),
            LegalEntity(p),
            Contact(p));

    private static XElement Address(DocumentParty p) =>
        new(Cac + "PostalAddress",
            new XElement(Cbc + "StreetName", p.Street),
            new XElement(Cbc + "CityName", p.City),
            new XElement(Cbc + "PostalZone", p.PostalCode),
            new XElement(Cac + "Country", new XElement(Cbc + "IdentificationCode", p.Country)));

    private static XElement LegalEntity(DocumentParty p) =>
        new(Cac + "PartyLegalEntity",
            new XElement(Cbc + "RegistrationName", p.Name),
            new XElement(Cbc + "CompanyID", new XAttribute("schemeID", SchemeCvr), p.Cvr));

    private static XElement? Contact(DocumentParty p) => p.Email is null
        ? null
        : new XElement(Cac + "Contact", new XElement(Cbc + "ElectronicMail", p.Email));

    private static XElement PaymentMeans(SettlementDocument doc, bool isInvoice)
    {
        var dueDate = isInvoice ? null : new XElement(Cbc + "PaymentDueDate", Date(doc.DueDate));
        return doc.Payment switch
        {
            // FIK card 71: PaymentID "71#" + 15-digit payment id, creditor number as the payee account (DK-R-010/011).
            FikPayment fik => new XElement(Cac + "PaymentMeans",
                new XElement(Cbc + "PaymentMeansCode", new XAttribute("name", "FIK"), "93"),
                dueDate,
                new XElement(Cbc + "PaymentID", FikPayment.CardType + "#" + fik.PaymentId),
                new XElement(Cac + "PayeeFinancialAccount", new XElement(Cbc + "ID", fik.CreditorNumber))),
            BankTransferPayment { Iban: { } iban } bank => new XElement(Cac + "PaymentMeans",
                new XElement(Cbc + "PaymentMeansCode", new XAttribute("name", "SEPA credit transfer"), "58"),
                dueDate,
                new XElement(Cbc + "PaymentID", doc.Number),
                new XElement(Cac + "PayeeFinancialAccount",
                    new XElement(Cbc + "ID", iban),
                    new XElement(Cbc + "Name", doc.Seller.Name),
                    bank.Bic is null ? null : new XElement(Cac + "FinancialInstitutionBranch", new XElement(Cbc + "ID", bank.Bic)))),
            // Danish national transfer: account number as the account id, reg.nr. as the branch (DK-R-006).
            BankTransferPayment bank => new XElement(Cac + "PaymentMeans",
                new XElement(Cbc + "PaymentMeansCode", new XAttribute("name", "National Bank Transfer"), "42"),
                dueDate,
                new XElement(Cbc + "PaymentID", doc.Number),
                new XElement(Cac + "PayeeFinancialAccount",
                    new XElement(Cbc + "ID", bank.AccountNumber),
                    new XElement(Cbc + "Name", doc.Seller.Name),
                    new XElement(Cac + "FinancialInstitutionBranch", new XElement(Cbc + "ID", bank.RegistrationNumber)))),
            _ => throw new NotSupportedException($"payment instructions {doc.Payment.GetType().Name} have no UBL form"),
        };
    }

    private static XElement TaxCategory(string name, SettlementDocument doc, bool withExemptionReason) =>
        new(Cac + name,
            new XElement(Cbc + "ID", doc.IsVatExempt ? "E" : "S"),
            new XElement(Cbc + "Percent", Percent(doc.VatRate)),
            withExemptionReason && doc.IsVatExempt ? new XElement(Cbc + "TaxExemptionReason", doc.VatExemptionReason) : null,
            new XElement(Cac + "TaxScheme", new XElement(Cbc + "ID", "VAT")));

    private static XElement Line(SettlementDocument doc, DocumentLine l, bool isInvoice)
    {
        var cur = doc.Currency;
        var first = IsoWeek.Parse(l.PeriodFirstWeek);
        var last = IsoWeek.Parse(l.PeriodLastWeek);
        return new XElement(Cac + (isInvoice ? "InvoiceLine" : "CreditNoteLine"),
            new XElement(Cbc + "ID", l.LineNumber.ToString(CultureInfo.InvariantCulture)),
            l.CorrectsInvoiceNumber is null ? null : new XElement(Cbc + "Note", $"Retter faktura {l.CorrectsInvoiceNumber}"),
            new XElement(Cbc + (isInvoice ? "InvoicedQuantity" : "CreditedQuantity"),
                new XAttribute("unitCode", UnitWeek), l.Weeks.ToString(CultureInfo.InvariantCulture)),
            Amount("LineExtensionAmount", l.Amount, cur),
            // The verification period the weeks belong to: Monday of its first week to Sunday of its last.
            new XElement(Cac + "InvoicePeriod",
                new XElement(Cbc + "StartDate", Date(first.Monday)),
                new XElement(Cbc + "EndDate", Date(last.Sunday))),
            // The cap on the line (PEPPOL-EN16931-R120: quantity × price − allowances + charges = line amount): what it took
            // off is an allowance; what a revision elsewhere released is a charge (BR-43/BR-44: amount and reason).
            l.Allowance == 0m ? null : LineAllowanceCharge(charge: false, CapAllowanceReason, l.Allowance, cur),
            l.Charge == 0m ? null : LineAllowanceCharge(charge: true, CapChargeReason(doc.Kind), l.Charge, cur),
            new XElement(Cac + "Item",
                new XElement(Cbc + "Name", ItemName(l)),
                new XElement(Cac + "SellersItemIdentification", new XElement(Cbc + "ID", l.Class == WeekClass.Full ? "IMPACT60-FULD" : "IMPACT60-DELVIS")),
                TaxCategory("ClassifiedTaxCategory", doc, withExemptionReason: false)),
            new XElement(Cac + "Price",
                Amount("PriceAmount", l.UnitPrice, cur)));
    }

    private static XElement LineAllowanceCharge(bool charge, string reason, decimal amount, string currency) =>
        new(Cac + "AllowanceCharge",
            new XElement(Cbc + "ChargeIndicator", charge ? "true" : "false"),
            new XElement(Cbc + "AllowanceChargeReason", reason),
            Amount("Amount", amount, currency));

    private static XElement Amount(string name, decimal value, string currency) =>
        new(Cbc + name, new XAttribute("currencyID", currency), Money(value));

    internal static string Money(decimal value) => SettlementDocument.RoundMoney(value).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Percent(decimal rate) => (rate * 100m).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
