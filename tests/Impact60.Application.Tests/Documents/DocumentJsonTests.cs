using System.Text.Json;
using Impact60.Application.Documents;

namespace Impact60.Application.Tests.Documents;

/// <summary>Given a settlement document, when written as the JSON twin, then field names are the documented, stable ones and values come from the model.</summary>
public sealed class DocumentJsonTests
{
    // The structure other systems rely on (docs/documents.md). Changing it breaks them: bump SchemaVersion.
    private const string GoldenStructure = """
        schemaVersion:number
        kind:string
        number:string
        issueDate:string
        dueDate:string
        settlementPeriod:string
        asOf:string
        currency:string
        buyerReference:string
        seller:object
        seller.name:string
        seller.cvr:string
        seller.ean:null
        seller.street:string
        seller.city:string
        seller.postalCode:string
        seller.country:string
        seller.email:string
        buyer:object
        buyer.name:string
        buyer.cvr:string
        buyer.ean:string
        buyer.street:string
        buyer.city:string
        buyer.postalCode:string
        buyer.country:string
        buyer.email:null
        vat:object
        vat.category:string
        vat.rate:number
        vat.exemptionReason:null
        payment:object
        payment.method:string
        payment.registrationNumber:string
        payment.accountNumber:string
        payment.iban:null
        payment.bic:null
        corrects:array
        corrects[].number:string
        corrects[].issueDate:string
        lines:array
        lines[].lineNumber:number
        lines[].referralId:string
        lines[].fokusRef:string
        lines[].periodIndex:number
        lines[].periodFirstWeek:string
        lines[].periodLastWeek:string
        lines[].class:string
        lines[].weeks:number
        lines[].unitPrice:number
        lines[].allowance:number
        lines[].charge:number
        lines[].amount:number
        lines[].correctsInvoiceNumber:string
        totals:object
        totals.lineExtensionAmount:number
        totals.vatAmount:number
        totals.payableAmount:number
        """;

    [Fact]
    public void Given_a_credit_note_when_written_then_the_field_names_and_types_match_the_golden_structure()
    {
        using var json = JsonDocument.Parse(DocumentJson.Write(SampleDocuments.CreditNoteOfFiveFullWeeks()));

        var structure = new List<string>();
        Describe(json.RootElement, "", structure);

        Assert.Equal(GoldenStructure.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), structure);
    }

    [Fact]
    public void Given_the_worked_example_when_written_then_values_come_from_the_model_with_two_decimal_amounts()
    {
        var doc = SampleDocuments.WorkedExampleInvoice();
        var bytes = DocumentJson.Write(doc);
        var raw = System.Text.Encoding.UTF8.GetString(bytes);
        using var json = JsonDocument.Parse(bytes);
        var root = json.RootElement;

        Assert.Equal("invoice", root.GetProperty("kind").GetString());
        Assert.Equal(doc.Number, root.GetProperty("number").GetString());
        Assert.Equal("2021-06", root.GetProperty("settlementPeriod").GetString());
        Assert.Equal(doc.PayableAmount, root.GetProperty("totals").GetProperty("payableAmount").GetDecimal());
        Assert.Contains("\"lineExtensionAmount\": 91150.00", raw);
        Assert.Contains("\"vatAmount\": 22787.50", raw);
        Assert.Contains("\"payableAmount\": 113937.50", raw);
        Assert.Contains("\"allowance\": 0.00", raw);

        var lines = root.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(doc.Lines.Count, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.Equal(doc.Lines[i].ReferralId, lines[i].GetProperty("referralId").GetString());
            Assert.Equal(doc.Lines[i].PeriodFirstWeek, lines[i].GetProperty("periodFirstWeek").GetString());
            Assert.Equal(doc.Lines[i].Weeks, lines[i].GetProperty("weeks").GetInt32());
            Assert.Equal(doc.Lines[i].Amount, lines[i].GetProperty("amount").GetDecimal());
        }
    }

    [Fact]
    public void Given_a_cap_that_moved_when_written_then_the_line_has_0_weeks_its_charge_and_weeks_times_price_minus_allowance_plus_charge_is_the_amount()
    {
        // Made by the real mapping: participant 1's period 2 gets 2,388.00 of cap released, with no weeks of its own.
        var doc = MappedDocuments.CapReleased().Invoice;
        using var json = JsonDocument.Parse(DocumentJson.Write(doc));

        var lines = json.RootElement.GetProperty("lines").EnumerateArray().ToList();
        var released = Assert.Single(lines, l => l.GetProperty("referralId").GetString() == "JC-2018-0001");
        Assert.Equal((0, 796.00m, 0.00m, 2388.00m, 2388.00m), (released.GetProperty("weeks").GetInt32(), released.GetProperty("unitPrice").GetDecimal(),
            released.GetProperty("allowance").GetDecimal(), released.GetProperty("charge").GetDecimal(), released.GetProperty("amount").GetDecimal()));
        foreach (var l in lines)
            Assert.Equal(l.GetProperty("amount").GetDecimal(), l.GetProperty("weeks").GetInt32() * l.GetProperty("unitPrice").GetDecimal()
                - l.GetProperty("allowance").GetDecimal() + l.GetProperty("charge").GetDecimal());
    }

    [Fact]
    public void Given_FIK_payment_when_written_then_payment_names_card_type_creditor_and_payment_id()
    {
        var doc = SampleDocuments.FikInvoice();
        using var json = JsonDocument.Parse(DocumentJson.Write(doc));
        var payment = json.RootElement.GetProperty("payment");

        Assert.Equal("fik", payment.GetProperty("method").GetString());
        Assert.Equal("71", payment.GetProperty("cardType").GetString());
        Assert.Equal("85123456", payment.GetProperty("creditorNumber").GetString());
        Assert.Equal(((FikPayment)doc.Payment).PaymentId, payment.GetProperty("paymentId").GetString());
    }

    private static void Describe(JsonElement e, string path, List<string> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    var child = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                    into.Add($"{child}:{Kind(p.Value)}");
                    if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        Describe(p.Value, child, into);
                }
                break;
            case JsonValueKind.Array when e.GetArrayLength() > 0:
                Describe(e[0], path + "[]", into);
                break;
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant() switch
    {
        "true" or "false" => "boolean",
        var k => k,
    };
}
