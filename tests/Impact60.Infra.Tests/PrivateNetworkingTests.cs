using System.Text.Json.Nodes;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>
/// Private networking as an option (main.bicep's vnetEnabled): off, nothing of it is deployed; on, the app is
/// integrated into a virtual network and reaches storage, Key Vault and Service Bus through private endpoints, and
/// public callers are let in only by address (and, for storage, Event Grid as a trusted service).
/// </summary>
[Collection(MainTemplateCollection.Name)]
public sealed class PrivateNetworkingTests(CompiledMainTemplate main)
{
    private static readonly string[] NetworkTypes =
    [
        "Microsoft.Network/virtualNetworks",
        "Microsoft.Network/privateEndpoints",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        "Microsoft.Network/privateDnsZones",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "Microsoft.Network/natGateways",
        "Microsoft.Network/publicIPAddresses",
        "Microsoft.Network/networkSecurityGroups",
        "Microsoft.ServiceBus/namespaces/networkRuleSets",
    ];

    [Fact]
    public void Private_networking_is_off_by_default()
    {
        Assert.False(main.Arm.Parameters["vnetEnabled"]!["defaultValue"]!.GetValue<bool>());
    }

    [Fact]
    public void Given_public_networking_then_no_network_resource_is_deployed_and_the_app_is_not_integrated()
    {
        var arm = main.In(vnetEnabled: false);

        Assert.DoesNotContain(arm.AllResources(), r => NetworkTypes.Contains(ArmTemplate.Type(r.Resource)));
        var (template, site) = arm.ResourcesOfType("Microsoft.Web/sites").Single();
        Assert.Null(template.Resolve(site["properties"]!["virtualNetworkSubnetId"]));
        Assert.False(template.Resolve(site["properties"]!["siteConfig"]!["vnetRouteAllEnabled"])!.GetValue<bool>());
    }

    [Fact]
    public void Given_private_networking_then_the_app_is_integrated_into_a_subnet_delegated_to_Flex_Consumption_with_a_NAT_gateway()
    {
        var arm = main.In(vnetEnabled: true);
        var (network, vnet) = arm.ResourcesOfType("Microsoft.Network/virtualNetworks").Single();
        var subnets = vnet["properties"]!["subnets"]!.AsArray();
        var appSubnetName = network.ResolveString(JsonValue.Create("[parameters('appSubnetName')]"));
        var appSubnet = subnets.Single(s => network.ResolveString(s!["name"]) == appSubnetName)!;

        var delegation = Assert.Single(appSubnet["properties"]!["delegations"]!.AsArray())!;
        Assert.Equal("Microsoft.App/environments", delegation["properties"]!["serviceName"]!.GetValue<string>());
        Assert.Contains("Microsoft.Network/natGateways", appSubnet["properties"]!["natGateway"]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(appSubnet["properties"]!["defaultOutboundAccess"]!.GetValue<bool>());
        Assert.All(subnets, s => Assert.Contains("Microsoft.Network/networkSecurityGroups", s!["properties"]!["networkSecurityGroup"]!["id"]!.GetValue<string>(), StringComparison.Ordinal));

        // The site is given that subnet, and routes all traffic into it (Key Vault references over the private endpoint).
        var (functionApp, site) = arm.ResourcesOfType("Microsoft.Web/sites").Single();
        Assert.Equal("[if(parameters('vnetEnabled'), createObject('value', resourceId('Microsoft.Network/virtualNetworks/subnets', variables('names').vnet, variables('names').appSubnet)), createObject('value', ''))]",
            functionApp.ModuleCall!["properties"]!["parameters"]!["virtualNetworkSubnetId"]!.GetValue<string>());
        Assert.Equal("[variables('names').appSubnet]", network.ModuleCall!["properties"]!["parameters"]!["appSubnetName"]!["value"]!.GetValue<string>());
        Assert.Equal("[variables('names').vnet]", network.ModuleCall!["properties"]!["parameters"]!["name"]!["value"]!.GetValue<string>());
        Assert.Equal("[if(empty(parameters('virtualNetworkSubnetId')), null(), parameters('virtualNetworkSubnetId'))]", site["properties"]!["virtualNetworkSubnetId"]!.GetValue<string>());
        Assert.Equal("[not(empty(parameters('virtualNetworkSubnetId')))]", site["properties"]!["siteConfig"]!["vnetRouteAllEnabled"]!.GetValue<string>());
        // The site is created after the network, so its private endpoints exist when the host starts.
        Assert.Contains(functionApp.ModuleCall!["dependsOn"]!.AsArray(), d => d!.GetValue<string>().Contains("'network')", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_private_networking_then_storage_Key_Vault_and_Service_Bus_each_have_private_endpoints_resolved_through_their_privatelink_zone()
    {
        var arm = main.In(vnetEnabled: true);
        var (network, endpoints) = arm.ResourcesOfType("Microsoft.Network/privateEndpoints").Single();
        var declared = network.Variables["endpoints"]!.AsArray()
            .Select(e => (Group: e!["groupId"]!.GetValue<string>(), Target: e["target"]!.GetValue<string>(), Zone: e["zone"]!.GetValue<string>()))
            .ToList();

        Assert.Equal(
            [
                ("blob", "storage", "[format('privatelink.blob.{0}', environment().suffixes.storage)]"),
                ("queue", "storage", "[format('privatelink.queue.{0}', environment().suffixes.storage)]"),
                ("table", "storage", "[format('privatelink.table.{0}', environment().suffixes.storage)]"),
                ("vault", "keyVault", "privatelink.vaultcore.azure.net"),
                ("namespace", "serviceBus", "privatelink.servicebus.windows.net"),
            ],
            declared);
        Assert.Equal("[variables('endpoints')[copyIndex()].groupId]",
            Assert.Single(endpoints["properties"]!["privateLinkServiceConnections"]!.AsArray()!)!["properties"]!["groupIds"]![0]!.GetValue<string>());
        // Each target id is the resource main.bicep deploys under that name.
        var call = network.ModuleCall!["properties"]!["parameters"]!;
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts', variables('names').storageAccount)]", call["storageAccountId"]!["value"]!.GetValue<string>());
        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults', variables('names').keyVault)]", call["keyVaultId"]!["value"]!.GetValue<string>());
        Assert.Equal("[resourceId('Microsoft.ServiceBus/namespaces', variables('names').serviceBus)]", call["serviceBusNamespaceId"]!["value"]!.GetValue<string>());

        // One zone per endpoint, linked to the network, and each endpoint registered in its own zone.
        var (_, zones) = arm.ResourcesOfType("Microsoft.Network/privateDnsZones").Single();
        Assert.Equal("[variables('endpoints')[copyIndex()].zone]", zones["name"]!.GetValue<string>());
        var (_, links) = arm.ResourcesOfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks").Single();
        Assert.False(links["properties"]!["registrationEnabled"]!.GetValue<bool>());
        Assert.Contains("Microsoft.Network/virtualNetworks", links["properties"]!["virtualNetwork"]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, groups) = arm.ResourcesOfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").Single();
        Assert.Equal("[resourceId('Microsoft.Network/privateDnsZones', variables('endpoints')[copyIndex()].zone)]",
            Assert.Single(groups["properties"]!["privateDnsZoneConfigs"]!.AsArray())!["properties"]!["privateDnsZoneId"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void Storage_keeps_the_trusted_services_exception_Event_Grid_delivers_the_inbox_events_through(bool vnetEnabled)
    {
        var (template, storage) = main.In(vnetEnabled).ResourcesOfType("Microsoft.Storage/storageAccounts").Single();
        var acls = template.Resolve(storage["properties"]!["networkAcls"])!;

        // "Disabled" would switch the trusted-services exception off, so public access stays on from selected networks...
        Assert.Equal("Enabled", storage["properties"]!["publicNetworkAccess"]!.GetValue<string>());
        Assert.Equal("AzureServices", acls["bypass"]!.GetValue<string>());
        // ...and with private networking no network is selected: only the listed addresses (none by default).
        Assert.Equal(vnetEnabled ? "Deny" : "Allow", acls["defaultAction"]!.GetValue<string>());
        if (vnetEnabled)
        {
            Assert.Empty(acls["ipRules"]!.AsArray());
            Assert.Empty(acls["virtualNetworkRules"]!.AsArray());
        }

        // A storage firewall accepts Event Grid only with the system topic's system-assigned identity.
        var (_, subscription) = main.In(vnetEnabled).ResourcesOfType("Microsoft.EventGrid/systemTopics/eventSubscriptions").Single();
        Assert.Equal("SystemAssigned", subscription["properties"]!["deliveryWithResourceIdentity"]!["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("SystemAssigned", subscription["properties"]!["deadLetterWithResourceIdentity"]!["identity"]!["type"]!.GetValue<string>());
        var (_, topic) = main.In(vnetEnabled).ResourcesOfType("Microsoft.EventGrid/systemTopics").Single();
        Assert.Equal("SystemAssigned", topic["identity"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Microsoft.KeyVault/vaults")]
    [InlineData("Microsoft.ServiceBus/namespaces")]
    public void Given_private_networking_and_no_allowed_addresses_then_Key_Vault_and_Service_Bus_refuse_all_public_access(string type)
    {
        var (template, resource) = main.In(vnetEnabled: true).ResourcesOfType(type).Single();

        Assert.Equal("Disabled", template.ResolveString(resource["properties"]!["publicNetworkAccess"]));
    }

    [Theory]
    [InlineData("Microsoft.KeyVault/vaults")]
    [InlineData("Microsoft.ServiceBus/namespaces")]
    [InlineData("Microsoft.Storage/storageAccounts")]
    public void Given_public_networking_then_the_services_stay_publicly_reachable(string type)
    {
        var (template, resource) = main.In(vnetEnabled: false).ResourcesOfType(type).Single();

        Assert.Equal("Enabled", template.ResolveString(resource["properties"]!["publicNetworkAccess"]));
    }

    [Fact]
    public void Given_private_networking_and_the_operators_and_parties_addresses_then_only_those_are_let_through()
    {
        var arm = ArmTemplate.Parse(main.Build.StandardOutput, new Dictionary<string, JsonNode?>
        {
            ["vnetEnabled"] = true,
            ["storageAllowedIpRanges"] = new JsonArray("203.0.113.10"),
            ["keyVaultAllowedIpRanges"] = new JsonArray("198.51.100.0/28"),
            ["serviceBusAllowedIpRanges"] = new JsonArray("192.0.2.7", "192.0.2.8"),
        });

        var (storageTemplate, storage) = arm.ResourcesOfType("Microsoft.Storage/storageAccounts").Single();
        var storageAcls = storageTemplate.Resolve(storage["properties"]!["networkAcls"])!;
        Assert.Equal("Deny", storageAcls["defaultAction"]!.GetValue<string>());
        Assert.Equal(["203.0.113.10"], storageAcls["ipRules"]!.AsArray().Select(r => r!["value"]!.GetValue<string>()));

        var (vaultTemplate, vault) = arm.ResourcesOfType("Microsoft.KeyVault/vaults").Single();
        Assert.Equal("Enabled", vaultTemplate.ResolveString(vault["properties"]!["publicNetworkAccess"]));
        var vaultAcls = vaultTemplate.Resolve(vault["properties"]!["networkAcls"])!;
        Assert.Equal("Deny", vaultAcls["defaultAction"]!.GetValue<string>());
        Assert.Equal("None", vaultAcls["bypass"]!.GetValue<string>());
        Assert.Equal(["198.51.100.0/28"], vaultAcls["ipRules"]!.AsArray().Select(r => r!["value"]!.GetValue<string>()));

        var (rulesTemplate, rules) = arm.ResourcesOfType("Microsoft.ServiceBus/namespaces/networkRuleSets").Single();
        var ruleSet = rules["properties"]!;
        Assert.Equal("Enabled", rulesTemplate.ResolveString(ruleSet["publicNetworkAccess"]));
        Assert.Equal("Deny", ruleSet["defaultAction"]!.GetValue<string>());
        Assert.False(ruleSet["trustedServiceAccessEnabled"]!.GetValue<bool>());
        Assert.Equal(["192.0.2.7", "192.0.2.8"], rulesTemplate.Resolve(ruleSet["ipRules"])!.AsArray().Select(r => r!["ipMask"]!.GetValue<string>()));
    }

    [Fact]
    public void Given_private_networking_then_the_outbound_address_is_an_output_for_the_jobcenters_allow_list()
    {
        var output = main.Arm.Root["outputs"]!["AZURE_OUTBOUND_IP_ADDRESS"]!;

        Assert.Contains("'network'", output["value"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, ip) = main.In(vnetEnabled: true).ResourcesOfType("Microsoft.Network/publicIPAddresses").Single();
        Assert.Equal("Static", ip["properties"]!["publicIPAllocationMethod"]!.GetValue<string>());
    }
}
