using System.Text.Json.Nodes;
using Impact60.Infra.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Impact60.Infra.Tests;

/// <summary>azure.yaml, the parameters file and the deploy workflow fit the template and the repository.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class DeploymentFilesTests(CompiledMainTemplate main)
{
    [Fact]
    public void Azure_yaml_deploys_the_Functions_project_as_service_functions_from_the_bicep_in_infra()
    {
        var root = LoadYaml("azure.yaml");
        var service = (YamlMappingNode)root["services"]["functions"];

        Assert.Equal("./Impact60.Functions", Scalar(service, "project"));
        Assert.Equal("dotnet", Scalar(service, "language"));
        Assert.Equal("function", Scalar(service, "host"));
        Assert.True(File.Exists(Repository.PathOf("Impact60.Functions", "Impact60.Functions.csproj")));
        Assert.Equal("bicep", Scalar((YamlMappingNode)root["infra"], "provider"));
        Assert.True(File.Exists(Repository.PathOf(Scalar((YamlMappingNode)root["infra"], "path"), Scalar((YamlMappingNode)root["infra"], "module") + ".bicep")));
    }

    [Fact]
    public void The_function_app_carries_the_azd_service_tag_azure_yaml_names()
    {
        var (_, site) = main.Arm.ResourcesOfType("Microsoft.Web/sites").Single();

        Assert.Contains("'azd-service-name', 'functions'", site["tags"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_parameters_file_names_only_parameters_of_main_bicep_and_every_required_one()
    {
        var file = ParametersFile();
        var declared = main.Arm.Parameters;

        var unknown = file.Select(p => p.Key).Where(name => !declared.ContainsKey(name)).ToList();
        Assert.Empty(unknown);
        var missing = declared.Where(p => p.Value!["defaultValue"] is null && !file.ContainsKey(p.Key)).Select(p => p.Key).ToList();
        Assert.Empty(missing);
        // azd convention: the environment name and location come from azd.
        Assert.Equal("${AZURE_ENV_NAME}", file["environmentName"]!["value"]!.GetValue<string>());
        Assert.Equal("${AZURE_LOCATION}", file["location"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void The_key_vault_operator_is_named_explicitly_and_every_description_says_where_azd_reads_it()
    {
        // Not ${AZURE_PRINCIPAL_ID} (whoever runs azd; in CI the deploy workflow's identity): secret write access is
        // given to the operator named in IMPACT60_OPERATOR_PRINCIPAL_ID only. The descriptions must say so too.
        var file = ParametersFile();
        var operatorValue = file["operatorPrincipalId"]!["value"]!.GetValue<string>();

        Assert.Equal("${IMPACT60_OPERATOR_PRINCIPAL_ID}", operatorValue);
        var variable = operatorValue.Trim('$', '{', '}');
        var descriptions = main.Arm.AllTemplates()
            .Select(t => t.Parameters["operatorPrincipalId"]?["metadata"]?["description"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
        Assert.Equal(2, descriptions.Count); // main.bicep and modules/roles.bicep
        Assert.All(descriptions, d =>
        {
            Assert.Contains(variable, d, StringComparison.Ordinal);
            Assert.DoesNotContain("signed-in", d, StringComparison.OrdinalIgnoreCase);
        });
        // The workflow sets the same variable; it never maps the deploying identity to the operator.
        var workflow = File.ReadAllText(Repository.PathOf(".github", "workflows", "deploy.yml"));
        Assert.Contains($"azd env set {variable} ", workflow, StringComparison.Ordinal);
        Assert.DoesNotContain("AZURE_PRINCIPAL_ID", workflow, StringComparison.Ordinal);
    }

    [Fact]
    public void The_inbox_uploader_is_optional_and_read_from_its_own_azd_variable()
    {
        var file = ParametersFile();

        Assert.Equal("${IMPACT60_INBOX_UPLOADER_PRINCIPAL_ID}", file["inboxUploaderPrincipalId"]!["value"]!.GetValue<string>());
        Assert.Equal("${IMPACT60_INBOX_UPLOADER_PRINCIPAL_TYPE=ServicePrincipal}", file["inboxUploaderPrincipalType"]!["value"]!.GetValue<string>());
        Assert.Equal("", main.Arm.Parameters["inboxUploaderPrincipalId"]!["defaultValue"]!.GetValue<string>());
    }

    [Fact]
    public void Private_networking_is_read_from_its_own_azd_variable_and_off_unless_set()
    {
        var file = ParametersFile();

        Assert.Equal("${IMPACT60_VNET_ENABLED=false}", file["vnetEnabled"]!["value"]!.GetValue<string>());
        Assert.Contains("IMPACT60_VNET_ENABLED", main.Arm.Parameters["vnetEnabled"]!["metadata"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_names_derive_from_the_resource_group_and_environment_name()
    {
        Assert.Equal("[uniqueString(resourceGroup().id, parameters('environmentName'))]",
            main.Arm.Variables["resourceToken"]!.GetValue<string>());
    }

    [Fact]
    public void The_deploy_workflow_signs_in_with_OIDC_and_runs_azd_provision_then_deploy()
    {
        var workflow = LoadYaml(Path.Combine(".github", "workflows", "deploy.yml"));

        Assert.Equal("write", Scalar((YamlMappingNode)workflow["permissions"], "id-token"));
        var steps = ((YamlSequenceNode)workflow["jobs"]["deploy"]["steps"]).Children.Cast<YamlMappingNode>().ToList();

        var login = steps.Single(s => s.Children.TryGetValue("uses", out var uses) && uses.ToString().StartsWith("azure/login@", StringComparison.Ordinal));
        var with = (YamlMappingNode)login["with"];
        Assert.Equal(["client-id", "subscription-id", "tenant-id"], with.Children.Keys.Select(k => k.ToString()).Order());
        Assert.DoesNotContain("creds", with.Children.Keys.Select(k => k.ToString()));

        var commands = steps.Where(s => s.Children.ContainsKey("run")).Select(s => s["run"].ToString()).ToList();
        var provision = commands.FindIndex(c => c.Contains("azd provision", StringComparison.Ordinal));
        var deploy = commands.FindIndex(c => c.Contains("azd deploy", StringComparison.Ordinal));
        Assert.True(provision >= 0 && deploy > provision, "the workflow must run azd provision, then azd deploy");
        Assert.Contains(commands, c => c.Contains("--federated-credential-provider github", StringComparison.Ordinal));
    }

    private static JsonObject ParametersFile() =>
        JsonNode.Parse(File.ReadAllText(Repository.PathOf("infra", "main.parameters.json")))!["parameters"]!.AsObject();

    private static YamlMappingNode LoadYaml(string relativePath)
    {
        using var reader = new StreamReader(Repository.PathOf(relativePath));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;
}
