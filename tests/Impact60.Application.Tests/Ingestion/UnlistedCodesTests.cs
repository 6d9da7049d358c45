using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Settlement;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Microsoft.Extensions.DependencyInjection;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>
/// Codes not in the contract's list (the contract classes them by its default): found per delivery with their week and
/// person counts, most weeks first, and told in the result and the delivery log (docs/ingestion.md "Codes not in the
/// contract's list").
/// </summary>
[Collection("Azurite")]
public sealed class UnlistedCodesTests(AzuriteFixture azurite)
{
    private static readonly Pseudonym A = Pseudonym.Parse(new string('a', 64));
    private static readonly Pseudonym B = Pseudonym.Parse(new string('b', 64));

    private static RegisterWeek W(Pseudonym p, int week, string code) => new(p, IsoWeek.Parse($"2019-W{week:00}"), BenefitCode.Parse(code));

    private static readonly Classification Listed = new(WeekClass.Full, WeekClass.None,
        new Dictionary<string, WeekClass> { ["651"] = WeekClass.Full, ["421"] = WeekClass.Partial });

    [Fact]
    public void Given_weeks_with_listed_unlisted_and_empty_codes_then_the_unlisted_are_counted_by_weeks_and_persons_most_weeks_first()
    {
        var weeks = new[]
        {
            W(A, 1, "651"), W(A, 2, ""), W(A, 3, "999"), W(B, 3, "999"), W(B, 4, "999"),
            W(A, 5, "130"), W(A, 6, "130"), W(B, 7, "130"), W(B, 8, "0651"), W(A, 9, "421"), W(A, 10, "0007"),
        };

        var unlisted = UnlistedCodes.Find(weeks, Listed);

        Assert.Equal(
            [new UnlistedCode("130", 3, 2, WeekClass.None), new UnlistedCode("999", 3, 2, WeekClass.None), new UnlistedCode("7", 1, 1, WeekClass.None)],
            unlisted);
        Assert.Equal("999 (3 weeks, 2 persons) → None", unlisted[1].ToString());
    }

    [Fact]
    public void Given_only_listed_and_empty_codes_then_nothing_is_unlisted() =>
        Assert.Empty(UnlistedCodes.Find([W(A, 1, "651"), W(A, 2, ""), W(B, 2, "0421")], Listed)); // 0421 is read as 421

    [Fact]
    public async Task Given_the_contract_when_a_weeks_file_with_a_code_it_does_not_list_is_ingested_then_the_result_and_the_delivery_log_name_it()
    {
        var contract = ContractLoader.Load(await File.ReadAllTextAsync(PipelineTestHost.ContractPath), "impact60.contract.json");
        await using var host = await StorageTestHost.StartAsync(azurite, servicesOverride: s => s.AddSingleton(contract));

        var result = await host.Ingestion.IngestWeeksFileAsync(
            Csv(WeeksHeader, $"{Cpr(1)};2019-W14;999", $"{Cpr(1)};2019-W15;999", $"{Cpr(2)};2019-W14;999", $"{Cpr(2)};2019-W15;651", $"{Cpr(3)};2019-W15;130"),
            "weeks.csv", new DateOnly(2019, 6, 3));

        Assert.Equal(["999 (3 weeks, 2 persons) → None", "130 (1 week, 1 person) → None"], result.UnlistedCodes.Select(c => c.ToString()));
        Assert.Equal(0, result.RowsRejected); // not an error in the delivery: every week is stored
        Assert.Equal(["999 (3 weeks, 2 persons) → None", "130 (1 week, 1 person) → None"],
            Assert.Single(await host.Get<DeliveryLog>().ReadAllAsync()).UnlistedCodes);
    }
}
