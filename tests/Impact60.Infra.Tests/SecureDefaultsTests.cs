using System.Text.Json.Nodes;
using Impact60.Application.Events;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>What infra/main.bicep deploys is locked down by default: read from the compiled ARM template.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class SecureDefaultsTests(CompiledMainTemplate main)
{
    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Storage_accepts_no_shared_keys_no_anonymous_access_and_only_https_with_TLS_1_2(bool vnetEnabled)
    {
        var storage = SingleProperties(vnetEnabled, "Microsoft.Storage/storageAccounts");

        Assert.False(storage["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", storage["minimumTlsVersion"]!.GetValue<string>());
        Assert.False(storage["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.True(storage["supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void No_container_allows_anonymous_access(bool vnetEnabled)
    {
        var containers = main.In(vnetEnabled).ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers").ToList();

        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.Equal("None", c.Resource["properties"]?["publicAccess"]?.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Service_bus_refuses_SAS_keys_requires_TLS_1_2_and_detects_duplicate_settlements(bool vnetEnabled)
    {
        var (namespaceTemplate, serviceBus) = main.In(vnetEnabled).ResourcesOfType("Microsoft.ServiceBus/namespaces").Single();
        var properties = serviceBus["properties"]!;
        Assert.True(properties["disableLocalAuth"]!.GetValue<bool>());
        Assert.Equal("1.2", properties["minimumTlsVersion"]!.GetValue<string>());
        // Standard; Premium with private networking (private endpoints need it).
        Assert.Equal(vnetEnabled ? "Premium" : "Standard", namespaceTemplate.Resolve(serviceBus["sku"])!["name"]!.GetValue<string>());

        var (topicTemplate, topic) = main.In(vnetEnabled).ResourcesOfType("Microsoft.ServiceBus/namespaces/topics").Single();
        // The topic the publisher sends to, not a copy of its name.
        Assert.Equal(SettlementEventPublisher.Topic, topicTemplate.NamesOf(topic).Single());
        Assert.True(topic["properties"]!["requiresDuplicateDetection"]!.GetValue<bool>());
        Assert.Equal("P7D", topic["properties"]!["duplicateDetectionHistoryTimeWindow"]!.GetValue<string>());

        var (subscriptionTemplate, subscriptions) = main.In(vnetEnabled).ResourcesOfType("Microsoft.ServiceBus/namespaces/topics/subscriptions").Single();
        Assert.Equal(["fokus", "funds", "finance"], subscriptionTemplate.NamesOf(subscriptions));
        Assert.Same(namespaceTemplate, topicTemplate);
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Key_vault_uses_RBAC_soft_delete_and_purge_protection(bool vnetEnabled)
    {
        var vault = SingleProperties(vnetEnabled, "Microsoft.KeyVault/vaults");

        Assert.True(vault["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(vault["enableSoftDelete"]!.GetValue<bool>());
        Assert.True(vault["enablePurgeProtection"]!.GetValue<bool>());
        Assert.Null(vault["accessPolicies"]);
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Key_vault_holds_no_secret_values_in_the_template(bool vnetEnabled)
    {
        // The operator sets the secrets after deployment (infra/README.md): no secrets resource at all.
        Assert.Empty(main.In(vnetEnabled).ResourcesOfType("Microsoft.KeyVault/vaults/secrets"));
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Application_insights_accepts_only_Entra_authenticated_telemetry(bool vnetEnabled)
    {
        var component = SingleProperties(vnetEnabled, "Microsoft.Insights/components");

        Assert.True(component["DisableLocalAuth"]!.GetValue<bool>());
        Assert.NotNull(component["WorkspaceResourceId"]);
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Log_analytics_accepts_only_Entra_authenticated_queries(bool vnetEnabled)
    {
        var workspace = SingleProperties(vnetEnabled, "Microsoft.OperationalInsights/workspaces");

        Assert.True(workspace["features"]!["disableLocalAuth"]!.GetValue<bool>());
        Assert.True(workspace["features"]!["enableLogAccessUsingOnlyResourcePermissions"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Function_app_runs_dotnet_isolated_10_on_Flex_Consumption_as_its_user_assigned_identity(bool vnetEnabled)
    {
        var (_, plan) = main.In(vnetEnabled).ResourcesOfType("Microsoft.Web/serverfarms").Single();
        Assert.Equal("FC1", plan["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());

        var (_, site) = main.In(vnetEnabled).ResourcesOfType("Microsoft.Web/sites").Single();
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        var properties = site["properties"]!;
        Assert.Equal("[parameters('identityId')]", properties["keyVaultReferenceIdentity"]!.GetValue<string>());

        var config = properties["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", config["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("10.0", config["runtime"]!["version"]!.GetValue<string>());
        var deploymentStorage = config["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", deploymentStorage["type"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", deploymentStorage["authentication"]!["type"]!.GetValue<string>());
        Assert.Equal("[parameters('identityId')]", deploymentStorage["authentication"]!["userAssignedIdentityResourceId"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Function_app_is_HTTPS_only_with_TLS_1_2_and_no_plain_FTP(bool vnetEnabled)
    {
        var (_, site) = main.In(vnetEnabled).ResourcesOfType("Microsoft.Web/sites").Single();
        var properties = site["properties"]!;
        var siteConfig = properties["siteConfig"]!;

        Assert.True(properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("1.2", siteConfig["minTlsVersion"]!.GetValue<string>());
        Assert.Equal("1.2", siteConfig["scmMinTlsVersion"]!.GetValue<string>());
        Assert.Contains(siteConfig["ftpsState"]!.GetValue<string>(), new[] { "Disabled", "FtpsOnly" });
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Function_app_allows_no_basic_auth_publishing(bool vnetEnabled)
    {
        var policies = main.In(vnetEnabled).ResourcesOfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(["ftp", "scm"], policies.Select(p => p.Template.NamesOf(p.Resource).Single()).Order());
        Assert.All(policies, p => Assert.False(p.Resource["properties"]!["allow"]!.GetValue<bool>()));
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void No_parameter_that_looks_like_a_secret_is_a_plain_string(bool vnetEnabled)
    {
        Assert.Empty(TemplateChecks.PlainSecretParameters(main.In(vnetEnabled)));
        // And the rule is not vacuous: the names it would catch are recognised.
        Assert.True(TemplateChecks.LooksLikeSecretParameter("sendGridApiKey"));
        Assert.True(TemplateChecks.LooksLikeSecretParameter("pseudonymisationKey"));
        Assert.True(TemplateChecks.LooksLikeSecretParameter("applicationInsightsConnectionString"));
        Assert.False(TemplateChecks.LooksLikeSecretParameter("keyVaultName"));
        Assert.False(TemplateChecks.LooksLikeSecretParameter("registerApiKeyHeader"));
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Every_secret_app_setting_is_a_Key_Vault_reference_to_its_named_secret(bool vnetEnabled)
    {
        var settings = TemplateChecks.AppSettings(main.In(vnetEnabled));

        Assert.Empty(TemplateChecks.SecretAppSettingsNotFromKeyVault(main.In(vnetEnabled)));
        var secretSettings = settings.Where(s => TemplateChecks.LooksLikeSecretSetting(s.Key))
            .ToDictionary(s => s.Key, s => TemplateChecks.KeyVaultSecretName(s.Value));
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["Pseudonymisation__Key"] = "PseudonymisationKey",
                ["Register__ApiKey"] = "RegisterApiKey",
                ["SendGrid__ApiKey"] = "SendGridApiKey",
            },
            secretSettings);
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void No_app_setting_is_a_connection_string_with_a_key(bool vnetEnabled)
    {
        // Storage and Service Bus are identity-based; the only connection string left is App Insights', which
        // carries no usable credential once local auth is disabled.
        var settings = TemplateChecks.AppSettings(main.In(vnetEnabled));

        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]!.GetValue<string>());
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"));
        Assert.False(settings.ContainsKey("ServiceBusConnection"));
        Assert.Equal("[parameters('serviceBusNamespace')]", settings["ServiceBusConnection__fullyQualifiedNamespace"]!.GetValue<string>());
        Assert.DoesNotContain(settings.Values, v => v?.ToJsonString().Contains("AccountKey", StringComparison.OrdinalIgnoreCase) == true);
        Assert.DoesNotContain(settings.Values, v => v?.ToJsonString().Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase) == true);
        Assert.DoesNotContain(settings.Values, v => v?.ToJsonString().Contains("listKeys", StringComparison.OrdinalIgnoreCase) == true);
        Assert.Equal("[format('Authorization=AAD;ClientId={0}', parameters('identityClientId'))]",
            settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Outputs_carry_no_keys(bool vnetEnabled)
    {
        var outputs = main.In(vnetEnabled).AllTemplates().SelectMany(t => (t.Root["outputs"]?.AsObject() ?? []).Select(o => o.Value!.ToJsonString()));

        Assert.DoesNotContain(outputs, o => o.Contains("listKeys", StringComparison.OrdinalIgnoreCase)
                                             || o.Contains("listConnectionStrings", StringComparison.OrdinalIgnoreCase));
    }

    private JsonNode SingleProperties(bool vnetEnabled, string type) => main.In(vnetEnabled).ResourcesOfType(type).Single().Resource["properties"]!;
}
