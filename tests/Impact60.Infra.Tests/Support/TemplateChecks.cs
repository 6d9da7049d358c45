using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Impact60.Infra.Tests.Support;

/// <summary>
/// Security rules over a compiled template. Each returns the violations it finds (empty = rule holds), so the
/// same rule is shown to pass on infra/main.bicep and to fail on a deliberately bad template.
/// </summary>
public static partial class TemplateChecks
{
    /// <summary>A parameter whose name looks like it holds a secret and that is not secureString/secureObject.</summary>
    public static IReadOnlyList<string> PlainSecretParameters(ArmTemplate template) =>
        template.AllTemplates()
            .SelectMany(t => t.Parameters.Select(p => (t, p.Key, Type: p.Value?["type"]?.GetValue<string>() ?? "")))
            .Where(x => LooksLikeSecretParameter(x.Key)
                        && !x.Type.Equals("securestring", StringComparison.OrdinalIgnoreCase)
                        && !x.Type.Equals("secureobject", StringComparison.OrdinalIgnoreCase))
            .Select(x => $"{x.t.ModuleName}: parameter '{x.Key}' looks like a secret but is a plain {x.Type}")
            .ToList();

    public static bool LooksLikeSecretParameter(string name) => SecretParameterName().IsMatch(name);

    /// <summary>An app setting that looks like a secret and whose value is not a Key Vault reference.</summary>
    public static IReadOnlyList<string> SecretAppSettingsNotFromKeyVault(ArmTemplate template) =>
        AppSettings(template)
            .Where(s => LooksLikeSecretSetting(s.Key) && KeyVaultSecretName(s.Value) is null)
            .Select(s => $"app setting '{s.Key}' looks like a secret but its value is not a Key Vault reference")
            .ToList();

    public static bool LooksLikeSecretSetting(string name) => SecretSettingName().IsMatch(name.Split("__")[^1]);

    /// <summary>The secret name of a Key Vault reference value, or null when the value is not one.</summary>
    public static string? KeyVaultSecretName(JsonNode? value)
    {
        if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
        {
            return null;
        }

        var match = KeyVaultReference().Match(text);
        return match.Success ? match.Groups["secret"].Value : null;
    }

    /// <summary>A role assignment without a resource scope (so it lands on the resource group or subscription).</summary>
    public static IReadOnlyList<string> RoleAssignmentsNotScopedToAResource(ArmTemplate template) =>
        template.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Select(x => (x.Template, Name: x.Resource["name"]!.GetValue<string>(), Scope: x.Resource["scope"]?.GetValue<string>()))
            .Where(x => !IsResourceScope(x.Scope))
            .Select(x => $"{x.Template.ModuleName}: role assignment {x.Name} has scope '{x.Scope ?? "(none: the deployment's resource group)"}'")
            .ToList();

    private static bool IsResourceScope(string? scope)
    {
        if (scope is null)
        {
            return false;
        }

        var match = ResourceIdScope().Match(scope);
        return match.Success
               && !match.Groups["type"].Value.Equals("Microsoft.Resources/resourceGroups", StringComparison.OrdinalIgnoreCase)
               && !match.Groups["type"].Value.Equals("Microsoft.Resources/subscriptions", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Every app setting the template sets on a site: config/appsettings resources and siteConfig.appSettings.</summary>
    public static IReadOnlyDictionary<string, JsonNode?> AppSettings(ArmTemplate template)
    {
        var settings = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (t, config) in template.ResourcesOfType("Microsoft.Web/sites/config"))
        {
            if (t.NamesOf(config).Single() != "appsettings")
            {
                continue;
            }

            if (config["properties"] is not JsonObject properties)
            {
                throw new NotSupportedException($"{t.ModuleName}: app settings are an expression, not a fixed set of names.");
            }

            foreach (var (name, value) in properties)
            {
                settings.Add(name, value);
            }
        }

        foreach (var (_, site) in template.ResourcesOfType("Microsoft.Web/sites"))
        {
            if (site["properties"]?["siteConfig"]?["appSettings"] is JsonArray inline)
            {
                foreach (var setting in inline)
                {
                    settings.Add(setting!["name"]!.GetValue<string>(), setting["value"]);
                }
            }
        }

        return settings;
    }

    // camelCase names ending in Key (apiKey, pseudonymisationKey), or naming a password, secret, token or
    // connection string, unless they only name one (keyVaultName, secretName, registerApiKeyHeader).
    [GeneratedRegex(@"(?i:password|passwd|secret|token|connectionstring)(?!Name|Header|Uri|Url)|Key$|^(?i:key)$")]
    private static partial Regex SecretParameterName();

    [GeneratedRegex(@"(?i)(key|secret|password|token)$")]
    private static partial Regex SecretSettingName();

    // A literal reference, or Bicep's format('@Microsoft.KeyVault(VaultName={0};SecretName=X)', ...).
    [GeneratedRegex(@"^(\[format\(')?@Microsoft\.KeyVault\((VaultName=[^;]+;SecretName=(?<secret>[A-Za-z0-9-]+)|SecretUri=[^)]*/secrets/(?<secret>[A-Za-z0-9-]+)[^)]*)\)")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"^\[(resourceId|extensionResourceId)\((.*?,\s*)?'(?<type>[A-Za-z.]+/[A-Za-z./]+)'")]
    private static partial Regex ResourceIdScope();
}
