using Impact60.Application.Tests.Documents;
using Xunit.Abstractions;

namespace Impact60.Application.Tests.EInvoice;

/// <summary>
/// Given the settlement documents written as Peppol BIS 3.0 UBL, when the CEN, Peppol and Danish Schematron
/// rules run over them, then no fatal assert fires; and a document broken on purpose is caught by the rule
/// that names the break.
/// </summary>
public sealed class SchematronTests(SchematronFixture validation, ITestOutputHelper output) : IClassFixture<SchematronFixture>
{
    public static TheoryData<string> GeneratedDocuments() => new(SampleDocuments.AllValid().Keys);

    public static TheoryData<string> MappedFromSettlements() => new(MappedDocuments.All().Keys);

    public static TheoryData<string> DanishExamples() =>
        new(Directory.GetFiles(EInvoiceAssets.Examples, "*.xml").Select(f => "dk-example-" + Path.GetFileNameWithoutExtension(f)));

    [Theory]
    [MemberData(nameof(GeneratedDocuments))]
    public void Given_a_generated_document_when_all_three_rule_sets_run_then_no_fatal_assert_fires(string document) =>
        AssertNoFatals(document);

    [Theory]
    [MemberData(nameof(MappedFromSettlements))]
    public void Given_a_document_the_settlement_mapping_made_when_all_three_rule_sets_run_then_no_fatal_assert_fires(string document) =>
        AssertNoFatals(document);

    [Fact]
    public void Given_every_document_the_fixture_wrote_then_each_one_was_validated_by_all_three_rule_sets()
    {
        // No document may fall between the theories: every generated or mapped one has an SVRL per rule set.
        foreach (var name in SampleDocuments.AllValid().Keys.Concat(MappedDocuments.All().Keys))
        {
            Assert.Contains(name, validation.Documents);
            foreach (var ruleSet in SchematronFixture.RuleSets)
                _ = validation.FailedAsserts(name, ruleSet);
        }
    }

    [Theory]
    [MemberData(nameof(DanishExamples))]
    public void Given_the_shipped_Danish_example_when_validated_by_the_harness_then_it_passes(string document) =>
        AssertNoFatals(document);

    [Fact]
    public void Given_a_currency_code_outside_ISO_4217_when_validated_then_BR_CL_04_is_fatal() =>
        AssertFatal("broken-currency", "CEN-EN16931-UBL", "BR-CL-04");

    [Fact]
    public void Given_a_line_amount_that_is_not_quantity_times_price_minus_allowance_when_validated_then_Peppol_R120_is_fatal() =>
        AssertFatal("broken-line-amount", "PEPPOL-EN16931-UBL", "PEPPOL-EN16931-R120");

    [Fact]
    public void Given_a_line_amount_that_no_longer_sums_to_the_header_when_validated_then_BR_CO_10_is_fatal() =>
        AssertFatal("broken-line-amount", "CEN-EN16931-UBL", "BR-CO-10");

    [Fact]
    public void Given_a_released_cap_stated_without_its_line_charge_when_validated_then_Peppol_R120_is_fatal() =>
        AssertFatal("broken-cap-charge-missing", "PEPPOL-EN16931-UBL", "PEPPOL-EN16931-R120");

    private void AssertNoFatals(string document)
    {
        var fatals = new List<string>();
        foreach (var ruleSet in SchematronFixture.RuleSets)
        {
            var asserts = validation.FailedAsserts(document, ruleSet);
            output.WriteLine($"{document} / {ruleSet}: {asserts.Count(a => a.IsFatal)} fatal, {asserts.Count(a => !a.IsFatal)} warning");
            foreach (var a in asserts)
                output.WriteLine("  " + a);
            fatals.AddRange(asserts.Where(a => a.IsFatal).Select(a => $"{ruleSet} {a}"));
        }
        Assert.True(fatals.Count == 0, $"{document} has {fatals.Count} fatal assert(s):\n{string.Join("\n", fatals)}");
    }

    private void AssertFatal(string document, string ruleSet, string ruleId)
    {
        var asserts = validation.FailedAsserts(document, ruleSet);
        foreach (var a in asserts)
            output.WriteLine(a.ToString());
        Assert.Contains(asserts, a => a.IsFatal && a.Id == ruleId);
    }
}
