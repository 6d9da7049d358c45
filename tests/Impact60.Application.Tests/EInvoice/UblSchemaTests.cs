using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Impact60.Application.Documents;
using Impact60.Application.Tests.Documents;

namespace Impact60.Application.Tests.EInvoice;

/// <summary>Given the settlement documents as UBL, when checked against the OASIS UBL 2.1 schemas, then they are valid.</summary>
public sealed class UblSchemaTests
{
    private static readonly Lazy<XmlSchemaSet> Schemas = new(() =>
    {
        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        // The xmldsig schema in common/ carries an internal DTD.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse, XmlResolver = new XmlUrlResolver() };
        foreach (var main in new[] { "UBL-Invoice-2.1.xsd", "UBL-CreditNote-2.1.xsd" })
        {
            using var reader = XmlReader.Create(Path.Combine(EInvoiceAssets.Ubl, "maindoc", main), settings);
            set.Add(null, reader);
        }
        set.Compile();
        return set;
    });

    public static TheoryData<string> GeneratedDocuments() => new(SampleDocuments.AllValid().Keys);

    public static TheoryData<string> MappedFromSettlements() => new(MappedDocuments.All().Keys);

    [Theory]
    [MemberData(nameof(GeneratedDocuments))]
    public void Given_a_generated_document_when_validated_against_UBL_2_1_then_there_are_no_errors(string name)
    {
        var bytes = UblWriter.WriteBytes(SampleDocuments.AllValid()[name]);
        var errors = Validate(XDocument.Load(new MemoryStream(bytes)));
        Assert.True(errors.Count == 0, $"{name}: {string.Join("\n", errors)}");
    }

    [Theory]
    [MemberData(nameof(MappedFromSettlements))]
    public void Given_a_document_the_settlement_mapping_made_when_validated_against_UBL_2_1_then_there_are_no_errors(string name)
    {
        var bytes = UblWriter.WriteBytes(MappedDocuments.All()[name]);
        var errors = Validate(XDocument.Load(new MemoryStream(bytes)));
        Assert.True(errors.Count == 0, $"{name}: {string.Join("\n", errors)}");
    }

    [Fact]
    public void Given_elements_out_of_UBL_order_when_validated_then_the_schema_reports_it()
    {
        var xml = UblWriter.Write(SampleDocuments.WorkedExampleInvoice());
        var currency = xml.Root!.Element(UblWriter.Cbc + "DocumentCurrencyCode")!;
        currency.Remove();
        xml.Root.Element(UblWriter.Cac + "LegalMonetaryTotal")!.AddAfterSelf(currency);

        var errors = Validate(xml);

        Assert.Contains(errors, e => e.Contains("DocumentCurrencyCode", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_credit_note_then_it_is_a_UBL_CreditNote_with_type_381_and_the_corrected_invoice()
    {
        var xml = UblWriter.Write(SampleDocuments.CreditNoteOfFiveFullWeeks());
        Assert.Equal(UblWriter.CreditNoteNs + "CreditNote", xml.Root!.Name);
        Assert.Equal("381", xml.Root.Element(UblWriter.Cbc + "CreditNoteTypeCode")!.Value);
        var reference = xml.Root.Element(UblWriter.Cac + "BillingReference")!.Element(UblWriter.Cac + "InvoiceDocumentReference")!;
        Assert.Equal("2021-0001", reference.Element(UblWriter.Cbc + "ID")!.Value);
        Assert.Equal("2021-06-05", reference.Element(UblWriter.Cbc + "IssueDate")!.Value);
        Assert.Equal("4975.00", xml.Root.Element(UblWriter.Cac + "LegalMonetaryTotal")!.Element(UblWriter.Cbc + "PayableAmount")!.Value);
    }

    private static List<string> Validate(XDocument xml)
    {
        var errors = new List<string>();
        xml.Validate(Schemas.Value, (_, e) => errors.Add($"{e.Severity}: {e.Message}"));
        return errors;
    }
}
