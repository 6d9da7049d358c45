using System.Text.Json;

namespace Impact60.Application.Documents;

/// <summary>
/// The machine-readable twin of a settlement document for FOKUS's and the municipality's own systems.
/// Field names are a stable interface (documented in docs/documents.md): camelCase, amounts as JSON numbers with
/// exactly two decimals, dates <c>yyyy-MM-dd</c>, ISO weeks as <c>YYYY-Www</c> strings, nulls written out.
/// No personal data beyond the referral id and the FOKUS reference.
/// </summary>
public static class DocumentJson
{
    /// <summary>Bumped when a field is renamed or removed (adding a field does not bump it).</summary>
    public const int SchemaVersion = 1;

    public static byte[] Write(SettlementDocument doc)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("kind", doc.Kind == DocumentKind.Invoice ? "invoice" : "creditNote");
            w.WriteString("number", doc.Number);
            w.WriteString("issueDate", Date(doc.IssueDate));
            w.WriteString("dueDate", Date(doc.DueDate));
            w.WriteString("settlementPeriod", doc.SettlementPeriod);
            w.WriteString("asOf", Date(doc.AsOf));
            w.WriteString("currency", doc.Currency);
            w.WriteString("buyerReference", doc.BuyerReference);
            Party(w, "seller", doc.Seller);
            Party(w, "buyer", doc.Buyer);

            w.WriteStartObject("vat");
            w.WriteString("category", doc.IsVatExempt ? "E" : "S");
            w.WritePropertyName("rate");
            w.WriteRawValue(doc.VatRate.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("exemptionReason", doc.VatExemptionReason);
            w.WriteEndObject();

            w.WriteStartObject("payment");
            switch (doc.Payment)
            {
                case FikPayment fik:
                    w.WriteString("method", "fik");
                    w.WriteString("cardType", FikPayment.CardType);
                    w.WriteString("creditorNumber", fik.CreditorNumber);
                    w.WriteString("paymentId", fik.PaymentId);
                    break;
                case BankTransferPayment bank:
                    w.WriteString("method", "bankTransfer");
                    w.WriteString("registrationNumber", bank.RegistrationNumber);
                    w.WriteString("accountNumber", bank.AccountNumber);
                    w.WriteString("iban", bank.Iban);
                    w.WriteString("bic", bank.Bic);
                    break;
                default:
                    throw new NotSupportedException($"payment instructions {doc.Payment.GetType().Name} have no JSON form");
            }
            w.WriteEndObject();

            w.WriteStartArray("corrects");
            foreach (var c in doc.Corrects)
            {
                w.WriteStartObject();
                w.WriteString("number", c.Number);
                w.WriteString("issueDate", Date(c.IssueDate));
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("lines");
            foreach (var l in doc.Lines)
            {
                w.WriteStartObject();
                w.WriteNumber("lineNumber", l.LineNumber);
                w.WriteString("referralId", l.ReferralId);
                w.WriteString("fokusRef", l.FokusRef);
                w.WriteNumber("periodIndex", l.PeriodIndex);
                w.WriteString("periodFirstWeek", l.PeriodFirstWeek);
                w.WriteString("periodLastWeek", l.PeriodLastWeek);
                w.WriteString("class", l.Class.ToString());
                w.WriteNumber("weeks", l.Weeks);
                Money(w, "unitPrice", l.UnitPrice);
                Money(w, "allowance", l.Allowance);
                Money(w, "charge", l.Charge);
                Money(w, "amount", l.Amount);
                w.WriteString("correctsInvoiceNumber", l.CorrectsInvoiceNumber);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartObject("totals");
            Money(w, "lineExtensionAmount", doc.LineExtensionAmount);
            Money(w, "vatAmount", doc.VatAmount);
            Money(w, "payableAmount", doc.PayableAmount);
            w.WriteEndObject();

            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static void Party(Utf8JsonWriter w, string name, DocumentParty p)
    {
        w.WriteStartObject(name);
        w.WriteString("name", p.Name);
        w.WriteString("cvr", p.Cvr);
        w.WriteString("ean", p.Ean);
        w.WriteString("street", p.Street);
        w.WriteString("city", p.City);
        w.WriteString("postalCode", p.PostalCode);
        w.WriteString("country", p.Country);
        w.WriteString("email", p.Email);
        w.WriteEndObject();
    }

    // Raw so the number keeps exactly two decimals (91150.00, not 91150).
    private static void Money(Utf8JsonWriter w, string name, decimal value)
    {
        w.WritePropertyName(name);
        w.WriteRawValue(UblWriter.Money(value));
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
