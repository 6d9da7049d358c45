using Impact60.Application.Documents;
using UglyToad.PdfPig;

namespace Impact60.Application.Tests.Documents;

/// <summary>Given a settlement document, when written as PDF and read back with PdfPig, then a person sees what the e-invoice says.</summary>
public sealed class PdfWriterTests
{
    [Fact]
    public void Given_the_worked_example_invoice_when_written_in_Danish_then_number_totals_and_referral_ids_read_back()
    {
        var doc = SampleDocuments.WorkedExampleInvoice();

        var text = ReadText(PdfWriter.Write(doc));

        Assert.Contains("Faktura 2021-0001", text);
        Assert.Contains("Forfaldsdato", text);
        Assert.Contains("04.08.2021", text);
        Assert.Contains("2021-06", text);
        Assert.Contains("91.150,00", text);       // ex VAT: 100 × 796 + 30 × 385
        Assert.Contains("22.787,50", text);       // 25 % VAT
        Assert.Contains("113.937,50 kr.", text);  // payable
        Assert.Contains("I alt", text);
        Assert.Contains("JC-2018-0002", text);
        Assert.Contains("F-003", text);
        Assert.Contains("Reg.nr. 1234", text);
        Assert.Contains("5798000420526", text);
        Assert.Contains("CVR 32081330", text);
    }

    [Fact]
    public void Given_the_same_document_when_written_twice_then_the_PDF_bytes_are_identical()
    {
        // A re-issued PDF must be the PDF that was issued: an auditor compares hashes, and the blob is write-once (WORM).
        var first = PdfWriter.Write(SampleDocuments.WorkedExampleInvoice());
        Thread.Sleep(1100); // PDF dates have whole seconds: a later second must not show either

        var second = PdfWriter.Write(SampleDocuments.WorkedExampleInvoice());

        Assert.True(first.AsSpan().SequenceEqual(second), FirstDifference(first, second));
    }

    [Fact]
    public void Given_two_documents_when_written_then_their_PDF_file_identifiers_differ()
    {
        var a = PdfWriter.Write(SampleDocuments.WorkedExampleInvoice(number: "2021-0001"));
        var b = PdfWriter.Write(SampleDocuments.WorkedExampleInvoice(number: "2021-0002"));

        Assert.NotEqual(TrailerId(a), TrailerId(b));
    }

    private static string TrailerId(byte[] pdf)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var at = text.LastIndexOf("/ID", StringComparison.Ordinal);
        Assert.True(at >= 0, "the PDF trailer has no /ID");
        return text.Substring(at, Math.Min(80, text.Length - at));
    }

    private static string FirstDifference(byte[] a, byte[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i]) i++;
        var from = Math.Max(0, i - 60);
        string Around(byte[] x) => System.Text.Encoding.Latin1.GetString(x, from, Math.Min(120, x.Length - from));
        return $"lengths {a.Length} and {b.Length}; first difference at byte {i}:\n{Around(a)}\n---\n{Around(b)}";
    }

    [Fact]
    public void Given_party_addresses_with_Danish_letters_when_written_then_æøå_round_trip()
    {
        var text = ReadText(PdfWriter.Write(SampleDocuments.WorkedExampleInvoice()));

        Assert.Contains("Kærvej 7, Åbningsgården", text);
        Assert.Contains("Aalborg Øst", text);
        Assert.Contains("Sælger", text);
        Assert.Contains("Køber", text);
    }

    [Fact]
    public void Given_a_credit_note_when_written_then_it_says_Kreditnota_and_names_the_invoice_it_corrects()
    {
        var text = ReadText(PdfWriter.Write(SampleDocuments.CreditNoteOfFiveFullWeeks()));

        Assert.Contains("Kreditnota 2021-0003", text);
        Assert.Contains("Retter faktura", text);
        Assert.Contains("2021-0001", text);
        Assert.Contains("3.980,00", text);
        Assert.Contains("4.975,00 kr.", text);
    }

    [Fact]
    public void Given_a_capped_line_when_written_then_the_cap_and_the_capped_amount_show()
    {
        var text = ReadText(PdfWriter.Write(SampleDocuments.CappedInvoice()));

        Assert.Contains("Loft", text);
        Assert.Contains("1.348,00", text);
        Assert.Contains("9.000,00", text);
    }

    [Fact]
    public void Given_a_line_whose_cap_was_released_when_written_then_it_shows_0_weeks_the_charge_and_why()
    {
        // The real mapping's cap-shift invoice: participant 1's period 2, 0 weeks × 796 + 2,388 released.
        var doc = MappedDocuments.CapReleased().Invoice;

        var rows = Rows(PdfWriter.Write(doc));

        var line = Assert.Single(rows, r => r.StartsWith("2: 2019-W15\u20132019-W27", StringComparison.Ordinal) && r.Contains("+2.388,00", StringComparison.Ordinal));
        Assert.Equal("2: 2019-W15\u20132019-W27 Fuld selvforsørgelse 0 796,00 +2.388,00 2.388,00", line);
        Assert.Contains("Loft frigivet: +2.388,00", rows);
        var english = Rows(PdfWriter.Write(doc, DocumentLanguage.English));
        Assert.Contains("Cap allowance released: +2.388,00", english);
    }

    [Fact]
    public void Given_lines_of_participants_interleaved_when_written_then_each_participants_lines_are_printed_under_its_own_reference()
    {
        // Lines in the order P1, P2, P1, P3, P2: the PDF groups them by participant (FOKUS ref · referral id).
        SampleDocuments.PendingLine[] pending =
        [
            SampleDocuments.P(1, "JC-2018-0001", "F-001", 1, Domain.Primitives.WeekClass.Full, 13),
            SampleDocuments.P(2, "JC-2018-0002", "F-002", 1, Domain.Primitives.WeekClass.Full, 13),
            SampleDocuments.P(1, "JC-2018-0001", "F-001", 2, Domain.Primitives.WeekClass.Partial, 13),
            SampleDocuments.P(3, "JC-2018-0003", "F-003", 1, Domain.Primitives.WeekClass.Full, 13),
            SampleDocuments.P(2, "JC-2018-0002", "F-002", 2, Domain.Primitives.WeekClass.Full, 4),
        ];
        var doc = new SettlementDocument(DocumentKind.Invoice, "2021-0010", new DateOnly(2021, 7, 5), new DateOnly(2021, 8, 4), "2021-06",
            new DateOnly(2021, 7, 5), SampleDocuments.Fokus, SampleDocuments.Aalborg, "IMPACT60", "DKK", 0.25m, null, SampleDocuments.Bank, [],
            pending.Select((p, i) => SampleDocuments.Line(i + 1, p)).ToList());

        // Read back top to bottom: which period rows sit under which participant heading.
        var under = new List<(string Participant, string Period)>();
        string? current = null;
        foreach (var row in Rows(PdfWriter.Write(doc)))
        {
            if (System.Text.RegularExpressions.Regex.IsMatch(row, @"^F-\d{3} · JC-2018-\d{4}$")) current = row;
            else if (System.Text.RegularExpressions.Regex.Match(row, @"^(\d+: \d{4}-W\d{2}\u2013\d{4}-W\d{2}) ") is { Success: true } m)
                under.Add((current ?? "(no heading)", m.Groups[1].Value));
        }

        string Period(SampleDocuments.PendingLine p) => $"{p.PeriodIndex}: {p.First}\u2013{p.Last}";
        Assert.Equal(
        [
            ("F-001 · JC-2018-0001", Period(pending[0])), ("F-001 · JC-2018-0001", Period(pending[2])),
            ("F-002 · JC-2018-0002", Period(pending[1])), ("F-002 · JC-2018-0002", Period(pending[4])),
            ("F-003 · JC-2018-0003", Period(pending[3])),
        ], under);
    }

    [Fact]
    public void Given_FIK_payment_when_written_then_the_FIK_line_shows_card_71_and_the_creditor()
    {
        var doc = SampleDocuments.FikInvoice();
        var fik = (FikPayment)doc.Payment;

        var text = ReadText(PdfWriter.Write(doc));

        Assert.Contains($"+71<{fik.PaymentId} +85123456<", text);
    }

    [Fact]
    public void Given_English_when_written_then_the_labels_are_English()
    {
        var text = ReadText(PdfWriter.Write(SampleDocuments.WorkedExampleInvoice(), DocumentLanguage.English));

        Assert.Contains("Invoice 2021-0001", text);
        Assert.Contains("Due date", text);
        Assert.Contains("VAT", text);
        Assert.DoesNotContain("Forfaldsdato", text);
    }

    [Fact]
    public void Given_120_participants_when_written_then_the_document_paginates_and_every_participant_appears()
    {
        var doc = SampleDocuments.HundredTwentyParticipants();

        using var pdf = PdfDocument.Open(PdfWriter.Write(doc));

        Assert.True(pdf.NumberOfPages > 1, $"expected several pages, got {pdf.NumberOfPages}");
        var text = string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        for (var i = 1; i <= 120; i++)
            Assert.Contains($"JC-2018-{i:D4}", text);
        Assert.Contains($"Side {pdf.NumberOfPages} af {pdf.NumberOfPages}", text);
        Assert.Contains(DanishAmount.Format(doc.PayableAmount), text);
    }

    [Fact]
    public void Given_the_PDF_written_from_many_threads_at_once_then_every_copy_is_readable()
    {
        // The font resolver is installed once per process, whichever thread gets there first.
        var pdfs = Enumerable.Range(0, 4).AsParallel().Select(_ => PdfWriter.Write(SampleDocuments.CappedInvoice())).ToList();

        Assert.All(pdfs, bytes => Assert.Contains("9.000,00", ReadText(bytes)));
    }

    [Theory]
    [InlineData(DocumentLanguage.Danish)]
    [InlineData(DocumentLanguage.English)]
    public void Given_any_document_when_written_then_no_two_words_overlap_on_the_page(DocumentLanguage language)
    {
        foreach (var doc in SampleDocuments.AllValid().Values)
        {
            using var pdf = PdfDocument.Open(PdfWriter.Write(doc, language));
            foreach (var page in pdf.GetPages())
            {
                // Letter level: the word extractor would merge overlapping text into one "word".
                var rows = page.Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value))
                    .GroupBy(l => Math.Round(l.StartBaseLine.Y));
                foreach (var row in rows)
                {
                    var letters = row.OrderBy(l => l.BoundingBox.Left).ToList();
                    for (var i = 1; i < letters.Count; i++)
                    {
                        var (a, b) = (letters[i - 1], letters[i]);
                        Assert.False(b.BoundingBox.Left < a.BoundingBox.Right - 1.0,
                            $"{doc.Number} page {page.Number}: '{a.Value}' and '{b.Value}' overlap at y={row.Key}");
                    }
                }
            }
        }
    }

    /// <summary>The PDF's text as rows, top to bottom, page by page: words on one baseline, left to right, joined by spaces.</summary>
    private static List<string> Rows(byte[] bytes)
    {
        using var pdf = PdfDocument.Open(bytes);
        return pdf.GetPages().SelectMany(page => page.GetWords()
                .GroupBy(w => Math.Round(w.BoundingBox.Bottom, 1))
                .OrderByDescending(g => g.Key)
                .Select(g => string.Join(" ", g.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text))))
            .ToList();
    }

    private static string ReadText(byte[] bytes)
    {
        using var pdf = PdfDocument.Open(bytes);
        return string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }
}
