using System.Text.Json.Nodes;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>The expression evaluation the mode-aware template checks rely on, on small hand-written templates.</summary>
public sealed class ArmExpressionTests
{
    private const string Template = """
        {
          "parameters": {
            "vnetEnabled": { "type": "bool", "defaultValue": false },
            "principalId": { "type": "string", "defaultValue": "" }
          },
          "variables": {
            "tier": "[if(parameters('vnetEnabled'), 'Premium', 'Standard')]",
            "acls": "[if(parameters('vnetEnabled'), createObject('defaultAction', 'Deny', 'ipRules', createArray()), createObject('defaultAction', 'Allow'))]"
          },
          "resources": [
            { "type": "Microsoft.Network/virtualNetworks", "name": "vnet", "condition": "[parameters('vnetEnabled')]" },
            { "type": "Microsoft.Authorization/roleAssignments", "name": "ra", "condition": "[not(empty(parameters('principalId')))]" },
            { "type": "Microsoft.Storage/storageAccounts", "name": "st", "properties": { "publicNetworkAccess": "[if(parameters('vnetEnabled'), 'Disabled', reference('x').y)]" } }
          ]
        }
        """;

    [Fact]
    public void Given_the_default_mode_then_conditional_resources_are_left_out_and_if_takes_the_false_branch()
    {
        var arm = ArmTemplate.Parse(Template);

        Assert.Equal(["Microsoft.Storage/storageAccounts"], arm.AllResources().Select(r => ArmTemplate.Type(r.Resource)));
        Assert.Equal("Standard", arm.ResolveString(JsonValue.Create("[variables('tier')]")));
        Assert.Equal("Allow", arm.Resolve(JsonValue.Create("[variables('acls')]"))!["defaultAction"]!.GetValue<string>());
        // The false branch is an expression the tests cannot evaluate: unknown, not guessed.
        var storage = arm.ResourcesOfType("Microsoft.Storage/storageAccounts").Single().Resource;
        Assert.Null(arm.Resolve(storage["properties"]!["publicNetworkAccess"]));
    }

    [Fact]
    public void Given_vnet_enabled_and_a_principal_then_both_conditional_resources_are_deployed_and_if_takes_the_true_branch()
    {
        var arm = ArmTemplate.Parse(Template, new Dictionary<string, JsonNode?>
        {
            ["vnetEnabled"] = true,
            ["principalId"] = "00000000-0000-0000-0000-000000000001",
        });

        Assert.Equal(3, arm.AllResources().Count());
        Assert.Equal("Premium", arm.ResolveString(JsonValue.Create("[variables('tier')]")));
        var acls = arm.Resolve(JsonValue.Create("[variables('acls')]"))!;
        Assert.Equal("Deny", acls["defaultAction"]!.GetValue<string>());
        Assert.Empty(acls["ipRules"]!.AsArray());
        var storage = arm.ResourcesOfType("Microsoft.Storage/storageAccounts").Single().Resource;
        Assert.Equal("Disabled", arm.ResolveString(storage["properties"]!["publicNetworkAccess"]));
    }

    [Theory]
    [InlineData("[equals(length(createArray(1, 2)), 2)]", true)]
    [InlineData("[and(true(), or(false(), not(false())))]", true)]
    [InlineData("[empty(concat(createArray(), createArray()))]", true)]
    [InlineData("[equals(string(createObject('a', 'it''s')), '{\"a\":\"it''s\"}')]", true)]
    [InlineData("[equals(createObject('a', 1).a, 2)]", false)]
    [InlineData("[equals(map(createArray('1.2.3.4', '5.6.7.0/24'), lambda('r', createObject('value', lambdaVariables('r')))), createArray(createObject('value', '1.2.3.4'), createObject('value', '5.6.7.0/24')))]", true)]
    [InlineData("[empty(map(createArray(), lambda('r', lambdaVariables('r'))))]", true)]
    [InlineData("[equals(union(createObject('a', 1, 'b', 1), createObject('b', 2)), createObject('a', 1, 'b', 2))]", true)]
    public void Expressions_evaluate_as_ARM_does(string expression, bool expected)
    {
        var arm = ArmTemplate.Parse(Template);

        Assert.Equal(expected, arm.Resolve(JsonValue.Create(expression))!.GetValue<bool>());
    }
}
