using Impact60.Domain.Contracts;
using static Impact60.Domain.Tests.ContractLoaderTests;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>
/// The contract loader's fuzz findings (docs/fuzzing.md, "Contract loader" and "Seen along the way"), each as the
/// reproducer the harness found or a smaller example of it: what the loader must do instead.
/// </summary>
public class ContractFuzzFindingsTests
{
    private const string Surrogate = "is not valid Unicode text: it holds half of a UTF-16 surrogate pair (an escape from \\ud800 to \\udfff without its other half)";

    private static ContractException Refused(string json) => Assert.Throws<ContractException>(() => ContractLoader.Load(json, "fuzz.json"));

    // ---- F10: half of a surrogate pair in a string ----

    [Fact]
    public void F10_given_the_fuzz_reproducer_with_a_lone_surrogate_when_loaded_then_it_is_a_contract_error_at_its_path()
    {
        // The 41 bytes the harness found: reading the fund's name threw InvalidOperationException.
        var ex = Refused("""{"parties":{"funds":[{"name":"\ud800"}]}}""");
        Assert.Equal(("$.parties.funds[0].name", Surrogate), (Assert.Single(ex.Errors).Path, ex.Errors[0].Message));
    }

    [Theory]
    [InlineData("programme", "\"\\ud800\"", "$.programme")]
    [InlineData("description", "\"text \\udfff after\"", "$.description")]
    [InlineData("suspensions[0].reason", "\"\\udc00\\ud800\"", "$.suspensions[0].reason")] // both halves, in the wrong order
    [InlineData("classification.codes.651", "\"\\ud83d\"", "$.classification.codes['651']")]
    [InlineData("parties.supplier.bank.iban", "\"DK\\ud800\"", "$.parties.supplier.bank.iban")]
    [InlineData("revenuePlan[2].through", "\"\\ud800\"", "$.revenuePlan[2].through")]
    public void F10_given_a_lone_surrogate_in_any_string_of_the_contract_when_loaded_then_it_is_reported_at_its_path(string property, string valueJson, string path)
    {
        // JsonNode writes the escape back as it is; the loader refuses the document with this error alone.
        var json = Mutate(property, "\"placeholder\"").Replace("\"placeholder\"", valueJson, StringComparison.Ordinal);
        var error = Assert.Single(Refused(json).Errors);
        Assert.Equal((path, Surrogate), (error.Path, error.Message));
    }

    [Fact]
    public void F10_given_a_lone_surrogate_in_a_property_name_when_loaded_then_it_is_reported_with_the_name_as_written()
    {
        var json = "{\"bad\\ud800name\": 1," + SampleJson.TrimStart()[1..];
        var error = Assert.Single(Refused(json).Errors);
        Assert.Equal(("$.bad\\ud800name", Surrogate), (error.Path, error.Message));
    }

    [Fact]
    public void F10_given_a_text_handed_in_with_a_lone_surrogate_char_when_loaded_then_it_is_a_contract_error()
    {
        // Not an escape in the JSON but half a pair in the .NET string itself (File.ReadAllText never makes one).
        var json = SampleJson.Replace("IMPACT60", "IMPACT\ud80060", StringComparison.Ordinal);
        var error = Assert.Single(Refused(json).Errors);
        Assert.Equal("$", error.Path);
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_property_written_twice_with_values_of_different_types_when_loaded_then_it_is_reported_not_thrown()
    {
        // Found by a long run of the harness on the schema-based loader: the schema checked the first payer (its cvr is not
        // 8 digits), the message was worded from the second (a string), and wording it threw InvalidOperationException.
        var ex = Refused("""{"parties":{"payer":{"cvr":"F"},"payer":""}}""");
        Assert.Contains(new ContractError("$.parties.payer", "duplicate property"), ex.Errors);
        Assert.Contains(new ContractError("$.parties.payer.cvr", "must be a CVR number of 8 digits (found 'F')"), ex.Errors);

        // In a whole contract: one error for the property, whichever of its values is wrong.
        var json = SampleJson.Replace("\"referralCap\": 120,", "\"referralCap\": 0, \"referralCap\": \"many\",", StringComparison.Ordinal);
        Assert.Equal("$.referralCap: duplicate property", Assert.Single(Refused(json).Errors).ToString());
    }

    // ---- F11: overlapping suspensions reported once each, not once per pair ----

    private static string Suspensions(params (string From, string To)[] spans) =>
        Mutate("suspensions", "[" + string.Join(",", spans.Select(s => $$"""{"from":"{{s.From}}","to":"{{s.To}}","reason":"lockdown"}""")) + "]");

    [Fact]
    public void F11_given_three_copies_of_one_suspension_when_loaded_then_each_copy_after_the_first_is_reported_once_against_its_neighbour()
    {
        var ex = Refused(Suspensions(("2020-W12", "2020-W19"), ("2020-W12", "2020-W19"), ("2020-W12", "2020-W19")));
        Assert.Equal(
        [
            "$.suspensions[1]: overlaps $.suspensions[0] (2020-W12..2020-W19)",
            "$.suspensions[2]: overlaps $.suspensions[1] (2020-W12..2020-W19)",
        ], ex.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void F11_given_the_most_suspensions_allowed_all_the_same_when_loaded_then_the_errors_grow_with_their_number_not_with_their_pairs()
    {
        // 100 copies: 99 overlaps (not 4,950 pairs), so 50 are listed, each suspension at most once, in file order.
        var ex = Refused(Suspensions([.. Enumerable.Repeat(("2020-W12", "2020-W13"), 100)]));
        Assert.True(ex.MoreNotListed);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"$.suspensions[{i}]"), ex.Errors.Select(e => e.Path));
        Assert.All(ex.Errors, e => Assert.Matches(@"^overlaps \$\.suspensions\[\d+\] \(2020-W12\.\.2020-W13\)$", e.Message));
    }

    [Fact]
    public void F11_given_suspensions_out_of_order_and_one_inside_another_when_loaded_then_each_overlap_is_reported_once_on_the_later_entry()
    {
        var ex = Refused(Suspensions(
            ("2021-W30", "2021-W32"), // [0]
            ("2021-W01", "2021-W20"), // [1]
            ("2021-W05", "2021-W06"), // [2] inside [1]
            ("2021-W10", "2021-W11"), // [3] inside [1], apart from [2]
            ("2021-W20", "2021-W30"))); // [4] touches [1] and [0]
        Assert.Equal(
        [
            "$.suspensions[2]: overlaps $.suspensions[1] (2021-W01..2021-W20)",
            "$.suspensions[3]: overlaps $.suspensions[1] (2021-W01..2021-W20)",
            "$.suspensions[4]: overlaps $.suspensions[1] (2021-W01..2021-W20)",
        ], ex.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void F11_given_suspensions_that_only_touch_end_to_start_when_loaded_then_they_are_apart()
    {
        var c = ContractLoader.Load(Suspensions(("2021-W10", "2021-W12"), ("2020-W50", "2021-W09"), ("2021-W13", "2021-W13")), "apart.json");
        Assert.Equal(3 + 13 + 1, c.Suspensions.Sum(s => s.Weeks)); // 2020 has 53 weeks
    }

    [Fact]
    public void F11_given_the_fuzz_reproducer_of_1441_copies_of_the_shipped_suspension_when_loaded_then_one_error_names_the_bound()
    {
        var ex = Refused(Suspensions([.. Enumerable.Repeat(("2020-W12", "2020-W19"), 1441)]));
        Assert.Equal("$.suspensions: must hold at most 100 suspensions (found 1441)", Assert.Single(ex.Errors).ToString());
    }

    // ---- F12: implausible dates and weeks ----

    [Theory]
    [InlineData("suspensions[0].to", "\"2999-W52\"", "$.suspensions[0].to", "must be from 1990-W01 to 2100-W52 (found 2999-W52)")]
    [InlineData("suspensions[0].from", "\"1900-W01\"", "$.suspensions[0].from", "must be from 1990-W01 to 2100-W52 (found 1900-W01)")]
    [InlineData("tariffs[0].validFrom", "\"9999-12-31\"", "$.tariffs[0].validFrom", "must be from 1990-01-01 to 2100-12-31 (found 9999-12-31)")]
    [InlineData("tariffs[0].validFrom", "\"0001-01-01\"", "$.tariffs[0].validFrom", "must be from 1990-01-01 to 2100-12-31 (found 0001-01-01)")]
    [InlineData("revenuePlan[0].through", "\"1989-12\"", "$.revenuePlan[0].through", "must be from 1990-01 to 2100-12 (found 1989-12)")]
    public void F12_given_an_implausible_date_or_week_when_loaded_then_it_is_refused_with_the_accepted_range(string property, string valueJson, string path, string message)
    {
        var error = Assert.Single(Refused(Mutate(property, valueJson)).Errors);
        Assert.Equal((path, message), (error.Path, error.Message));
    }

    // ---- O2: amounts no settlement can multiply ----

    [Theory]
    [InlineData("tariffs[0].full", "79228162514264337593543950335", "must be at most 100000 (found 79228162514264337593543950335)")]
    [InlineData("tariffs[0].full", "79228162514264337593543950336", "must be at most 100000 (found '79228162514264337593543950336')")]
    [InlineData("tariffs[0].partial", "1e400", "must be at most 100000 (found '1e400')")]
    [InlineData("tariffs[0].partial", "-1e400", "must be 0 or more (found '-1e400')")]
    [InlineData("caps.programme", "79228162514264337593543950335", "must be at most 1000000000000 (found 79228162514264337593543950335)")]
    public void O2_given_an_amount_beyond_what_a_settlement_can_multiply_when_loaded_then_it_is_refused_at_its_bound(string property, string valueJson, string message)
    {
        var error = Assert.Single(Refused(Mutate(property, valueJson)).Errors);
        Assert.Equal(("$." + property, message), (error.Path, error.Message));
    }
}
