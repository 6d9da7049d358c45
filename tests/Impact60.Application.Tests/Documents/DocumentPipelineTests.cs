using System.Globalization;
using System.Xml.Linq;
using Azure.Storage.Blobs.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Documents;
using Impact60.Application.Settlement;
using Impact60.Application.Tests.Infrastructure;
using UglyToad.PdfPig;
using static Impact60.Application.Tests.Documents.PipelineScenario;

namespace Impact60.Application.Tests.Documents;

/// <summary>
/// Documents as the settlement writes them, end to end against Azurite: register files in, settlement, the documents
/// read back from the <c>documents</c> container.
/// </summary>
[Collection("Azurite")]
public sealed class DocumentPipelineTests(AzuriteFixture azurite)
{
    private static readonly XNamespace Cac = UblWriter.Cac;
    private static readonly XNamespace Cbc = UblWriter.Cbc;

    [Fact]
    public async Task Given_a_capped_participant_whose_earlier_weeks_are_revised_when_settled_then_the_settlement_is_issued_with_the_cap_released_as_a_line_charge()
    {
        // Cap 10,500 per participant: 13 × 796 = 10,348 in period 1, so period 2 pays 152 and the cap takes 10,196.
        await using var run = await StartAsync(azurite, perParticipantCap: 10_500m);
        var first = await run.FirstSettlementAsync();
        Assert.Equal("I60F-000001", first.Record.InvoiceNumber);

        // Three weeks of period 1 become benefit weeks: period 1 loses 2,388; the cap, reached later, releases 2,388 in period 2.
        var revision = await run.RevisionSettlementAsync();

        var stored = await run.Ledger.GetSettlementAsync(SecondPeriod, CancellationToken.None);
        Assert.Equal(SettlementStatus.Issued, stored!.Status); // before, DocumentOutput threw and it stayed Numbered
        Assert.Equal(("I60F-000002", "I60K-000001", 2_388m, 2_388m), (stored.InvoiceNumber, stored.CreditNoteNumber, stored.InvoiceTotal, stored.CreditTotal));

        var invoice = XDocument.Load(new MemoryStream(await run.DocumentAsync("I60F-000002.xml"))).Root!;
        var line = Assert.Single(invoice.Elements(Cac + "InvoiceLine"));
        Assert.Equal("JC-2018-0001 / F-001 / periode 2 (2019-W15\u20132019-W27) / fuld", line.Element(Cac + "Item")!.Element(Cbc + "Name")!.Value);
        Assert.Equal("0", line.Element(Cbc + "InvoicedQuantity")!.Value);
        var charge = Assert.Single(line.Elements(Cac + "AllowanceCharge"));
        Assert.Equal(("true", "2388.00"), (charge.Element(Cbc + "ChargeIndicator")!.Value, charge.Element(Cbc + "Amount")!.Value));
        Assert.Equal("2388.00", line.Element(Cbc + "LineExtensionAmount")!.Value);

        var credit = XDocument.Load(new MemoryStream(await run.DocumentAsync("I60K-000001.xml"))).Root!;
        var reference = credit.Element(Cac + "BillingReference")!.Element(Cac + "InvoiceDocumentReference")!;
        Assert.Equal(("I60F-000001", "2019-09-01"), (reference.Element(Cbc + "ID")!.Value, reference.Element(Cbc + "IssueDate")!.Value));
        Assert.Equal("2985.00", credit.Element(Cac + "LegalMonetaryTotal")!.Element(Cbc + "PayableAmount")!.Value);

        var pdfText = PdfText(await run.DocumentAsync("I60F-000002.pdf"));
        Assert.Contains("Loft frigivet: +2.388,00", pdfText);
        Assert.False(revision.AlreadyIssued);

        // and the notices of that settlement go out too: FOKUS gets both documents, the 0-week line among the lines.
        await run.Pipeline.DrainNoticesAsync(CancellationToken.None);
        var mail = await MimeKit.MimeMessage.LoadAsync(Path.Combine(run.PickupFolder, "impact60-2019-09-fokus.eml"));
        Assert.Equal(["I60F-000002.pdf", "I60F-000002.xml", "I60K-000001.pdf", "I60K-000001.xml"],
            mail.Attachments.OfType<MimeKit.MimePart>().Select(a => a.FileName).Order(StringComparer.Ordinal));
        Assert.Contains("JC-2018-0001", mail.TextBody);
        Assert.Contains("fuldt selvforsørgende: 0 uger, 2.388,00 kr. (heraf loftsregulering 2.388,00 kr.) (bilag I60F-000002)", mail.TextBody);
    }

    [Fact]
    public async Task Given_a_settlement_then_the_due_date_is_the_issue_date_plus_the_contracts_payment_terms()
    {
        await using var run = await StartAsync(azurite);
        await run.FirstSettlementAsync();
        await run.RevisionSettlementAsync();
        var terms = run.Host.Get<Domain.Contracts.Contract>().Invoicing.PaymentTermsDays;
        Assert.Equal(30, terms); // the shipped contract

        var invoice = XDocument.Load(new MemoryStream(await run.DocumentAsync("I60F-000001.xml"))).Root!;
        var credit = XDocument.Load(new MemoryStream(await run.DocumentAsync("I60K-000001.xml"))).Root!;

        var issued = DateOnly.Parse(invoice.Element(Cbc + "IssueDate")!.Value, CultureInfo.InvariantCulture);
        Assert.Equal(FirstRun, issued);
        Assert.Equal(issued.AddDays(terms), DateOnly.Parse(invoice.Element(Cbc + "DueDate")!.Value, CultureInfo.InvariantCulture));
        var creditIssued = DateOnly.Parse(credit.Element(Cbc + "IssueDate")!.Value, CultureInfo.InvariantCulture);
        Assert.Equal(SecondRun, creditIssued);
        Assert.Equal(creditIssued.AddDays(terms),
            DateOnly.Parse(credit.Element(Cac + "PaymentMeans")!.Element(Cbc + "PaymentDueDate")!.Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Given_an_issued_settlement_when_it_is_settled_again_then_the_documents_are_found_and_not_rewritten()
    {
        await using var run = await StartAsync(azurite);
        var first = await run.FirstSettlementAsync();
        var container = run.Storage.Container(StorageNames.Containers.Documents);
        var before = await DocumentBlobsAsync(container);
        Assert.Equal(["I60F-000001.json", "I60F-000001.pdf", "I60F-000001.xml"], before.Keys);

        var again = await run.Pipeline.Settlement.SettleAsync(FirstPeriod, FirstRun, CancellationToken.None);
        // and the output step itself run again, as a rerun after a crash before "issued" would
        await run.Host.GetAll<ISettlementOutput>().OfType<DocumentOutput>().Single().PublishAsync(first.Record, first.Plan, CancellationToken.None);

        Assert.True(again.AlreadyIssued);
        Assert.Equal(before, await DocumentBlobsAsync(container));
    }

    [Theory]
    [InlineData("da", "Faktura I60F-000001", "Invoice I60F-000001")]
    [InlineData("en", "Invoice I60F-000001", "Faktura I60F-000001")]
    public async Task Given_Notices_Language_when_the_settlement_writes_its_documents_then_the_PDF_is_in_that_language(string language, string expected, string absent)
    {
        await using var run = await StartAsync(azurite, language: language);
        await run.FirstSettlementAsync();

        var text = PdfText(await run.DocumentAsync("I60F-000001.pdf"));

        Assert.Contains(expected, text);
        Assert.DoesNotContain(absent, text);
    }

    /// <summary>Every document blob with its ETag and last-modified time: a rewrite changes the ETag.</summary>
    internal static async Task<SortedDictionary<string, (string ETag, DateTimeOffset LastModified)>> DocumentBlobsAsync(Azure.Storage.Blobs.BlobContainerClient container)
    {
        var result = new SortedDictionary<string, (string, DateTimeOffset)>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "I60" }))
            result[blob.Name] = (blob.Properties.ETag!.Value.ToString(), blob.Properties.LastModified!.Value);
        return result;
    }

    internal static string PdfText(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        return string.Join("\n", doc.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }
}
