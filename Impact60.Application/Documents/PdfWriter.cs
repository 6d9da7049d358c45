using System.Globalization;
using Impact60.Domain.Primitives;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Impact60.Application.Documents;

public enum DocumentLanguage { Danish, English }

/// <summary>The language codes the configuration uses (<c>Notices__Language</c>: <c>da</c>, <c>en</c>).</summary>
public static class DocumentLanguages
{
    /// <summary><c>en</c> is English; <c>da</c>, empty or unset is Danish. Anything else is an error naming the code.</summary>
    public static DocumentLanguage FromCode(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        null or "" or "da" => DocumentLanguage.Danish,
        "en" => DocumentLanguage.English,
        _ => throw new ArgumentException($"Document language '{code}' is not 'da' or 'en'.", nameof(code)),
    };
}

/// <summary>
/// The human-readable settlement document: an A4 PDF (Danish by default) with the parties, the lines grouped by
/// participant, the totals and how to pay. Paginates with the table header repeated, so an invoice for all
/// 120 participants prints fine.
/// </summary>
public static partial class PdfWriter
{
    private const double PageWidth = 595.28;   // A4 in points
    private const double PageHeight = 841.89;
    private const double Left = 50, Right = PageWidth - 50, Top = 50, Bottom = PageHeight - 60;
    private const double Row = 13;

    // Table columns: left edge of text columns, right edge of number columns.
    private const double ColPeriod = Left + 10, ColClass = 200, ColWeeksR = 345, ColPriceR = 415, ColAllowanceR = 480, ColAmountR = Right;

    public static byte[] Write(SettlementDocument doc, DocumentLanguage language = DocumentLanguage.Danish)
    {
        DejaVuFontResolver.EnsureInstalled();
        var t = language == DocumentLanguage.Danish ? Labels.Danish : Labels.English;
        var title = doc.Kind == DocumentKind.Invoice ? t.Invoice : t.CreditNote;

        using var pdf = new PdfDocument();
        pdf.Info.Title = $"{title} {doc.Number}";
        pdf.Info.Author = doc.Seller.Name;
        pdf.Info.Subject = $"IMPACT60 {doc.SettlementPeriod}";
        Deterministic.Prepare(pdf, doc);

        var layout = new Layout(pdf);
        var g = layout.Graphics;

        // Heading and parties.
        g.DrawString($"{title} {doc.Number}", Fonts.Title, XBrushes.Black, Left, layout.Y + 16);
        layout.Y += 34;
        var partiesTop = layout.Y;
        var sellerBottom = DrawParty(g, t.Seller, doc.Seller, Left, partiesTop, t);
        var buyerBottom = DrawParty(g, t.Buyer, doc.Buyer, 320, partiesTop, t);
        layout.Y = Math.Max(sellerBottom, buyerBottom) + 10;

        // Document facts.
        var facts = new List<(string, string)>
        {
            (t.Number, doc.Number),
            (t.IssueDate, Date(doc.IssueDate)),
            (t.DueDate, Date(doc.DueDate)),
            (t.SettlementPeriod, doc.SettlementPeriod),
            (t.AsOf, Date(doc.AsOf)),
            (t.BuyerReference, doc.BuyerReference),
        };
        foreach (var c in doc.Corrects)
            facts.Add((t.Corrects, $"{c.Number} {t.Of} {Date(c.IssueDate)}"));
        foreach (var (label, value) in facts)
        {
            g.DrawString(label, Fonts.Bold, XBrushes.Black, Left, layout.Y);
            g.DrawString(value, Fonts.Body, XBrushes.Black, Left + 130, layout.Y);
            layout.Y += Row;
        }
        layout.Y += 10;

        // Lines, grouped by participant (FOKUS ref + referral id) in first-appearance order.
        void TableHeader(XGraphics gfx)
        {
            gfx.DrawString(t.Period, Fonts.Bold, XBrushes.Black, ColPeriod, layout.Y);
            gfx.DrawString(t.Class, Fonts.Bold, XBrushes.Black, ColClass, layout.Y);
            RightAligned(gfx, t.Weeks, Fonts.Bold, ColWeeksR, layout.Y);
            RightAligned(gfx, t.UnitPrice, Fonts.Bold, ColPriceR, layout.Y);
            RightAligned(gfx, t.Allowance, Fonts.Bold, ColAllowanceR, layout.Y);
            RightAligned(gfx, t.Amount, Fonts.Bold, ColAmountR, layout.Y);
            gfx.DrawLine(XPens.Black, Left, layout.Y + 4, Right, layout.Y + 4);
            layout.Y += Row + 2;
        }
        layout.OnNewPage = TableHeader;
        TableHeader(layout.Graphics);

        var groups = doc.Lines.GroupBy(l => (l.FokusRef, l.ReferralId));
        foreach (var group in groups)
        {
            // Keep a participant's header with at least its first line.
            layout.Ensure(Row * 2 + 4);
            layout.Graphics.DrawString($"{group.Key.FokusRef} · {group.Key.ReferralId}", Fonts.Bold, XBrushes.Black, Left, layout.Y);
            layout.Y += Row;
            foreach (var l in group)
            {
                var notes = new List<string>();
                // A charge is cap reduction given back (or, on a credit note, taken more): say so under the line, since
                // its weeks alone (often 0) do not explain its amount.
                if (l.Charge != 0m) notes.Add($"{t.CapCharge(doc.Kind)}: +{DanishAmount.FormatNumber(l.Charge)}");
                if (l.CorrectsInvoiceNumber is { } corrected) notes.Add($"{t.Corrects} {corrected}");
                layout.Ensure(Row * (1 + notes.Count));
                var gfx = layout.Graphics;
                gfx.DrawString($"{l.PeriodIndex}: {l.PeriodFirstWeek}\u2013{l.PeriodLastWeek}", Fonts.Body, XBrushes.Black, ColPeriod, layout.Y);
                gfx.DrawString(t.ClassName(l.Class), Fonts.Body, XBrushes.Black, ColClass, layout.Y);
                RightAligned(gfx, l.Weeks.ToString(CultureInfo.InvariantCulture), Fonts.Body, ColWeeksR, layout.Y);
                RightAligned(gfx, DanishAmount.FormatNumber(l.UnitPrice), Fonts.Body, ColPriceR, layout.Y);
                var cap = l.Allowance != 0m ? DanishAmount.FormatNumber(l.Allowance)
                    : l.Charge != 0m ? "+" + DanishAmount.FormatNumber(l.Charge) : "";
                RightAligned(gfx, cap, Fonts.Body, ColAllowanceR, layout.Y);
                RightAligned(gfx, DanishAmount.FormatNumber(l.Amount), Fonts.Body, ColAmountR, layout.Y);
                layout.Y += Row;
                foreach (var note in notes)
                {
                    gfx.DrawString(note, Fonts.Small, XBrushes.DimGray, ColPeriod + 10, layout.Y);
                    layout.Y += Row;
                }
            }
            layout.Y += 3;
        }
        layout.OnNewPage = null;

        // Totals.
        layout.Ensure(Row * 4 + 10);
        g = layout.Graphics;
        g.DrawLine(XPens.Black, ColClass, layout.Y - 6, Right, layout.Y - 6);
        layout.Y += 6;
        var vatLabel = doc.IsVatExempt
            ? $"{t.Vat} 0 % ({doc.VatExemptionReason})"
            : $"{t.Vat} {(doc.VatRate * 100m).ToString("0.##", CultureInfo.GetCultureInfo("da-DK"))} %";
        foreach (var (label, amount, bold) in new[]
                 {
                     (t.NetTotal, doc.LineExtensionAmount, false),
                     (vatLabel, doc.VatAmount, false),
                     ($"{t.Total} {doc.Currency}", doc.PayableAmount, true),
                 })
        {
            var font = bold ? Fonts.Bold : Fonts.Body;
            g.DrawString(label, font, XBrushes.Black, ColClass, layout.Y);
            RightAligned(g, doc.Currency == "DKK" ? DanishAmount.Format(amount) : $"{DanishAmount.FormatNumber(amount)} {doc.Currency}", font, ColAmountR, layout.Y);
            layout.Y += Row + 2;
        }
        layout.Y += 12;

        // Payment.
        layout.Ensure(Row * 3);
        g = layout.Graphics;
        g.DrawString(t.Payment, Fonts.Bold, XBrushes.Black, Left, layout.Y);
        layout.Y += Row;
        foreach (var text in PaymentText(doc, t))
        {
            layout.Ensure(Row);
            layout.Graphics.DrawString(text, Fonts.Body, XBrushes.Black, Left, layout.Y);
            layout.Y += Row;
        }

        layout.Finish(doc, title, t);
        using var ms = new MemoryStream();
        pdf.Save(ms, false);
        return Deterministic.Finish(ms.ToArray(), doc);
    }

    /// <summary>
    /// The same document always gives the same bytes, so a PDF written again (a re-issue, a rerun after a crash) is the
    /// PDF that was issued and its hash can be compared. PDFsharp stamps the save time and random identifiers; they are
    /// replaced by values derived from the document number and issue date: the dates and the trailer /ID through its
    /// API before saving, the XMP identifiers and the font-subset tags (random in PDFsharp 6.2.4, with no setting)
    /// afterwards, byte for byte at the same length, so the cross-reference offsets stay right.
    /// </summary>
    private static partial class Deterministic
    {
        public static void Prepare(PdfDocument pdf, SettlementDocument doc)
        {
            var issued = doc.IssueDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            pdf.Info.CreationDate = issued;
            pdf.Info.ModificationDate = issued;
            var id = Hash(doc, "file-id");
            pdf.Internals.FirstDocumentID = RawString(id.AsSpan(0, 16));
            pdf.Internals.SecondDocumentID = RawString(id.AsSpan(0, 16));
        }

        public static byte[] Finish(byte[] pdf, SettlementDocument doc)
        {
            var text = System.Text.Encoding.Latin1.GetString(pdf);
            var seed = Hash(doc, "xmp-and-subsets");
            var n = 0;
            // XMP: uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (DocumentID, InstanceID).
            text = XmpUuid().Replace(text, _ => "uuid:" + new Guid(Hash(seed, n++).AsSpan(0, 16)).ToString("D"));
            // Font subsets: /ABCDEF+FontName, the same tag wherever one subset is named.
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            text = SubsetTag().Replace(text, m =>
            {
                if (!tags.TryGetValue(m.Groups[1].Value, out var tag))
                {
                    var h = Hash(seed, 1000 + tags.Count);
                    tag = string.Concat(h.Take(6).Select(b => (char)('A' + b % 26)));
                    tags[m.Groups[1].Value] = tag;
                }
                return "/" + tag + "+";
            });
            var bytes = System.Text.Encoding.Latin1.GetBytes(text);
            if (bytes.Length != pdf.Length) throw new InvalidOperationException("making the PDF deterministic changed its length");
            return bytes;
        }

        private static byte[] Hash(SettlementDocument doc, string purpose) =>
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{purpose}|{doc.Number}|{doc.IssueDate:yyyy-MM-dd}"));

        private static byte[] Hash(byte[] seed, int n) =>
            System.Security.Cryptography.SHA256.HashData([.. seed, .. BitConverter.GetBytes(n)]);

        private static string RawString(ReadOnlySpan<byte> bytes) => string.Concat(bytes.ToArray().Select(b => (char)b));

        [System.Text.RegularExpressions.GeneratedRegex("uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
        private static partial System.Text.RegularExpressions.Regex XmpUuid();

        [System.Text.RegularExpressions.GeneratedRegex("/([A-Z]{6})\\+(?=DejaVu)")]
        private static partial System.Text.RegularExpressions.Regex SubsetTag();
    }

    private static IEnumerable<string> PaymentText(SettlementDocument doc, Labels t)
    {
        if (doc.Kind == DocumentKind.CreditNote)
            yield return t.CreditNotePayment;
        switch (doc.Payment)
        {
            case FikPayment fik:
                yield return $"FIK: +{FikPayment.CardType}<{fik.PaymentId} +{fik.CreditorNumber}<";
                break;
            case BankTransferPayment bank:
                yield return $"{t.RegNo} {bank.RegistrationNumber}  {t.Account} {bank.AccountNumber}";
                if (bank.Iban is not null)
                    yield return $"IBAN {bank.Iban}" + (bank.Bic is null ? "" : $"  BIC {bank.Bic}");
                yield return $"{t.PaymentReference}: {doc.Number}";
                break;
        }
    }

    private static double DrawParty(XGraphics g, string role, DocumentParty p, double x, double y, Labels t)
    {
        g.DrawString(role, Fonts.Small, XBrushes.DimGray, x, y);
        y += Row;
        g.DrawString(p.Name, Fonts.Bold, XBrushes.Black, x, y);
        y += Row;
        foreach (var line in new[] { p.Street, $"{p.PostalCode} {p.City}", $"CVR {p.Cvr}", p.Ean is null ? null : $"EAN {p.Ean}", p.Email })
        {
            if (line is null) continue;
            g.DrawString(line, Fonts.Body, XBrushes.Black, x, y);
            y += Row;
        }
        return y;
    }

    private static void RightAligned(XGraphics g, string text, XFont font, double right, double baseline)
    {
        var width = g.MeasureString(text, font).Width;
        g.DrawString(text, font, XBrushes.Black, right - width, baseline);
    }

    private static string Date(DateOnly d) => d.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);

    /// <summary>Keeps the cursor and starts a new page (repeating the table header) when a block does not fit.</summary>
    private sealed class Layout
    {
        private readonly PdfDocument _pdf;
        private readonly List<PdfPage> _pages = [];

        public Layout(PdfDocument pdf)
        {
            _pdf = pdf;
            Graphics = NewPage();
        }

        public XGraphics Graphics { get; private set; }
        public double Y { get; set; }
        public Action<XGraphics>? OnNewPage { get; set; }

        public void Ensure(double height)
        {
            if (Y + height <= Bottom) return;
            Graphics.Dispose();
            Graphics = NewPage();
            OnNewPage?.Invoke(Graphics);
        }

        private XGraphics NewPage()
        {
            var page = _pdf.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            _pages.Add(page);
            Y = Top;
            return XGraphics.FromPdfPage(page);
        }

        /// <summary>Footer on every page once the page count is known.</summary>
        public void Finish(SettlementDocument doc, string title, Labels t)
        {
            Graphics.Dispose();
            for (var i = 0; i < _pages.Count; i++)
            {
                using var g = XGraphics.FromPdfPage(_pages[i], XGraphicsPdfPageOptions.Append);
                g.DrawString($"{doc.Seller.Name} · CVR {doc.Seller.Cvr} · {title} {doc.Number}", Fonts.Small, XBrushes.DimGray, Left, PageHeight - 30);
                RightAligned(g, $"{t.Page} {i + 1} {t.Of} {_pages.Count}", Fonts.Small, Right, PageHeight - 30);
            }
        }
    }

    private static class Fonts
    {
        public static readonly XFont Title = new(DejaVuFontResolver.FamilyName, 16, XFontStyleEx.Bold);
        public static readonly XFont Bold = new(DejaVuFontResolver.FamilyName, 8.5, XFontStyleEx.Bold);
        public static readonly XFont Body = new(DejaVuFontResolver.FamilyName, 8.5, XFontStyleEx.Regular);
        public static readonly XFont Small = new(DejaVuFontResolver.FamilyName, 7, XFontStyleEx.Regular);
    }

    private sealed record Labels(
        string Invoice, string CreditNote, string Seller, string Buyer, string Number, string IssueDate, string DueDate,
        string SettlementPeriod, string AsOf, string BuyerReference, string Corrects, string Of,
        string Period, string Class, string Weeks, string UnitPrice, string Allowance, string Amount,
        string Full, string Partial, string NetTotal, string Vat, string Total, string Payment, string RegNo,
        string Account, string PaymentReference, string CreditNotePayment, string Page, string CapReleased, string CapIncreased)
    {
        public string ClassName(WeekClass c) => c == WeekClass.Full ? Full : Partial;

        /// <summary>What a line charge is: cap released on an invoice, cap increased on a credit note (see UblWriter.CapChargeReason).</summary>
        public string CapCharge(DocumentKind kind) => kind == DocumentKind.Invoice ? CapReleased : CapIncreased;

        public static readonly Labels Danish = new(
            "Faktura", "Kreditnota", "Sælger", "Køber", "Nummer", "Fakturadato", "Forfaldsdato",
            "Afregningsperiode", "Opgjort pr.", "Købers reference", "Retter faktura", "af",
            "Periode", "Klasse", "Uger", "Takst", "Loft", "Beløb",
            "Fuld selvforsørgelse", "Delvis selvforsørgelse", "Beløb ekskl. moms", "Moms", "I alt", "Betaling", "Reg.nr.",
            "Konto", "Betalingsreference", "Beløbet modregnes eller tilbagebetales til køber.", "Side",
            "Loft frigivet", "Loft forøget");

        public static readonly Labels English = new(
            "Invoice", "Credit note", "Seller", "Buyer", "Number", "Issue date", "Due date",
            "Settlement period", "Computed as of", "Buyer reference", "Corrects invoice", "of",
            "Period", "Class", "Weeks", "Tariff", "Cap", "Amount",
            "Fully self-supporting", "Partly self-supporting", "Amount excl. VAT", "VAT", "Total", "Payment", "Reg. no.",
            "Account", "Payment reference", "The amount is set off or refunded to the buyer.", "Page",
            "Cap allowance released", "Cap allowance increased");
    }
}
