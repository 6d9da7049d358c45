using Impact60.Application.Configuration;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>The Bicep creates exactly the containers, queues and tables in StorageNames, and keeps records WORM.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class StorageNamesTests(CompiledMainTemplate main)
{
    [Fact]
    public void The_deployed_containers_are_exactly_StorageNames_Containers_and_the_inbox_events_dead_letter_container()
    {
        // The one container the app never touches: Event Grid writes undeliverable inbox events there.
        var (subscriptionTemplate, subscription) = main.Arm.ResourcesOfType("Microsoft.EventGrid/systemTopics/eventSubscriptions").Single();
        var deadLetters = subscriptionTemplate.ResolveString(
            subscription["properties"]!["deadLetterWithResourceIdentity"]!["deadLetterDestination"]!["properties"]!["blobContainerName"])!;
        Assert.DoesNotContain(deadLetters, StorageNames.Containers.All);

        Assert.Equal(StorageNames.Containers.All.Append(deadLetters).Order(), NamesOf("Microsoft.Storage/storageAccounts/blobServices/containers").Order());
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
    public void Evidence_and_documents_are_WORM_for_six_calendar_years_by_default_and_blobs_are_versioned()
    {
        var policies = main.Arm.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies").ToList();

        // The policy loop runs over the containers its parent loop creates: read the container names from there.
        var (template, policy) = Assert.Single(policies);
        Assert.Contains("[copyIndex()]", policy["name"]!.GetValue<string>(), StringComparison.Ordinal);
        var protectedContainers = template.NamesOf(policy);
        Assert.Equal(new[] { StorageNames.Containers.Evidence, StorageNames.Containers.Documents }.Order(), protectedContainers.Order());

        var days = template.Resolve(policy["properties"]!["immutabilityPeriodSinceCreationInDays"]);
        Assert.Equal(LongestBookkeepingPeriodInDays(), days!.GetValue<int>());
        Assert.False(policy["properties"]!["allowProtectedAppendWrites"]!.GetValue<bool>());

        var (_, blobService) = main.Arm.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices").Single();
        Assert.True(blobService["properties"]!["isVersioningEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public void The_retention_is_a_parameter_of_main_bicep()
    {
        var retention = main.Arm.Parameters["retentionDays"]!;

        Assert.Equal("int", retention["type"]!.GetValue<string>());
        Assert.Equal(LongestBookkeepingPeriodInDays(), retention["defaultValue"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(2027)]
    [InlineData(2028)]
    public void Given_a_record_written_on_1_January_of_a_span_with_two_leap_days_then_it_stays_protected_to_the_end_of_the_fifth_year_after(int year)
    {
        // 2027-2032 holds 29 February 2028 and 2032; 2028-2033 the same two. 2191 days (one leap day) would end on 31 December.
        var written = new DateOnly(year, 1, 1);
        var retention = main.Arm.Parameters["retentionDays"]!["defaultValue"]!.GetValue<int>();

        var protectedUntil = written.AddDays(retention); // the first day the blob may be changed again
        Assert.True(protectedUntil >= new DateOnly(year + 6, 1, 1), $"protection ends {protectedUntil:yyyy-MM-dd}");
        Assert.Equal(2192, LongestBookkeepingPeriodInDays());
    }

    /// <summary>
    /// Bogføringsloven § 12: material is kept 5 years from the end of the financial year (the calendar year) it
    /// concerns. A record written on 1 January of year Y must last to the end of Y+5: the longest such period,
    /// over every year in this century, in days.
    /// </summary>
    private static int LongestBookkeepingPeriodInDays() =>
        Enumerable.Range(2000, 100).Max(y => new DateOnly(y + 6, 1, 1).DayNumber - new DateOnly(y, 1, 1).DayNumber);

    private List<string> NamesOf(string type) =>
        main.Arm.ResourcesOfType(type).SelectMany(x => x.Template.NamesOf(x.Resource)).ToList();
}
