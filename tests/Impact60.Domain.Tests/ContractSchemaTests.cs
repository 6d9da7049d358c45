using System.Text.Json;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Json.Schema;
using static Impact60.Domain.Tests.ContractLoaderTests;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>
/// schemas/contract.schema.json (docs/contract-file.md "The schema"): the loader's embedded copy is the file, it is a valid
/// JSON Schema that every shipped contract names and meets, it bounds every value, and its bounds keep a programme's sums
/// inside <see cref="decimal"/>.
/// </summary>
public class ContractSchemaTests
{
    private static string SchemaPath => Path.Combine(RepositoryRoot, "schemas", "contract.schema.json");

    /// <summary>The contract files kept in the repository: the shipped contract and the fuzz harness's second seed.</summary>
    public static TheoryData<string> ContractFiles => new()
    {
        "samples/impact60.contract.json",
        "tests/Impact60.Fuzz.Tests/Seeds/contract-variant.json",
    };

    [Fact]
    public void Given_the_loader_when_it_reads_its_schema_then_the_embedded_copy_is_schemas_contract_schema_json()
    {
        Assert.Equal(File.ReadAllText(SchemaPath), ContractSchema.Text);
    }

    [Fact]
    public void Given_the_schema_when_checked_against_the_draft_2020_12_meta_schema_then_it_is_valid()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
        var results = MetaSchemas.Draft202012.Evaluate(schema.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(results.IsValid, string.Join("; ", results.Details?.Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}") ?? []));
    }

    [Theory]
    [MemberData(nameof(ContractFiles))]
    public void Given_a_contract_file_of_the_repository_then_it_names_the_schema_by_a_relative_path_and_meets_it_as_an_editor_checks_it(string file)
    {
        var path = Path.Combine(RepositoryRoot, file);
        using var contract = JsonDocument.Parse(File.ReadAllText(path));
        var reference = contract.RootElement.GetProperty("$schema").GetString()!;
        Assert.False(Path.IsPathRooted(reference), reference);
        Assert.Equal(Path.GetFullPath(SchemaPath), Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, reference)));

        // What an editor does: the schema file as it is, no loader in between.
        var schema = JsonSchema.FromText(File.ReadAllText(SchemaPath), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        Assert.True(schema.Evaluate(contract.RootElement).IsValid, file);
        Assert.Equal("IMPACT60", ContractLoader.LoadFile(path).Programme);
    }

    [Theory]
    [InlineData("\"../schemas/contract.schema.json\"")]
    [InlineData("\"https://example.org/any/other/schema.json\"")]
    public void Given_a_schema_reference_when_loaded_then_it_is_accepted_and_ignored(string reference)
    {
        var with = ContractLoader.Load(Mutate("$schema", reference), "with.json");
        var without = ContractLoader.Load(Mutate("$schema", null), "without.json");
        Assert.Equal((without.Programme, without.Tariffs.Single(), without.Suspensions.Single()), (with.Programme, with.Tariffs.Single(), with.Suspensions.Single()));
    }

    [Fact]
    public void Given_a_schema_reference_that_is_not_a_string_when_loaded_then_it_is_an_error_at_its_path()
    {
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(Mutate("$schema", "42"), "broken.json"));
        Assert.Equal("$.$schema: must be a string, not a number", Assert.Single(ex.Errors).ToString());
    }

    [Fact]
    public void Given_the_schema_then_every_value_it_describes_is_bounded()
    {
        // A hostile file costs bounded work and no value can overflow what is computed from it: every number has a maximum,
        // every text a length or a closed set, every list a most, every object a closed set of properties or a most.
        foreach (var (location, node) in ContractSchema.Root.Descendants())
        {
            var types = node.Keyword("type") switch
            {
                { ValueKind: JsonValueKind.String } t => [t.GetString()!],
                { ValueKind: JsonValueKind.Array } t => t.EnumerateArray().Select(x => x.GetString()!).ToArray(),
                _ => [],
            };
            if (node.Keyword("enum") is not null) continue;
            Assert.True(types.Length > 0, $"{location} has no type");
            if (types.Contains("number") || types.Contains("integer"))
                Assert.True(node.Bound("maximum") is not null || node.Bound("exclusiveMaximum") is not null, $"{location} has no maximum");
            if (types.Contains("number") && node.Keyword("maximum") is { } max && max.GetDecimal() > 1m)
                Assert.True(node.Bound("multipleOf") == "0.01", $"{location}: an amount has at most 2 decimals");
            if (types.Contains("string")) Assert.True(node.Count("maxLength") is not null, $"{location} has no maxLength");
            if (types.Contains("array")) Assert.True(node.Count("maxItems") is not null, $"{location} has no maxItems");
            if (types.Contains("object"))
                Assert.True(node.Keyword("additionalProperties") is { ValueKind: JsonValueKind.False } || node.Count("maxProperties") is not null,
                    $"{location} is open");
        }
    }

    [Fact]
    public void Given_the_schema_then_a_keyword_appears_once_along_each_ref_chain_so_each_error_has_one_bound_to_name()
    {
        foreach (var (location, node) in ContractSchema.Root.Descendants())
            foreach (var (keyword, times) in node.KeywordsAlongTheChain())
                Assert.True(keyword is "$ref" or "description" || times == 1, $"{location}: '{keyword}' {times} times along its $ref chain");
    }

    [Fact]
    public void Given_the_largest_values_the_schema_allows_then_a_programme_sum_stays_far_inside_decimal_and_weeks_inside_the_calendar()
    {
        // The most a programme can owe: every referral paid the highest tariff for the longest window, lengthened by every
        // suspended week. Then a cap or a revenue figure at its most, times the same weeks.
        var tariff = Max("$.tariffs[].full");
        var weeks = Max("$.paymentWindowWeeks") + ContractLimits.MaxSuspendedWeeks;
        var referrals = Max("$.referralCap");
        Assert.Equal((100_000m, 780m, 100_000m), (tariff, weeks, referrals));
        Assert.True(tariff * weeks * referrals < 1e13m);
        Assert.True(Max("$.caps.programme") * weeks * referrals < 1e23m, "a cap times weeks times referrals is 10^5 below decimal.MaxValue");
        Assert.True(Max("$.revenuePlan[].cumulative") <= Max("$.caps.programme"));

        // The latest week any date can reach: the last plausible one plus the longest window and its suspensions.
        Assert.InRange(PlausibleDates.LatestWeek.AddWeeks((int)weeks + ContractLimits.TargetMarginWeeks).Year, 2100, 2200);
    }

    private static decimal Max(string location)
    {
        var node = ContractSchema.Root.Descendants().Single(d => d.Location == location).Node;
        return decimal.Parse(node.Bound("maximum")!, System.Globalization.CultureInfo.InvariantCulture);
    }
}
