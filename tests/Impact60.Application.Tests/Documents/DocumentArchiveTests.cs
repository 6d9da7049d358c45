using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using Azure.Storage.Blobs;
using Impact60.Application.Configuration;
using Impact60.Application.Documents;
using Impact60.Application.Settlement;
using Impact60.Application.Tests.Infrastructure;
using static Impact60.Application.Tests.Documents.DocumentPipelineTests;

namespace Impact60.Application.Tests.Documents;

/// <summary><see cref="DocumentArchive"/> against Azurite: three blobs under the document number, written once.</summary>
[Collection("Azurite")]
public sealed class DocumentArchiveTests(AzuriteFixture azurite)
{
    private async Task<BlobContainerClient> DocumentsAsync() =>
        (await azurite.CleanStorageAsync()).Container(StorageNames.Containers.Documents);

    [Fact]
    public async Task Given_a_document_when_archived_then_its_XML_PDF_and_JSON_are_blobs_named_by_the_document_number()
    {
        var container = await DocumentsAsync();
        var doc = MappedDocuments.CapReleased().Invoice;

        var names = await new DocumentArchive(container).WriteAsync(doc, CancellationToken.None);

        Assert.Equal(["I60F-000002.xml", "I60F-000002.pdf", "I60F-000002.json"], names);
        Assert.Equal(names.Order(StringComparer.Ordinal), (await DocumentBlobsAsync(container)).Keys);
        foreach (var (name, contentType) in new[] { ("I60F-000002.xml", "application/xml"), ("I60F-000002.pdf", "application/pdf"), ("I60F-000002.json", "application/json") })
        {
            var blob = container.GetBlobClient(name);
            var properties = (await blob.GetPropertiesAsync()).Value;
            var content = (await blob.DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(contentType, properties.ContentType);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), properties.Metadata["sha256"]);
            Assert.Equal("2019-09", properties.Metadata["settlementPeriod"]);
        }
        // Each blob is that document, not another's.
        Assert.Equal(doc.Number, XDocument.Load(new MemoryStream(await Download(container, "I60F-000002.xml"))).Root!.Element(UblWriter.Cbc + "ID")!.Value);
        using var json = JsonDocument.Parse(await Download(container, "I60F-000002.json"));
        Assert.Equal(doc.Number, json.RootElement.GetProperty("number").GetString());
        Assert.Contains("Faktura I60F-000002", PdfText(await Download(container, "I60F-000002.pdf")));
    }

    [Fact]
    public async Task Given_archived_documents_when_a_rerun_writes_them_again_then_it_finds_the_blobs_and_rewrites_none()
    {
        var container = await DocumentsAsync();
        var archive = new DocumentArchive(container);
        var settled = MappedDocuments.CapReleased();
        foreach (var d in settled.Documents) await archive.WriteAsync(d, CancellationToken.None);
        var before = await DocumentBlobsAsync(container);
        Assert.Equal(6, before.Count);

        // The rerun, even one that would now render the PDF differently (English), leaves every blob as it was.
        foreach (var d in settled.Documents)
        {
            var names = await archive.WriteAsync(d, DocumentLanguage.English, CancellationToken.None);
            Assert.Equal([$"{d.Number}.xml", $"{d.Number}.pdf", $"{d.Number}.json"], names);
        }

        Assert.Equal(before, await DocumentBlobsAsync(container));
        Assert.Contains("Faktura I60F-000002", PdfText(await Download(container, "I60F-000002.pdf")));
    }

    [Fact]
    public async Task Given_a_crash_after_the_XML_was_written_when_the_rerun_archives_then_it_writes_the_missing_PDF_and_JSON_and_keeps_the_XML()
    {
        var container = await DocumentsAsync();
        var archive = new DocumentArchive(container);
        var doc = MappedDocuments.FirstInvoice().Invoice;
        await archive.WriteAsync(doc, CancellationToken.None);
        await container.GetBlobClient($"{doc.Number}.pdf").DeleteAsync();
        await container.GetBlobClient($"{doc.Number}.json").DeleteAsync();
        var xmlBefore = (await DocumentBlobsAsync(container))[$"{doc.Number}.xml"];

        await archive.WriteAsync(doc, CancellationToken.None);

        var after = await DocumentBlobsAsync(container);
        Assert.Equal([$"{doc.Number}.json", $"{doc.Number}.pdf", $"{doc.Number}.xml"], after.Keys);
        Assert.Equal(xmlBefore, after[$"{doc.Number}.xml"]);
    }

    [Fact]
    public async Task Given_a_blob_under_the_number_that_differs_from_the_document_when_archived_then_the_first_write_stands()
    {
        // WORM: what was issued under a number stays, even if a later run would render it otherwise.
        var container = await DocumentsAsync();
        var doc = MappedDocuments.FirstInvoice().Invoice;
        await container.GetBlobClient($"{doc.Number}.json").UploadAsync(BinaryData.FromString("{\"issued\":\"first\"}"));

        await new DocumentArchive(container).WriteAsync(doc, CancellationToken.None);

        Assert.Equal("{\"issued\":\"first\"}", System.Text.Encoding.UTF8.GetString(await Download(container, $"{doc.Number}.json")));
    }

    private static async Task<byte[]> Download(BlobContainerClient container, string name) =>
        (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
}
