using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Impact60.Infra.Tests.Support;

/// <summary>
/// A compiled ARM template (the JSON `bicep build` writes) with its nested module templates, and just enough
/// expression resolution to read names and values back: literals, <c>parameters('x')</c> (followed into the
/// module call and up to the top-level default) and <c>variables('x')</c> / <c>variables('x').y</c>.
/// Anything else resolves to null, and the tests treat that as "not a fixed value".
/// </summary>
public sealed partial class ArmTemplate
{
    private ArmTemplate(JsonObject root, ArmTemplate? parent, JsonObject? moduleCall)
    {
        Root = root;
        Parent = parent;
        ModuleCall = moduleCall;
        Modules = OwnResources
            .Where(r => Type(r) == "Microsoft.Resources/deployments")
            .Select(r => new ArmTemplate(r["properties"]!["template"]!.AsObject(), this, r))
            .ToList();
    }

    public static ArmTemplate Parse(string json) =>
        new(JsonNode.Parse(json)?.AsObject() ?? throw new ArgumentException("Not a JSON object.", nameof(json)), null, null);

    public JsonObject Root { get; }

    public ArmTemplate? Parent { get; }

    /// <summary>The Microsoft.Resources/deployments resource in <see cref="Parent"/> that deploys this template.</summary>
    public JsonObject? ModuleCall { get; }

    public string ModuleName => ModuleCall?["name"]?.GetValue<string>() ?? "(main)";

    public IReadOnlyList<ArmTemplate> Modules { get; }

    public JsonObject Parameters => Root["parameters"]?.AsObject() ?? [];

    public JsonObject Variables => Root["variables"]?.AsObject() ?? [];

    public IEnumerable<JsonObject> OwnResources => Root["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()),
        JsonObject symbolic => symbolic.Select(p => p.Value!.AsObject()), // languageVersion 2.0
        _ => [],
    };

    public IEnumerable<ArmTemplate> AllTemplates() => Modules.SelectMany(m => m.AllTemplates()).Prepend(this);

    public IEnumerable<(ArmTemplate Template, JsonObject Resource)> AllResources() =>
        AllTemplates().SelectMany(t => t.OwnResources.Select(r => (t, r)));

    public IEnumerable<(ArmTemplate Template, JsonObject Resource)> ResourcesOfType(string type) =>
        AllResources().Where(x => string.Equals(Type(x.Resource), type, StringComparison.OrdinalIgnoreCase));

    public static string Type(JsonObject resource) => resource["type"]!.GetValue<string>();

    /// <summary>The fixed value of a template value, or null when it is an expression these tests do not evaluate.</summary>
    public JsonNode? Resolve(JsonNode? value)
    {
        if (value is not JsonValue jsonValue || !jsonValue.TryGetValue<string>(out var text))
        {
            return value;
        }

        if (!text.StartsWith('[') || text.StartsWith("[[", StringComparison.Ordinal))
        {
            return value; // a literal string
        }

        var parameter = ParameterReference().Match(text);
        if (parameter.Success)
        {
            return ResolveParameter(parameter.Groups["name"].Value);
        }

        var variable = VariableReference().Match(text);
        if (variable.Success)
        {
            var node = Variables[variable.Groups["name"].Value];
            if (variable.Groups["property"].Success)
            {
                node = node?[variable.Groups["property"].Value];
            }

            return Resolve(node);
        }

        return null;
    }

    public string? ResolveString(JsonNode? value) =>
        Resolve(value) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The names a resource declaration creates (its last name segment; every element of a copy loop).</summary>
    public IReadOnlyList<string> NamesOf(JsonObject resource)
    {
        var name = resource["name"]!.GetValue<string>();
        if (resource["copy"] is not null)
        {
            var loop = CopyOverVariable().Match(name);
            if (!loop.Success)
            {
                throw new NotSupportedException($"Cannot read the names of the copy loop '{name}'.");
            }

            return Variables[loop.Groups["name"].Value]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        }

        return [LastSegment(name)];
    }

    private string LastSegment(string name)
    {
        if (!name.StartsWith('['))
        {
            return name.Split('/')[^1];
        }

        var literal = LastLiteralArgument().Match(name);
        if (literal.Success)
        {
            return literal.Groups["value"].Value;
        }

        var parameter = LastParameterArgument().Match(name);
        if (parameter.Success && ResolveParameter(parameter.Groups["name"].Value) is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s.Split('/')[^1];
        }

        throw new NotSupportedException($"Cannot read the name '{name}'.");
    }

    private JsonNode? ResolveParameter(string name)
    {
        if (ModuleCall is not null && Parent is not null)
        {
            var passed = ModuleCall["properties"]?["parameters"]?[name];
            return passed is null ? Resolve(Parameters[name]?["defaultValue"]) : Parent.Resolve(passed["value"]);
        }

        return Resolve(Parameters[name]?["defaultValue"]);
    }

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)(\.(?<property>\w+))?\]$")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)\[copyIndex\(\)\]")]
    private static partial Regex CopyOverVariable();

    [GeneratedRegex(@"'(?<value>[^']*)'\)\]$")]
    private static partial Regex LastLiteralArgument();

    [GeneratedRegex(@"parameters\('(?<name>[^']+)'\)\)\]$")]
    private static partial Regex LastParameterArgument();
}
