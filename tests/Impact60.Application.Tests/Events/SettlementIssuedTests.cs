using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Impact60.Application.Documents;
using Impact60.Application.Events;
using Impact60.Application.Tests.Documents;

namespace Impact60.Application.Tests.Events;

/// <summary>Given the documents a settlement issued, when the SettlementIssued event is built and serialised, then it is the documented contract.</summary>
public sealed class SettlementIssuedTests
{
    // The structure the parties' systems rely on (docs/events.md). Renaming or removing a field: bump SchemaVersion.
    private const string GoldenStructure = """
        schemaVersion:number
        settlementPeriod:string
        asOf:string
        programme:string
        documents:array
        documents[].number:string
        documents[].kind:string
        documents[].issueDate:string
        documents[].dueDate:string
        documents[].currency:string
        documents[].totalExVat:number
        documents[].vat:number
        documents[].payable:number
        documents[].corrects:array
        documents[].blobs:object
        documents[].blobs.xml:string
        documents[].blobs.pdf:string
        documents[].blobs.json:string
        totals:object
        totals.invoicedExVat:number
        totals.creditedExVat:number
        """;

    [Fact]
    public void Given_a_settlement_when_serialised_then_field_names_and_types_match_the_golden_structure()
    {
        using var json = JsonDocument.Parse(SettlementIssuedJson.Serialize(SampleSettlements.June()));

        var structure = new List<string>();
        Describe(json.RootElement, "", structure);

        Assert.Equal(GoldenStructure.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), structure);
    }

    [Fact]
    public void Given_two_invoices_and_a_credit_note_when_built_then_each_document_and_the_totals_come_from_the_documents()
    {
        var documents = SampleSettlements.JuneDocuments();

        var e = SettlementIssued.From("2021-06", SampleSettlements.AsOf, "IMPACT60", documents);

        Assert.Equal(["2021-0001", "2021-0002", "2021-0003"], e.Documents.Select(d => d.Number));
        for (var i = 0; i < documents.Count; i++)
        {
            Assert.Equal(documents[i].LineExtensionAmount, e.Documents[i].TotalExVat);
            Assert.Equal(documents[i].VatAmount, e.Documents[i].Vat);
            Assert.Equal(documents[i].PayableAmount, e.Documents[i].Payable);
            Assert.Equal(documents[i].Kind, e.Documents[i].Kind);
        }
        // DOMAIN.md worked example 91,150.00 + capped invoice (13 × 796 − 1,348 + 13 × 385 = 14,005.00); credit 5 × 796.
        Assert.Equal(105155.00m, e.Totals.InvoicedExVat);
        Assert.Equal(3980.00m, e.Totals.CreditedExVat);
        Assert.Equal(["2021-0001"], e.Documents[2].Corrects);
        Assert.Empty(e.Documents[0].Corrects);
        Assert.Equal(new DocumentBlobs("2021-0003.xml", "2021-0003.pdf", "2021-0003.json"), e.Documents[2].Blobs);
    }

    [Fact]
    public void Given_whole_and_half_krone_amounts_when_serialised_then_every_amount_is_a_number_with_two_decimals()
    {
        var e = SettlementIssued.From("2021-06", SampleSettlements.AsOf, "IMPACT60",
            [SampleDocuments.WorkedExampleInvoice(), SampleDocuments.VatExemptInvoice(), SampleDocuments.CreditNoteOfFiveFullWeeks()]);

        using var json = JsonDocument.Parse(SettlementIssuedJson.Serialize(e));
        var docs = json.RootElement.GetProperty("documents");
        var totals = json.RootElement.GetProperty("totals");

        Assert.Equal("91150.00", docs[0].GetProperty("totalExVat").GetRawText());
        Assert.Equal("22787.50", docs[0].GetProperty("vat").GetRawText());
        Assert.Equal("113937.50", docs[0].GetProperty("payable").GetRawText());
        Assert.Equal("0.00", docs[1].GetProperty("vat").GetRawText());
        Assert.Equal("3980.00", totals.GetProperty("creditedExVat").GetRawText());
        Assert.Equal("invoice", docs[0].GetProperty("kind").GetString());
        Assert.Equal("creditNote", docs[2].GetProperty("kind").GetString());
        Assert.Equal("2021-07-05", json.RootElement.GetProperty("asOf").GetString());
        Assert.Equal("2021-08-04", docs[0].GetProperty("dueDate").GetString());
        Assert.Equal("2021-06", json.RootElement.GetProperty("settlementPeriod").GetString());
        Assert.Equal("IMPACT60", json.RootElement.GetProperty("programme").GetString());
    }

    [Fact]
    public void Given_documents_whose_lines_name_referrals_and_FOKUS_refs_when_serialised_then_the_event_carries_no_personal_data()
    {
        var documents = new[] { SampleDocuments.HundredTwentyParticipants(), SampleDocuments.CreditNoteOfFiveFullWeeks(), SampleDocuments.IbanInvoice() };
        // The refs are right there in the documents' own JSON twin: the event must not pass them on.
        var twin = Encoding.UTF8.GetString(DocumentJson.Write(documents[0]));
        Assert.Contains("JC-2018-0120", twin);
        Assert.Contains("F-120", twin);

        var body = Encoding.UTF8.GetString(SettlementIssuedJson.Serialize(
            SettlementIssued.From("2021-06", SampleSettlements.AsOf, "IMPACT60", documents)));

        Assert.DoesNotContain("JC-", body);
        Assert.DoesNotMatch(new Regex(@"\bF-\d"), body);
        Assert.DoesNotContain("referral", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("fokusRef", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"\d{10}"), body);         // CPR digits (and the bank account) never appear
        Assert.DoesNotMatch(new Regex(@"\d{6}-\d{4}"), body);     // nor a CPR with its dash
    }

    [Fact]
    public void Given_no_documents_when_built_then_the_event_states_the_period_with_zero_totals()
    {
        using var json = JsonDocument.Parse(SettlementIssuedJson.Serialize(SampleSettlements.NothingToSettle()));

        Assert.Equal(0, json.RootElement.GetProperty("documents").GetArrayLength());
        Assert.Equal("0.00", json.RootElement.GetProperty("totals").GetProperty("invoicedExVat").GetRawText());
        Assert.Equal("0.00", json.RootElement.GetProperty("totals").GetProperty("creditedExVat").GetRawText());
    }

    [Fact]
    public void Given_a_document_of_another_period_when_built_then_it_is_refused_naming_the_document()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            SettlementIssued.From("2021-07", SampleSettlements.AsOf, "IMPACT60", SampleSettlements.JuneDocuments()));

        Assert.Contains("2021-0001 (2021-06)", ex.Message);
        Assert.Contains("2021-07", ex.Message);
    }

    [Fact]
    public void Given_the_same_document_twice_when_built_then_it_is_refused_since_its_number_is_the_message_id()
    {
        var invoice = SampleDocuments.WorkedExampleInvoice();

        var ex = Assert.Throws<ArgumentException>(() =>
            SettlementIssued.From("2021-06", SampleSettlements.AsOf, "IMPACT60", [invoice, invoice]));

        Assert.Contains("2021-0001", ex.Message);
    }

    [Fact]
    public void Given_a_serialised_event_when_read_back_then_it_says_the_same()
    {
        var e = SampleSettlements.June();

        var back = SettlementIssuedJson.Deserialize(SettlementIssuedJson.Serialize(e));

        Assert.Equal(SettlementIssuedJson.Serialize(e), SettlementIssuedJson.Serialize(back));
        Assert.Equal(e.Documents[2].Kind, back.Documents[2].Kind);
        Assert.Equal(e.Totals, back.Totals);
    }

    private static void Describe(JsonElement e, string path, List<string> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    var child = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                    into.Add($"{child}:{p.Value.ValueKind.ToString().ToLowerInvariant()}");
                    if (p.Value.ValueKind is JsonValueKind.Object || (p.Value.ValueKind is JsonValueKind.Array && p.Value.GetArrayLength() > 0 && p.Value[0].ValueKind is JsonValueKind.Object))
                        Describe(p.Value, child, into);
                }
                break;
            case JsonValueKind.Array when e.GetArrayLength() > 0:
                Describe(e[0], path + "[]", into);
                break;
        }
    }
}
