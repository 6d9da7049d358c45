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

    private static string ReadText(byte[] bytes)
    {
        using var pdf = PdfDocument.Open(bytes);
        return string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }
}
