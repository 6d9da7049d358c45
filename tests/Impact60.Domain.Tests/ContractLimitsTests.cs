using System.Text;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using static Impact60.Domain.Tests.ContractLoaderTests;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>
/// docs/contract-file.md "Limits": every number, string and list of the contract has an upper bound, related values are
/// checked against each other, and a hostile file costs bounded work and yields a short message.
/// </summary>
public class ContractLimitsTests
{
    private static ContractError SingleError(string json)
    {
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "broken.json"));
        return Assert.Single(ex.Errors);
    }

    private static string Json(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    public static TheoryData<string, string, string, string> ValuesAboveTheirBound => new()
    {
        // Given a value just above (or far above) its maximum, then exactly one error names the path and the bound.
        { "tariffs[0].full", "100000.01", "$.tariffs[0].full", "must be at most 100000 (found 100000.01)" },
        { "tariffs[0].full", "7.9e28", "$.tariffs[0].full", "must be at most 100000 (found 79000000000000000000000000000)" },
        { "tariffs[0].partial", "100001", "$.tariffs[0].partial", "must be at most 100000 (found 100001)" },
        { "caps.perParticipant", "1000000000000.01", "$.caps.perParticipant", "must be at most 1000000000000 (found 1000000000000.01)" },
        { "caps.programme", "1e13", "$.caps.programme", "must be at most 1000000000000 (found 10000000000000)" },
        { "parties.funds[0].deficitGuarantee", "1e13", "$.parties.funds[0].deficitGuarantee", "must be at most 1000000000000 (found 10000000000000)" },
        { "revenuePlan[5].cumulative", "1e13", "$.revenuePlan[5].cumulative", "must be at most 1000000000000 (found 10000000000000)" },
        { "referralCap", "100001", "$.referralCap", "must be at most 100000 (found 100001)" },
        { "paymentWindowWeeks", "2147483647", "$.paymentWindowWeeks", "must be at most 520 weeks (10 years) (found 2147483647)" },
        { "paymentWindowWeeks", "100000000", "$.paymentWindowWeeks", "must be at most 520 weeks (10 years) (found 100000000)" },
        { "paymentWindowWeeks", "10000000000", "$.paymentWindowWeeks", "must be at most 520 weeks (10 years) (found 10000000000)" },
        { "verificationPeriodWeeks", "521", "$.verificationPeriodWeeks", "must be at most 520 weeks (10 years) (found 521)" },
        { "maturityWeeks", "521", "$.maturityWeeks", "must be at most 520 weeks (10 years) (found 521)" },
        { "minSustainedWeeks", "521", "$.minSustainedWeeks", "must be at most 520 weeks (10 years) (found 521)" },
        { "targetSustainedWeeks", "521", "$.targetSustainedWeeks", "must be at most 520 weeks (10 years) (found 521)" },
        { "invoicing.paymentTermsDays", "366", "$.invoicing.paymentTermsDays", "must be at most 365 days (found 366)" },
        { "programme", Json(new string('P', 201)), "$.programme", "must be at most 200 characters (found 201)" },
        { "parties.payer.name", Json(new string('n', 201)), "$.parties.payer.name", "must be at most 200 characters (found 201)" },
        { "parties.payer.address.street", Json(new string('s', 201)), "$.parties.payer.address.street", "must be at most 200 characters (found 201)" },
        { "description", Json(new string('d', 4001)), "$.description", "must be at most 4000 characters (found 4001)" },
        { "suspensions[0].reason", Json(new string('r', 501)), "$.suspensions[0].reason", "must be at most 500 characters (found 501)" },
        { "programme", Json("IMPACT\u001B[31m60"), "$.programme", "must not contain control characters (found \\u001B at character 7)" },
        { "description", Json("two\nlines"), "$.description", "must not contain control characters (found \\u000A at character 4)" },
        { "parties.jobcenter.name", Json("Jobcenter\u202EAalborg"), "$.parties.jobcenter.name", "must not contain control characters (found \\u202E at character 10)" },
        { "tariffs[0].validFrom", "\"1989-12-31\"", "$.tariffs[0].validFrom", "must be from 1990-01-01 to 2100-12-31 (found 1989-12-31)" },
        { "tariffs[0].validFrom", "\"2101-01-01\"", "$.tariffs[0].validFrom", "must be from 1990-01-01 to 2100-12-31 (found 2101-01-01)" },
        { "suspensions[0].from", "\"1989-W52\"", "$.suspensions[0].from", "must be from 1990-W01 to 2100-W52 (found 1989-W52)" },
        { "suspensions[0].to", "\"2101-W01\"", "$.suspensions[0].to", "must be from 1990-W01 to 2100-W52 (found 2101-W01)" },
        { "revenuePlan[5].through", "\"2101-01\"", "$.revenuePlan[5].through", "must be from 1990-01 to 2100-12 (found 2101-01)" },
    };

    [Theory]
    [MemberData(nameof(ValuesAboveTheirBound))]
    public void A_value_above_its_bound_is_refused_with_the_bound_in_the_message(string property, string valueJson, string path, string message)
    {
        var error = SingleError(Mutate(property, valueJson));
        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Every_value_at_its_bound_is_accepted()
    {
        // Given every number at its maximum (and the window at 520 so the week counts may reach it), then the contract loads.
        var json = SampleJson;
        foreach (var (property, value) in new[]
                 {
                     ("tariffs[0].full", "100000"), ("tariffs[0].partial", "100000"), ("referralCap", "100000"),
                     ("paymentWindowWeeks", "520"), ("verificationPeriodWeeks", "520"), ("maturityWeeks", "520"),
                     ("minSustainedWeeks", "520"), ("targetSustainedWeeks", "520"), ("invoicing.paymentTermsDays", "365"),
                     ("caps", "{\"perParticipant\":1000000000000,\"programme\":1000000000000}"),
                     ("parties.funds[0].deficitGuarantee", "1000000000000"), ("revenuePlan[5].cumulative", "1000000000000"),
                     ("programme", Json(new string('P', 200))), ("description", Json(new string('d', 4000))),
                     ("suspensions[0].reason", Json(new string('r', 500))), ("tariffs[0].validFrom", "\"1990-01-01\""),
                 })
            json = Mutate(property, value, json);
        var c = ContractLoader.Load(json, "at-the-bounds.json");
        Assert.Equal((100_000m, 520, 520, 1_000_000_000_000m), (c.Tariffs[0].Full, c.PaymentWindowWeeks, c.MaturityWeeks, c.Caps.Programme));
    }

    public static TheoryData<string, string, string, string> ListsAboveTheirBound => new()
    {
        { "tariffs", ArrayOf(i => $"{{\"validFrom\":\"{new DateOnly(2000, 1, 1).AddDays(i):yyyy-MM-dd}\",\"full\":1,\"partial\":1}}", 101), "$.tariffs", "must hold at most 100 tariffs (found 101)" },
        { "suspensions", ArrayOf(i => $"{{\"from\":\"2000-W{i % 50 + 1:D2}\",\"to\":\"2000-W{i % 50 + 1:D2}\",\"reason\":\"x\"}}", 101), "$.suspensions", "must hold at most 100 suspensions (found 101)" },
        { "parties.funds", ArrayOf(_ => "{\"name\":\"F\",\"email\":\"f@example.dk\",\"deficitGuarantee\":null}", 21), "$.parties.funds", "must hold at most 20 funds (found 21)" },
        { "revenuePlan", ArrayOf(i => $"{{\"through\":\"{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM}\",\"cumulative\":{i}}}", 1201), "$.revenuePlan", "must hold at most 1200 entries (found 1201)" },
        { "classification.codes", "{" + string.Join(",", Enumerable.Range(0, 10_001).Select(i => $"\"{i}\":\"Full\"")) + "}", "$.classification.codes", "must hold at most 10000 codes (found 10001)" },
    };

    private static string ArrayOf(Func<int, string> item, int count) => "[" + string.Join(",", Enumerable.Range(0, count).Select(item)) + "]";

    [Theory]
    [MemberData(nameof(ListsAboveTheirBound))]
    public void A_list_above_its_bound_is_refused_without_reading_its_entries(string property, string valueJson, string path, string message)
    {
        // Then one error for the list, none for its entries (the 101 suspensions above overlap; they are never compared).
        var error = SingleError(Mutate(property, valueJson));
        Assert.Equal((path, message), (error.Path, error.Message));
    }

    // ---- cross-field rules: each error names both paths ----

    public static TheoryData<string, string, string> ValuesInconsistentWithEachOther => new()
    {
        { Mutate("verificationPeriodWeeks", "157"), "$.verificationPeriodWeeks",
            "must be at most $.paymentWindowWeeks (156): a verification period cannot be longer than the window (found 157)" },
        { Mutate("maturityWeeks", "157"), "$.maturityWeeks",
            "must be at most $.paymentWindowWeeks (156): a week cannot wait longer than the window to become final (found 157)" },
        { Mutate("minSustainedWeeks", "14"), "$.minSustainedWeeks",
            "must be at most $.targetSustainedWeeks (13): a paid spell cannot need more weeks than the target spell (found 14)" },
        { Mutate("targetSustainedWeeks", "261"), "$.targetSustainedWeeks",
            "must be at most $.paymentWindowWeeks + 104 (260): the target spell may begin up to two years before the window, not more (found 261)" },
        { Mutate("suspensions", """[{"from":"2020-W01","to":"2022-W52","reason":"a"},{"from":"2023-W01","to":"2025-W52","reason":"b"}]"""), "$.suspensions",
            "must hold at most 260 suspended weeks in all (found 313): each suspended week lengthens every window it falls in" },
        { Mutate("caps", """{"perParticipant":20000,"programme":10000}"""), "$.caps.perParticipant",
            "must be at most $.caps.programme (10000): one participant cannot be allowed more than the whole programme (found 20000)" },
    };

    [Theory]
    [MemberData(nameof(ValuesInconsistentWithEachOther))]
    public void Values_that_contradict_each_other_are_refused_naming_both_paths(string json, string path, string message)
    {
        var error = SingleError(json);
        Assert.Equal((path, message), (error.Path, error.Message));
    }

    [Fact]
    public void Related_values_that_are_equal_are_accepted()
    {
        // Given period = maturity = window, min = target, target = window + 104, and caps equal, then the contract loads.
        var json = Mutate("paymentWindowWeeks", "100", Mutate("verificationPeriodWeeks", "100", Mutate("maturityWeeks", "100",
            Mutate("minSustainedWeeks", "204", Mutate("targetSustainedWeeks", "204",
                Mutate("caps", """{"perParticipant":5000,"programme":5000}""", Mutate("suspensions",
                    """[{"from":"2020-W01","to":"2024-W51","reason":"53+52+52+52+51 = 260 weeks"}]""")))))));
        var c = ContractLoader.Load(json, "equal.json");
        Assert.Equal((100, 100, 100, 204, 204, 260), (c.PaymentWindowWeeks, c.VerificationPeriodWeeks, c.MaturityWeeks,
            c.MinSustainedWeeks, c.TargetSustainedWeeks, c.Suspensions.Sum(s => s.Weeks)));
    }

    // ---- leading zeros in classification codes ----

    [Theory]
    [InlineData("0651", "write 651: codes are compared as numbers, leading zeros are not significant")]
    [InlineData("00", "write 0: codes are compared as numbers, leading zeros are not significant")]
    public void A_classification_code_with_a_leading_zero_is_refused(string code, string message)
    {
        var error = SingleError(Mutate($"classification.codes.{code}", "\"Full\""));
        Assert.Equal(($"$.classification.codes['{code}']", message), (error.Path, error.Message));
    }

    [Fact]
    public void The_code_0_alone_is_a_valid_classification_code()
    {
        var c = ContractLoader.Load(Mutate("classification.codes.0", "\"Partial\""), "zero.json");
        Assert.Equal(WeekClass.Partial, c.Classification.Codes["0"]);
    }

    // ---- hostile input: bounded work, short message ----

    [Fact]
    public void A_contract_larger_than_1_MiB_is_refused_before_parsing_with_its_size()
    {
        // Given the sample padded with spaces to 1 MiB + 1 byte, then it is refused for its size alone
        var json = SampleJson.TrimEnd();
        var padded = json[..^1] + new string(' ', 1024 * 1024 + 1 - Encoding.UTF8.GetByteCount(json)) + "}";
        var error = SingleError(padded);
        Assert.Equal(("$", "the contract is 1048577 bytes; at most 1048576 bytes (1 MiB) are accepted"), (error.Path, error.Message));

        // and at exactly 1 MiB it loads.
        var exact = json[..^1] + new string(' ', 1024 * 1024 - Encoding.UTF8.GetByteCount(json)) + "}";
        Assert.Equal("IMPACT60", ContractLoader.Load(exact, "exact.json").Programme);
    }

    [Fact]
    public void A_contract_with_a_million_unknown_keys_fails_fast_with_a_short_message()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < 1_000_000; i++) sb.Append("\"k").Append(i).Append("\":0,");
        var json = sb.Append(SampleJson.TrimStart()[1..]).ToString();
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "hostile.json"));
        Assert.Single(ex.Errors);
        Assert.True(ex.Message.Length < 10_000, $"message is {ex.Message.Length} characters");
    }

    [Fact]
    public void Errors_are_listed_up_to_a_cap_and_the_message_says_more_were_not_listed()
    {
        // Given 60,000 unknown keys (well under 1 MiB), then 50 errors are listed and the message stays short.
        var sb = new StringBuilder("{");
        for (var i = 0; i < 60_000; i++) sb.Append("\"k").Append(i).Append("\":0,");
        var json = sb.Append(SampleJson.TrimStart()[1..]).ToString();
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "hostile.json"));
        Assert.Equal(50, ex.Errors.Count);
        Assert.True(ex.Message.Length < 10_000, $"message is {ex.Message.Length} characters");
        Assert.EndsWith("… and more errors not listed", ex.Message);
        Assert.Equal("$.k0", ex.Errors[0].Path);
        Assert.StartsWith("unknown property (expected one of: programme,", ex.Errors[0].Message);
        Assert.Equal(("$.k1", "unknown property"), (ex.Errors[1].Path, ex.Errors[1].Message));
    }

    [Fact]
    public void Exactly_the_cap_of_errors_is_listed_without_the_more_note()
    {
        // Given 50 errors exactly (50 unknown keys), then all are listed and nothing is said to be missing.
        var json = "{" + string.Concat(Enumerable.Range(0, 50).Select(i => $"\"k{i}\":0,")) + SampleJson.TrimStart()[1..];
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "fifty.json"));
        Assert.Equal(50, ex.Errors.Count);
        Assert.DoesNotContain("not listed", ex.Message);
    }

    [Fact]
    public void JSON_nested_deeper_than_16_levels_is_refused()
    {
        var json = Mutate("deep", new string('[', 17) + new string(']', 17));
        var error = SingleError(json);
        Assert.Equal("$", error.Path);
        Assert.Contains("depth of 16", error.Message);
    }

    [Fact]
    public void A_huge_or_control_character_property_name_is_cut_and_escaped_in_the_error()
    {
        var json = Mutate(new string('k', 100_000), "0", Mutate("a\u001B[2Jb", "0"));
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "names.json"));
        Assert.Equal(2, ex.Errors.Count);
        Assert.Equal("$.a\\u001B[2Jb", ex.Errors[0].Path);
        Assert.True(ex.Errors[1].Path.Length < 200, $"path is {ex.Errors[1].Path.Length} characters");
        Assert.DoesNotContain('\u001B', ex.Message);
        Assert.True(ex.Message.Length < 2_000, $"message is {ex.Message.Length} characters");
    }

    [Fact]
    public void A_long_value_quoted_in_an_error_is_cut()
    {
        // Given a 150-character currency, then the error quotes its first 80 characters and says how many were left out.
        var error = SingleError(Mutate("currency", Json(new string('X', 150))));
        Assert.Equal("$.currency", error.Path);
        Assert.EndsWith("… (70 more characters)')", error.Message);
        Assert.True(error.Message.Length < 200, $"message is {error.Message.Length} characters");
    }

    [Fact]
    public void The_example_in_docs_contract_file_md_is_what_the_loader_says()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "contract-file.md"));
        var start = doc.IndexOf("Contract 'impact60.contract.json' is invalid", StringComparison.Ordinal);
        var example = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)].TrimEnd();
        var json = Mutate("paymentWindowWeeks", "2147483647", Mutate("tariffs[0].full", "7.9e28", Mutate("classification.codes.0651", "\"Full\"")));
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(json, "impact60.contract.json"));
        Assert.Equal(example.ReplaceLineEndings(), ex.Message.ReplaceLineEndings());
    }
}
