using System.Text.Json.Nodes;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>
/// Audit logs where an auditor looks: each resource that holds or moves personal data or money sends its resource
/// logs to the one Log Analytics workspace, which keeps them for the retention main.bicep states.
/// </summary>
[Collection(MainTemplateCollection.Name)]
public sealed class AuditLogsTests(CompiledMainTemplate main)
{
    public static TheoryData<bool, string, string[]> AuditedServices => new()
    {
        // Who read the pseudonymisation key (SecretGet), and every other vault operation.
        { false, "Microsoft.KeyVault/vaults", ["AuditEvent"] },
        { true, "Microsoft.KeyVault/vaults", ["AuditEvent"] },
        // Who read, wrote or deleted a blob: evidence (raw deliveries with CPR numbers) and documents above all.
        { false, "Microsoft.Storage/storageAccounts/blobServices", ["StorageRead", "StorageWrite", "StorageDelete"] },
        { true, "Microsoft.Storage/storageAccounts/blobServices", ["StorageRead", "StorageWrite", "StorageDelete"] },
        // The poison-queue alert's source.
        { false, "Microsoft.Storage/storageAccounts/queueServices", ["StorageWrite"] },
        { true, "Microsoft.Storage/storageAccounts/queueServices", ["StorageWrite"] },
        { false, "Microsoft.Web/sites", ["FunctionAppLogs"] },
        { true, "Microsoft.Web/sites", ["FunctionAppLogs"] },
        // Standard writes management operations only; Premium (private networking) also who sent and received.
        { false, "Microsoft.ServiceBus/namespaces", ["OperationalLogs"] },
        { true, "Microsoft.ServiceBus/namespaces", ["OperationalLogs", "RuntimeAuditLogs", "VNetAndIPFilteringLogs"] },
        { false, "Microsoft.EventGrid/systemTopics", ["DeliveryFailures"] },
        { true, "Microsoft.EventGrid/systemTopics", ["DeliveryFailures"] },
    };

    [Theory]
    [MemberData(nameof(AuditedServices))]
    public void Each_audited_service_sends_its_log_categories_to_the_workspace(bool vnetEnabled, string scopeType, string[] categories)
    {
        var arm = main.In(vnetEnabled);
        var (template, setting) = Assert.Single(arm.ResourcesOfType("Microsoft.Insights/diagnosticSettings"),
            d => d.Resource["scope"]!.GetValue<string>().StartsWith($"[resourceId('{scopeType}',", StringComparison.Ordinal));
        var properties = setting["properties"]!;

        var logs = template.Resolve(properties["logs"])!.AsArray();
        Assert.Equal(categories, logs.Select(l => l!["category"]!.GetValue<string>()));
        Assert.All(logs, l => Assert.True(l!["enabled"]!.GetValue<bool>()));
        Assert.Equal("[parameters('workspaceId')]", properties["workspaceId"]!.GetValue<string>());
        // The workspace is the one monitoring.bicep creates, not another one.
        Assert.Equal("[reference(resourceId('Microsoft.Resources/deployments', 'monitoring'), '2025-04-01').outputs.workspaceId.value]",
            template.ModuleCall!["properties"]!["parameters"]!["workspaceId"]!["value"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Every_diagnostic_setting_is_one_of_the_audited_services(bool vnetEnabled)
    {
        var scopes = main.In(vnetEnabled).ResourcesOfType("Microsoft.Insights/diagnosticSettings")
            .Select(d => d.Resource["scope"]!.GetValue<string>().Split('\'')[1])
            .Order();

        Assert.Equal(AuditedServices.Select(row => (string)row[1]).Distinct().Order(), scopes);
    }

    [Fact]
    public void The_workspace_keeps_every_log_for_the_retention_main_bicep_states_a_year_by_default()
    {
        var (template, workspace) = main.Arm.ResourcesOfType("Microsoft.OperationalInsights/workspaces").Single();

        Assert.Equal("[parameters('retentionInDays')]", workspace["properties"]!["retentionInDays"]!.GetValue<string>());
        Assert.Equal(365, template.Resolve(workspace["properties"]!["retentionInDays"])!.GetValue<int>());
        Assert.Equal(365, main.Arm.Parameters["logRetentionDays"]!["defaultValue"]!.GetValue<int>());
        // Application Insights is workspace-based: its telemetry lives (and is kept) in the same workspace.
        var (_, component) = main.Arm.ResourcesOfType("Microsoft.Insights/components").Single();
        Assert.Contains("Microsoft.OperationalInsights/workspaces", component["properties"]!["WorkspaceResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_retention_given_at_deployment_then_the_workspace_keeps_logs_that_long()
    {
        var arm = ArmTemplate.Parse(main.Build.StandardOutput, new Dictionary<string, JsonNode?> { ["logRetentionDays"] = 730 });
        var (template, workspace) = arm.ResourcesOfType("Microsoft.OperationalInsights/workspaces").Single();

        Assert.Equal(730, template.Resolve(workspace["properties"]!["retentionInDays"])!.GetValue<int>());
    }
}
