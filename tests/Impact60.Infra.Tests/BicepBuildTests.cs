using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

[Collection(MainTemplateCollection.Name)]
public sealed class BicepBuildTests(CompiledMainTemplate main)
{
    [Fact]
    public void Given_main_bicep_when_built_then_it_compiles_with_no_error_and_no_warning()
    {
        Assert.True(main.Build.ExitCode == 0, $"bicep build failed:{Environment.NewLine}{main.Build.AllOutput}");
        // Diagnostics (errors and warnings alike) go to stderr; --stdout carries only the template.
        Assert.True(main.Build.StandardError.Trim().Length == 0, $"bicep build reported:{Environment.NewLine}{main.Build.StandardError}");
        Assert.StartsWith("{", main.Build.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Given_main_bicep_when_linted_then_the_linter_reports_nothing()
    {
        Assert.True(main.Lint.ExitCode == 0, $"bicep lint failed:{Environment.NewLine}{main.Lint.AllOutput}");
        Assert.True(main.Lint.AllOutput.Length == 0, $"bicep lint reported:{Environment.NewLine}{main.Lint.AllOutput}");
    }

    [Fact]
    public void The_only_resources_exempt_from_use_recent_api_versions_are_diagnostic_settings_which_have_no_usable_GA_version()
    {
        // Silencing the rule is allowed only where no newer GA version exists: diagnosticSettings' newest version is
        // 2021-05-01-preview (its GA 2016-09-01 is the legacy service diagnostic settings API). Anything else must be updated.
        var exemptions = Directory.EnumerateFiles(Repository.PathOf("infra"), "*.bicep", SearchOption.AllDirectories)
            .SelectMany(file =>
            {
                var lines = File.ReadAllLines(file);
                return lines.Select((line, i) => (line, i))
                    .Where(x => x.line.Trim() == "#disable-next-line use-recent-api-versions")
                    .Select(x => $"{Path.GetFileName(file)}: {(x.i + 1 < lines.Length ? lines[x.i + 1].Trim() : "")}");
            })
            .ToList();

        Assert.All(exemptions, e => Assert.Contains("'Microsoft.Insights/diagnosticSettings@2021-05-01-preview'", e, StringComparison.Ordinal));
    }
}

/// <summary>
/// Proves the checks can fail: small templates with a known fault, compiled next to a copy of infra/bicepconfig.json
/// (or deliberately without it, to get a template our own checks must reject).
/// </summary>
public sealed class BrokenTemplateTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("impact60-bicep-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Given_our_bicepconfig_when_a_parameter_is_unused_then_the_build_fails_naming_the_rule()
    {
        // no-unused-params is only a warning by default; infra/bicepconfig.json raises it to an error.
        var file = Write("unused.bicep", """
            param unusedLocation string
            output answer int = 42
            """, withProjectConfig: true);

        var result = Bicep.Build(file);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Error no-unused-params", result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_our_bicepconfig_when_a_secret_parameter_is_not_secure_then_the_build_fails()
    {
        var file = Write("secret.bicep", """
            param smtpPassword string
            output passwordLength int = length(smtpPassword)
            """, withProjectConfig: true);

        var result = Bicep.Build(file);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Error secure-secrets-in-params", result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_the_default_bicepconfig_when_the_same_unused_parameter_is_built_then_it_is_only_a_warning()
    {
        // Shows that it is our bicepconfig.json, not Bicep's defaults, that makes the rule fail the build.
        var file = Write("unused.bicep", """
            param unusedLocation string
            output answer int = 42
            """, withProjectConfig: false);

        var result = Bicep.Build(file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Warning no-unused-params", result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_our_bicepconfig_when_a_resource_uses_an_API_version_older_than_two_years_then_the_linter_warns()
    {
        // use-recent-api-versions is on in infra/bicepconfig.json; its warnings fail main.bicep's lint test above.
        var file = Write("old-api.bicep", """
            resource storage 'Microsoft.Storage/storageAccounts@2021-09-01' existing = {
              name: 'stold'
            }
            output storageId string = storage.id
            """, withProjectConfig: true);

        var result = Bicep.Lint(file);

        Assert.Contains("Warning use-recent-api-versions", result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_template_the_linter_accepts_with_a_plain_api_key_a_plain_secret_setting_and_a_resource_group_role_then_each_check_reports_it()
    {
        // Bicep's secure-secrets-in-params rule does not see "ApiKey" as a secret, and no linter rule looks at app
        // setting values or role assignment scopes: this template builds cleanly even with our bicepconfig.json.
        // The compiled-template checks are what catch it.
        var file = Write("insecure.bicep", """
            param location string = resourceGroup().location
            param registerApiKey string
            param principalId string

            resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
              name: 'plan-insecure'
              location: location
              sku: { name: 'FC1', tier: 'FlexConsumption' }
            }

            resource site 'Microsoft.Web/sites@2024-04-01' = {
              name: 'func-insecure'
              location: location
              properties: { serverFarmId: plan.id }
            }

            resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
              parent: site
              name: 'appsettings'
              properties: {
                Register__ApiKey: registerApiKey
                SendGrid__ApiKey: 'SG.not-a-reference'
                Notices__From: 'noreply@example.org'
              }
            }

            resource everything 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
              name: guid(resourceGroup().id, principalId, 'b24988ac-6180-42a0-ab88-20f7382dd24c')
              properties: {
                roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')
                principalId: principalId
              }
            }
            """, withProjectConfig: true);

        var result = Bicep.Build(file);
        Assert.True(result.ExitCode == 0, result.AllOutput);
        var template = ArmTemplate.Parse(result.StandardOutput);

        Assert.Equal(["(main): parameter 'registerApiKey' looks like a secret but is a plain string"],
            TemplateChecks.PlainSecretParameters(template));
        Assert.Equal(
            ["app setting 'Register__ApiKey' looks like a secret but its value is not a Key Vault reference",
             "app setting 'SendGrid__ApiKey' looks like a secret but its value is not a Key Vault reference"],
            TemplateChecks.SecretAppSettingsNotFromKeyVault(template));
        var roleViolation = Assert.Single(TemplateChecks.RoleAssignmentsNotScopedToAResource(template));
        Assert.Contains("(none: the deployment's resource group)", roleViolation, StringComparison.Ordinal);
    }

    private string Write(string name, string bicep, bool withProjectConfig)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, bicep);
        if (withProjectConfig)
        {
            File.Copy(Repository.PathOf("infra", "bicepconfig.json"), Path.Combine(_directory.FullName, "bicepconfig.json"), overwrite: true);
        }

        return path;
    }
}
