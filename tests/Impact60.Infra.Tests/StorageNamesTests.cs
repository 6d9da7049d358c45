using Impact60.Application.Configuration;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>The Bicep creates exactly the containers, queues and tables in StorageNames, and keeps records WORM.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class StorageNamesTests(CompiledMainTemplate main)
{
    [Fact]
    public void The_deployed_containers_are_exactly_StorageNames_Containers()
    {
        Assert.Equal(StorageNames.Containers.All.Order(), NamesOf("Microsoft.Storage/storageAccounts/blobServices/containers").Order());
    }

    [Fact]
    public void The_deployed_queues_are_exactly_StorageNames_Queues_including_every_poison_queue()
    {
        var queues = NamesOf("Microsoft.Storage/storageAccounts/queueServices/queues");

        Assert.Equal(StorageNames.Queues.All.Order(), queues.Order());
        // Every trigger queue has its poison queue, so the poison-queue alert can see it.
        Assert.All(queues.Where(q => !q.EndsWith("-poison", StringComparison.Ordinal)), q => Assert.Contains($"{q}-poison", queues));
    }

    [Fact]
    public void The_deployed_tables_are_exactly_StorageNames_Tables()
    {
        Assert.Equal(StorageNames.Tables.All.Order(), NamesOf("Microsoft.Storage/storageAccounts/tableServices/tables").Order());
    }

    [Fact]
    public void Evidence_and_documents_are_WORM_for_six_years_by_default_and_blobs_are_versioned()
    {
        var policies = main.Arm.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies").ToList();

        // The policy loop runs over the containers its parent loop creates: read the container names from there.
        var (template, policy) = Assert.Single(policies);
        Assert.Contains("[copyIndex()]", policy["name"]!.GetValue<string>(), StringComparison.Ordinal);
        var protectedContainers = template.NamesOf(policy);
        Assert.Equal(new[] { StorageNames.Containers.Evidence, StorageNames.Containers.Documents }.Order(), protectedContainers.Order());

        // Bogføringsloven § 12: 5 years after the end of the financial year = up to 6 years; 6 * 365 + 1 = 2191 days.
        var days = template.Resolve(policy["properties"]!["immutabilityPeriodSinceCreationInDays"]);
        Assert.Equal(2191, days!.GetValue<int>());
        Assert.False(policy["properties"]!["allowProtectedAppendWrites"]!.GetValue<bool>());

        var (_, blobService) = main.Arm.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices").Single();
        Assert.True(blobService["properties"]!["isVersioningEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public void The_retention_is_a_parameter_of_main_bicep()
    {
        var retention = main.Arm.Parameters["retentionDays"]!;

        Assert.Equal("int", retention["type"]!.GetValue<string>());
        Assert.Equal(2191, retention["defaultValue"]!.GetValue<int>());
    }

    private List<string> NamesOf(string type) =>
        main.Arm.ResourcesOfType(type).SelectMany(x => x.Template.NamesOf(x.Resource)).ToList();
}
