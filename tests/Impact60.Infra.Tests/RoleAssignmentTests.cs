using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Impact60.Application.Configuration;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>Least privilege: each role on the one resource it is about, named guid(scope, principalId, roleId).</summary>
[Collection(MainTemplateCollection.Name)]
public sealed partial class RoleAssignmentTests(CompiledMainTemplate main)
{
    // Built-in role definition ids (identical in every tenant).
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string StorageQueueDataMessageSender = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Every_role_assignment_is_scoped_to_a_resource_never_the_resource_group_or_subscription(bool vnetEnabled)
    {
        Assert.NotEmpty(main.In(vnetEnabled).ResourcesOfType("Microsoft.Authorization/roleAssignments"));
        Assert.Empty(TemplateChecks.RoleAssignmentsNotScopedToAResource(main.In(vnetEnabled)));
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Every_role_assignment_is_named_guid_of_its_scope_principal_and_role(bool vnetEnabled)
    {
        Assert.All(Assignments(vnetEnabled), a =>
        {
            Assert.Equal(a.Scope, a.NameScope);
            Assert.EndsWith("PrincipalId", a.Principal, StringComparison.Ordinal);
        });
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void The_app_identity_gets_exactly_the_data_roles_it_needs_each_on_its_resource(bool vnetEnabled)
    {
        var appRoles = Assignments(vnetEnabled).Where(a => a.Principal == "appPrincipalId")
            .Select(a => (a.RoleId, a.ScopeType))
            .Order()
            .ToList();

        Assert.Equal(
            new[]
            {
                (StorageBlobDataOwner, "Microsoft.Storage/storageAccounts"),
                (StorageQueueDataContributor, "Microsoft.Storage/storageAccounts"),
                (StorageTableDataContributor, "Microsoft.Storage/storageAccounts"),
                (ServiceBusDataSender, "Microsoft.ServiceBus/namespaces/topics"),
                (KeyVaultSecretsUser, "Microsoft.KeyVault/vaults"),
                (MonitoringMetricsPublisher, "Microsoft.Insights/components"),
            }.Order(),
            appRoles);
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void The_operator_may_only_manage_secrets_in_the_vault_and_only_when_named(bool vnetEnabled)
    {
        var (template, operatorAssignment) = main.In(vnetEnabled).ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Single(x => x.Resource["name"]!.GetValue<string>().Contains("operatorPrincipalId", StringComparison.Ordinal));

        Assert.Contains(KeyVaultSecretsOfficer, template.Variables["roles"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("[not(empty(parameters('operatorPrincipalId')))]", operatorAssignment["condition"]!.GetValue<string>());
        Assert.StartsWith("[resourceId('Microsoft.KeyVault/vaults'", operatorAssignment["scope"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void The_inbox_topic_may_only_add_queue_messages_and_write_dead_letters_into_their_container(bool vnetEnabled)
    {
        var topicRoles = Assignments(vnetEnabled).Where(a => a.Principal == "inboxEventsPrincipalId")
            .Select(a => (a.RoleId, a.ScopeType, a.Scope))
            .ToList();

        Assert.Equal(2, topicRoles.Count);
        Assert.Contains((StorageQueueDataMessageSender, "Microsoft.Storage/storageAccounts", "resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))"), topicRoles);
        Assert.Contains((StorageBlobDataContributor, "Microsoft.Storage/storageAccounts/blobServices/containers",
            "resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageAccountName'), 'default', parameters('deadLetterContainerName'))"), topicRoles);

        // The principal is the system topic's own identity, passed from its module's output.
        var roles = main.In(vnetEnabled).Modules.Single(m => m.ModuleName == "roles");
        Assert.Equal("[reference(resourceId('Microsoft.Resources/deployments', 'eventgrid-topic'), '2025-04-01').outputs.principalId.value]",
            roles.ModuleCall!["properties"]!["parameters"]!["inboxEventsPrincipalId"]!["value"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void The_jobcenters_uploader_may_write_only_into_the_register_inbox_and_only_when_named(bool vnetEnabled)
    {
        var (template, uploader) = main.In(vnetEnabled).ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Single(x => x.Resource["name"]!.GetValue<string>().Contains("inboxUploaderPrincipalId", StringComparison.Ordinal));

        Assert.Equal("[not(empty(parameters('inboxUploaderPrincipalId')))]", uploader["condition"]!.GetValue<string>());
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageAccountName'), 'default', parameters('inboxContainerName'))]",
            uploader["scope"]!.GetValue<string>());
        Assert.Equal(StorageNames.Containers.RegisterInbox, template.ResolveString(JsonValue.Create("[parameters('inboxContainerName')]")));
        Assert.Equal(StorageBlobDataContributor, template.Variables["roles"]!["storageBlobDataContributor"]!.GetValue<string>());
        Assert.Contains("storageBlobDataContributor", uploader["properties"]!["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);
        // Optional in main.bicep: empty means no assignment.
        Assert.Equal("", main.In(vnetEnabled).Parameters["inboxUploaderPrincipalId"]!["defaultValue"]!.GetValue<string>());
    }

    private sealed record Assignment(string Scope, string NameScope, string ScopeType, string Principal, string RoleId);

    private List<Assignment> Assignments(bool vnetEnabled) =>
        main.In(vnetEnabled).ResourcesOfType("Microsoft.Authorization/roleAssignments").Select(x =>
        {
            var name = x.Resource["name"]!.GetValue<string>();
            var match = GuidName().Match(name);
            Assert.True(match.Success, $"role assignment name {name} is not guid(scope, principalId, roleId)");
            var scope = x.Resource["scope"]!.GetValue<string>();
            var roleKey = match.Groups["role"].Value;
            var roleId = x.Template.Variables["roles"]![roleKey]!.GetValue<string>();
            var roleDefinition = x.Resource["properties"]!["roleDefinitionId"]!.GetValue<string>();
            Assert.Contains($"variables('roles').{roleKey}", roleDefinition, StringComparison.Ordinal);
            return new Assignment(
                scope.Trim('[', ']'),
                match.Groups["scope"].Value,
                ScopeType().Match(scope).Groups["type"].Value,
                match.Groups["principal"].Value,
                roleId);
        }).ToList();

    [GeneratedRegex(@"^\[guid\((?<scope>resourceId\(.*\)), parameters\('(?<principal>\w+)'\), variables\('roles'\)\.(?<role>\w+)\)\]$")]
    private static partial Regex GuidName();

    [GeneratedRegex(@"^\[resourceId\('(?<type>[^']+)'")]
    private static partial Regex ScopeType();
}
