using System.Text.Json.Nodes;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>docs/contract-file.md: strict, every error with its JSON path, all at once.</summary>
public class ContractLoaderTests
{
    [Fact]
    public void The_shipped_IMPACT60_contract_loads_with_the_public_terms()
    {
        var c = ContractLoader.Load(SampleJson, "impact60.contract.json");
        Assert.Equal(("IMPACT60", "DKK", 120), (c.Programme, c.Currency, c.ReferralCap));
        var tariff = Assert.Single(c.Tariffs);
        Assert.Equal((new DateOnly(2018, 9, 1), 796m, 385m), (tariff.ValidFrom, tariff.Full, tariff.Partial));
        Assert.Equal((156, 13, 8, 4, 13, 0.5m), (c.PaymentWindowWeeks, c.VerificationPeriodWeeks, c.MaturityWeeks, c.MinSustainedWeeks, c.TargetSustainedWeeks, c.TargetShare));
        Assert.Equal((WeekClass.Full, WeekClass.None), (c.Classification.EmptyCode, c.Classification.Default));
        Assert.Equal(WeekClass.Partial, c.Classification.Classify(BenefitCode.Parse("421")));
        Assert.Equal(WeekClass.Full, c.Classification.Classify(BenefitCode.Parse("651")));
        Assert.Equal(new Caps(null, null), c.Caps);
        var s = Assert.Single(c.Suspensions);
        Assert.Equal((new IsoWeek(2020, 12), new IsoWeek(2020, 19), 8), (s.From, s.To, s.Weeks));
        Assert.Equal(0.25m, c.VatRate);
        Assert.Equal(60, c.TargetCount);
        Assert.Equal(("29189420", "IMPACT60"), (c.Parties.Payer.Cvr, c.Parties.Payer.BuyerReference));
        Assert.True(Gs1.HasValidCheckDigit(c.Parties.Payer.Ean));
        Assert.Equal([4_000_000m, null], c.Parties.Funds.Select(f => f.DeficitGuarantee));
        Assert.Equal(("I60F", "I60K", 30, PaymentMeansType.BankTransfer), (c.Invoicing.InvoiceSeries, c.Invoicing.CreditNoteSeries,
            c.Invoicing.PaymentTermsDays, c.Invoicing.PaymentMeans.Type));
        Assert.NotEmpty(c.RevenuePlan);
        Assert.All(new[] { c.Parties.Payer.Email, c.Parties.Supplier.Email, c.Parties.Jobcenter.Email }, e => Assert.EndsWith("@example.dk", e));
    }

    [Theory]
    [InlineData("surprise", "1", "$.surprise", "unknown property")]
    [InlineData("referralCap", "\"120\"", "$.referralCap", "must be a number, not a string")]
    [InlineData("referralCap", "0", "$.referralCap", "must be at least 1 (found 0)")]
    [InlineData("referralCap", "12.5", "$.referralCap", "must be a whole number (found 12.5)")]
    [InlineData("paymentWindowWeeks", null, "$.paymentWindowWeeks", "is required")]
    [InlineData("currency", "null", "$.currency", "must not be null")]
    [InlineData("currency", "\"dkk\"", "$.currency", "must be an ISO 4217 code of 3 upper-case letters (found 'dkk')")]
    [InlineData("verificationPeriodWeeks", "0", "$.verificationPeriodWeeks", "must be a positive number of weeks (found 0)")]
    [InlineData("maturityWeeks", "-1", "$.maturityWeeks", "must be 0 or more weeks (found -1)")]
    [InlineData("minSustainedWeeks", "0", "$.minSustainedWeeks", "must be a positive number of weeks (found 0)")]
    [InlineData("targetSustainedWeeks", "0", "$.targetSustainedWeeks", "must be a positive number of weeks (found 0)")]
    [InlineData("targetShare", "0", "$.targetShare", "must be greater than 0 and at most 1 (found 0)")]
    [InlineData("targetShare", "1.5", "$.targetShare", "must be greater than 0 and at most 1 (found 1.5)")]
    [InlineData("vatRate", "1", "$.vatRate", "must be at least 0 and less than 1 (found 1)")]
    [InlineData("tariffs", "[]", "$.tariffs", "must hold at least one tariff")]
    [InlineData("tariffs", "{}", "$.tariffs", "must be an array, not an object")]
    [InlineData("tariffs[0].partial", "-385", "$.tariffs[0].partial", "must be 0 or more (found -385)")]
    [InlineData("tariffs[0].full", "796.005", "$.tariffs[0].full", "must have at most 2 decimals (found 796.005)")]
    [InlineData("tariffs[0].validFrom", "\"01-09-2018\"", "$.tariffs[0].validFrom", "must be a date as YYYY-MM-DD (found '01-09-2018')")]
    [InlineData("classification.default", "\"Fuld\"", "$.classification.default", "must be one of Full, Partial, None (found 'Fuld')")]
    [InlineData("classification.codes.651", "\"Half\"", "$.classification.codes['651']", "must be one of Full, Partial, None (found 'Half')")]
    [InlineData("classification.codes.12345", "\"Full\"", "$.classification.codes['12345']", "a benefit code must be 1 to 4 digits")]
    [InlineData("suspensions[0].to", "\"2020-W10\"", "$.suspensions[0].to", "must not be before $.suspensions[0].from (2020-W12)")]
    [InlineData("suspensions[0].from", "\"2020-W54\"", "$.suspensions[0].from", "ISO year 2020 has weeks 1 to 53, not 54")]
    [InlineData("caps.perParticipant", "0", "$.caps.perParticipant", "must be a positive amount (found 0)")]
    [InlineData("caps.programme", "\"lots\"", "$.caps.programme", "must be a number, not a string")]
    [InlineData("parties.payer.ean", "\"5798000123459\"", "$.parties.payer.ean", "has a wrong GS1 check digit (found '5798000123459', the check digit should be 8)")]
    [InlineData("parties.payer.cvr", "\"2918942\"", "$.parties.payer.cvr", "must be a CVR number of 8 digits (found '2918942')")]
    [InlineData("parties.payer.email", "\"faktura.example.dk\"", "$.parties.payer.email", "is not an e-mail address (found 'faktura.example.dk')")]
    [InlineData("parties.supplier.bank.regNo", "\"12\"", "$.parties.supplier.bank.regNo", "must be 4 digits (found '12')")]
    [InlineData("parties.funds[1].deficitGuarantee", "-1", "$.parties.funds[1].deficitGuarantee", "must be a positive amount (found -1)")]
    [InlineData("parties.jobcenter.email", null, "$.parties.jobcenter.email", "is required")]
    [InlineData("invoicing.paymentMeans", "{\"type\":\"fik\"}", "$.invoicing.paymentMeans.creditorNumber", "is required when type is 'fik'")]
    [InlineData("invoicing.paymentMeans.type", "\"cash\"", "$.invoicing.paymentMeans.type", "must be 'bankTransfer' or 'fik' (found 'cash')")]
    [InlineData("revenuePlan[1].through", "\"2019-06\"", "$.revenuePlan[1].through", "must be after $.revenuePlan[0].through (2019-12)")]
    public void A_broken_value_is_reported_with_its_path_and_reason(string property, string? valueJson, string path, string message)
    {
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(Mutate(property, valueJson), "broken.json"));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(path, error.Path);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Tariffs_must_be_strictly_ascending_by_validFrom()
    {
        var json = Mutate("tariffs", """[{"validFrom":"2018-09-01","full":796,"partial":385},{"validFrom":"2018-09-01","full":800,"partial":400}]""");
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "broken.json"));
        Assert.Equal("$.tariffs[1].validFrom: must be after $.tariffs[0].validFrom (2018-09-01)", Assert.Single(ex.Errors).ToString());
    }

    [Fact]
    public void Overlapping_suspensions_are_refused()
    {
        var json = Mutate("suspensions", """[{"from":"2020-W12","to":"2020-W19","reason":"COVID-19"},{"from":"2020-W19","to":"2020-W20","reason":"again"}]""");
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "broken.json"));
        Assert.Equal("$.suspensions[1]: overlaps $.suspensions[0] (2020-W12..2020-W19)", Assert.Single(ex.Errors).ToString());
    }

    [Fact]
    public void A_VAT_free_contract_must_say_why()
    {
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(Mutate("vatRate", "0"), "broken.json"));
        Assert.Equal("$.invoicing.vatExemptionReason: is required when vatRate is 0", Assert.Single(ex.Errors).ToString());
        var ok = ContractLoader.Load(Mutate("vatRate", "0", Mutate("invoicing.vatExemptionReason", "\"Momsfritaget, momsloven § 13\"")), "ok.json");
        Assert.Equal(0m, ok.VatRate);
    }

    [Fact]
    public void Several_errors_are_all_reported_at_once()
    {
        var json = Mutate("referralCap", "0", Mutate("currency", "\"kr\"", Mutate("tariffs[0].full", "-1", Mutate("extra", "true"))));
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "broken.json"));
        Assert.Equal(["$.extra", "$.currency", "$.referralCap", "$.tariffs[0].full"], ex.Errors.Select(e => e.Path));
        Assert.Contains("broken.json", ex.Message);
        Assert.All(ex.Errors, e => Assert.Contains(e.ToString(), ex.Message));
    }

    [Fact]
    public void Malformed_JSON_is_reported_with_line_and_position()
    {
        var json = "{\n  \"programme\": \"IMPACT60\",\n  \"currency\": DKK\n}";
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "broken.json"));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("$", error.Path);
        Assert.StartsWith("malformed JSON at line 3, position 15:", error.Message);
    }

    [Fact]
    public void A_duplicate_property_is_an_error()
    {
        var json = SampleJson.Replace("\"referralCap\": 120,", "\"referralCap\": 120, \"referralCap\": 60,", StringComparison.Ordinal);
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "broken.json"));
        Assert.Equal("$.referralCap: duplicate property", Assert.Single(ex.Errors).ToString());
    }

    /// <summary>The sample with one property set (or removed, when <paramref name="valueJson"/> is null); path segments like <c>tariffs[0].full</c>.</summary>
    internal static string Mutate(string path, string? valueJson, string? json = null)
    {
        var root = JsonNode.Parse(json ?? SampleJson)!;
        var segments = path.Split('.');
        JsonNode node = root;
        for (var i = 0; i < segments.Length - 1; i++) node = Step(node, segments[i]);
        var last = segments[^1];
        var value = valueJson is null ? null : JsonNode.Parse(valueJson);
        if (last.EndsWith(']'))
        {
            var arr = Step(node, last[..last.IndexOf('[')]).AsArray();
            var index = int.Parse(last[(last.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (valueJson is null) arr.RemoveAt(index); else arr[index] = value;
        }
        else if (valueJson is null) node.AsObject().Remove(last);
        else node[last] = value;
        return root.ToJsonString();
    }

    private static JsonNode Step(JsonNode node, string segment)
    {
        var bracket = segment.IndexOf('[');
        if (bracket < 0) return node[segment]!;
        var index = int.Parse(segment[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        return node[segment[..bracket]]![index]!;
    }
}
