using System.Text.Json.Nodes;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Functions.Functions;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>
/// Blob drop wiring: a file the jobcenter drops into the register inbox becomes one message on the ingest queue,
/// through the storage account's Event Grid system topic, delivered with the topic's own identity.
/// </summary>
[Collection(MainTemplateCollection.Name)]
public sealed class InboxEventsTests(CompiledMainTemplate main)
{
    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void The_storage_account_has_an_Event_Grid_system_topic_with_its_own_identity(bool vnetEnabled)
    {
        var (template, topic) = main.In(vnetEnabled).ResourcesOfType("Microsoft.EventGrid/systemTopics").Single();

        Assert.Equal("Microsoft.Storage.StorageAccounts", topic["properties"]!["topicType"]!.GetValue<string>());
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]", topic["properties"]!["source"]!.GetValue<string>());
        Assert.Equal("[variables('names').storageAccount]", template.ModuleCall!["properties"]!["parameters"]!["storageAccountName"]!["value"]!.GetValue<string>());
        Assert.Equal("SystemAssigned", topic["identity"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void A_blob_created_in_the_register_inbox_is_delivered_to_the_ingest_queue_in_the_Event_Grid_schema(bool vnetEnabled)
    {
        var (template, subscription) = Subscription(vnetEnabled);
        var properties = subscription["properties"]!;
        var delivery = properties["deliveryWithResourceIdentity"]!;
        var filter = properties["filter"]!;

        Assert.Equal("EventGridSchema", properties["eventDeliverySchema"]!.GetValue<string>());
        Assert.Equal("SystemAssigned", delivery["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("StorageQueue", delivery["destination"]!["endpointType"]!.GetValue<string>());
        var queue = delivery["destination"]!["properties"]!;
        Assert.Equal(StorageNames.Queues.Ingest, template.ResolveString(queue["queueName"]));
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]", queue["resourceId"]!.GetValue<string>());
        Assert.Equal(-1, queue["queueMessageTimeToLiveInSeconds"]!.GetValue<int>()); // a drop never expires unread
        // No endpoint secret and no SAS: the only destination is the identity-based one.
        Assert.Null(properties["destination"]);

        Assert.Equal(["Microsoft.Storage.BlobCreated"], filter["includedEventTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("[format('/blobServices/default/containers/{0}/blobs/', parameters('inboxContainerName'))]", filter["subjectBeginsWith"]!.GetValue<string>());
        Assert.Equal(StorageNames.Containers.RegisterInbox, template.ResolveString(JsonValue.Create("[parameters('inboxContainerName')]")));
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void The_processors_own_error_reports_are_not_announced(bool vnetEnabled)
    {
        var (template, subscription) = Subscription(vnetEnabled);

        var filter = Assert.Single(subscription["properties"]!["filter"]!["advancedFilters"]!.AsArray())!;
        Assert.Equal("StringNotEndsWith", filter["operatorType"]!.GetValue<string>());
        Assert.Equal("subject", filter["key"]!.GetValue<string>());
        var suffix = Assert.Single(filter["values"]!.AsArray());
        Assert.Equal(InboxProcessor.ErrorSuffix, template.ResolveString(suffix));
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void An_event_that_cannot_be_delivered_is_dead_lettered_with_the_topics_identity_after_Event_Grids_retries(bool vnetEnabled)
    {
        var (template, subscription) = Subscription(vnetEnabled);
        var properties = subscription["properties"]!;
        var deadLetter = properties["deadLetterWithResourceIdentity"]!;

        Assert.Equal("SystemAssigned", deadLetter["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("StorageBlob", deadLetter["deadLetterDestination"]!["endpointType"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(template.ResolveString(deadLetter["deadLetterDestination"]!["properties"]!["blobContainerName"])));
        Assert.Equal(1440, properties["retryPolicy"]!["eventTimeToLiveInMinutes"]!.GetValue<int>());
        Assert.Null(properties["deadLetterDestination"]);
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void The_subscription_is_created_after_the_role_that_lets_the_topic_send_to_the_queue(bool vnetEnabled)
    {
        var (template, _) = Subscription(vnetEnabled);

        var dependsOn = template.ModuleCall!["dependsOn"]!.AsArray().Select(d => d!.GetValue<string>());
        Assert.Contains(dependsOn, d => d.Contains("'roles')", StringComparison.Ordinal));
        var roles = main.In(vnetEnabled).Modules.Single(m => m.ModuleName == "roles");
        Assert.Contains(roles.OwnResources, r => r["name"]!.GetValue<string>().Contains("inboxEventsPrincipalId", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void The_blob_created_event_goes_to_the_queue_the_inbox_function_is_triggered_by(bool vnetEnabled)
    {
        var (template, subscription) = Subscription(vnetEnabled);
        var queue = template.ResolveString(subscription["properties"]!["deliveryWithResourceIdentity"]!["destination"]!["properties"]!["queueName"]);

        var trigger = Assert.Single(FunctionsMetadata.Bindings, b => b.Function == nameof(RegisterInboxIngest) && b.Type == "queueTrigger");
        Assert.Equal(trigger.QueueName, queue);
    }

    private (ArmTemplate Template, JsonObject Subscription) Subscription(bool vnetEnabled) =>
        main.In(vnetEnabled).ResourcesOfType("Microsoft.EventGrid/systemTopics/eventSubscriptions").Single();
}
