using System.Text.Json.Nodes;
using Impact60.Application.Ingestion;
using Impact60.Application.Pipeline;
using Impact60.Application.Tests.Settlement;
using Impact60.Application.Tests.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>The ingestion's referral rules come from the contract in force, through the app's own composition.</summary>
public sealed class IngestionContractWiringTests
{
    [Theory]
    [InlineData(false, 52, null)]
    [InlineData(true, 10, 80)]
    public void Given_a_contract_when_the_pipeline_is_composed_then_ingestion_takes_its_referral_cap_re_referral_rule_and_course_end_horizon(
        bool allowReReferral, int horizon, int? referralCap)
    {
        var contract = JsonNode.Parse(File.ReadAllText(PipelineTestHost.ContractPath))!.AsObject();
        if (allowReReferral) contract["allowReReferral"] = true;
        if (horizon != 52) contract["maxCourseEndWeeksAhead"] = horizon;
        if (referralCap is { } cap) contract["referralCap"] = cap;
        var path = Path.Combine(Directory.CreateTempSubdirectory("impact60-contract-").FullName, "contract.json");
        File.WriteAllText(path, contract.ToJsonString());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Pseudonymisation:Key"] = StorageTestHost.TestKey,
            ["Contract:Path"] = path,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddImpact60Pipeline(configuration);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<IngestionOptions>>().Value;

        Assert.Equal(((int?)(referralCap ?? 120), allowReReferral, horizon), (options.ReferralCap, options.AllowReReferral, options.MaxCourseEndWeeksAhead));
    }
}
