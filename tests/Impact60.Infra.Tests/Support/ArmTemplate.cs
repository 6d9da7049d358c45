using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Impact60.Infra.Tests.Support;

/// <summary>
/// A compiled ARM template (the JSON `bicep build` writes) with its nested module templates, seen in one deployment
/// mode (values for main's parameters), with just enough expression evaluation (<see cref="ArmExpression"/>) to read
/// names and values back and to know which conditional resources the mode deploys: <c>parameters('x')</c> is followed
/// into the module call and up to main's value or default. Anything else resolves to null, and the tests treat that as
/// "not a fixed value".
/// </summary>
public sealed partial class ArmTemplate
{
    private readonly IReadOnlyDictionary<string, JsonNode?> _parameterValues;

    private ArmTemplate(JsonObject root, ArmTemplate? parent, JsonObject? moduleCall, IReadOnlyDictionary<string, JsonNode?> parameterValues)
    {
        Root = root;
        Parent = parent;
        ModuleCall = moduleCall;
        _parameterValues = parameterValues;
        Modules = OwnResources
            .Where(r => Type(r) == "Microsoft.Resources/deployments")
            .Select(r => new ArmTemplate(r["properties"]!["template"]!.AsObject(), this, r, parameterValues))
            .ToList();
    }

    /// <summary>
    /// The template as deployed with the given values of main's parameters (the others keep their defaults):
    /// resources and modules whose condition is false in that mode are left out of every listing, and
    /// <see cref="Resolve"/> follows <c>if()</c> into the branch the mode picks.
    /// </summary>
    public static ArmTemplate Parse(string json, IReadOnlyDictionary<string, JsonNode?>? parameterValues = null) =>
        new(JsonNode.Parse(json)?.AsObject() ?? throw new ArgumentException("Not a JSON object.", nameof(json)), null, null,
            parameterValues ?? new Dictionary<string, JsonNode?>());

    public JsonObject Root { get; }

    public ArmTemplate? Parent { get; }

    /// <summary>The Microsoft.Resources/deployments resource in <see cref="Parent"/> that deploys this template.</summary>
    public JsonObject? ModuleCall { get; }

    public string ModuleName => ModuleCall?["name"]?.GetValue<string>() ?? "(main)";

    public IReadOnlyList<ArmTemplate> Modules { get; }

    public JsonObject Parameters => Root["parameters"]?.AsObject() ?? [];

    public JsonObject Variables => Root["variables"]?.AsObject() ?? [];

    /// <summary>This template's resources (modules included) that the mode deploys.</summary>
    public IEnumerable<JsonObject> OwnResources => (Root["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()),
        JsonObject symbolic => symbolic.Select(p => p.Value!.AsObject()), // languageVersion 2.0
        _ => [],
    }).Where(IsDeployed);

    /// <summary>False only when the resource's condition is known to be false in this mode.</summary>
    public bool IsDeployed(JsonObject resource) =>
        resource["condition"] is not { } condition || Evaluate(condition).AsBool != false;

    public IEnumerable<ArmTemplate> AllTemplates() => Modules.SelectMany(m => m.AllTemplates()).Prepend(this);

    public IEnumerable<(ArmTemplate Template, JsonObject Resource)> AllResources() =>
        AllTemplates().SelectMany(t => t.OwnResources.Select(r => (t, r)));

    public IEnumerable<(ArmTemplate Template, JsonObject Resource)> ResourcesOfType(string type) =>
        AllResources().Where(x => string.Equals(Type(x.Resource), type, StringComparison.OrdinalIgnoreCase));

    public static string Type(JsonObject resource) => resource["type"]!.GetValue<string>();

    /// <summary>The fixed value of a template value in this mode, or null when it is an expression these tests do not evaluate.</summary>
    public JsonNode? Resolve(JsonNode? value) => Evaluate(value).Node;

    /// <summary>
    /// A template value evaluated in this mode (<see cref="ArmExpression"/>). Objects and arrays are evaluated member
    /// by member; a member that cannot be evaluated keeps its expression text.
    /// </summary>
    internal ArmExpression.Value Evaluate(JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                var evaluatedObject = new JsonObject();
                foreach (var (key, member) in obj)
                {
                    var evaluated = Evaluate(member);
                    evaluatedObject[key] = evaluated.Known ? evaluated.Node?.DeepClone() : member?.DeepClone();
                }

                return ArmExpression.Value.Of(evaluatedObject);
            case JsonArray array:
                return ArmExpression.Value.Of(new JsonArray(array.Select(item =>
                {
                    var evaluated = Evaluate(item);
                    return evaluated.Known ? evaluated.Node?.DeepClone() : item?.DeepClone();
                }).ToArray()));
        }

        if (value is not JsonValue jsonValue || !jsonValue.TryGetValue<string>(out var text))
        {
            return ArmExpression.Value.Of(value);
        }

        if (!text.StartsWith('[') || text.StartsWith("[[", StringComparison.Ordinal) || !text.EndsWith(']'))
        {
            return ArmExpression.Value.Of(value); // a literal string
        }

        return ArmExpression.Evaluate(text[1..^1], ParameterValue, VariableValue);
    }

    private ArmExpression.Value VariableValue(string name) =>
        Variables.TryGetPropertyValue(name, out var node) ? Evaluate(node) : ArmExpression.Value.Unknown;

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

        if (ResolveString(JsonValue.Create(name)) is { } evaluated)
        {
            return evaluated.Split('/')[^1];
        }

        throw new NotSupportedException($"Cannot read the name '{name}'.");
    }

    private JsonNode? ResolveParameter(string name) => ParameterValue(name).Node;

    private ArmExpression.Value ParameterValue(string name)
    {
        if (ModuleCall is not null && Parent is not null)
        {
            var passed = ModuleCall["properties"]?["parameters"]?[name];
            return passed switch
            {
                null => Evaluate(Parameters[name]?["defaultValue"]),
                JsonObject parameter => Parent.Evaluate(parameter["value"]),
                // Bicep writes a conditional argument as one expression: if(c, createObject('value', x), createObject('value', y)).
                _ => Parent.Evaluate(passed) is { Known: true, Node: JsonObject chosen } ? ArmExpression.Value.Of(chosen["value"]) : ArmExpression.Value.Unknown,
            };
        }

        if (_parameterValues.TryGetValue(name, out var given))
        {
            return ArmExpression.Value.Of(given);
        }

        return Parameters[name] is { } declared && declared["defaultValue"] is { } defaultValue
            ? Evaluate(defaultValue)
            : ArmExpression.Value.Unknown;
    }

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)\[copyIndex\(\)\]")]
    private static partial Regex CopyOverVariable();

    [GeneratedRegex(@"'(?<value>[^']*)'\)\]$")]
    private static partial Regex LastLiteralArgument();

    [GeneratedRegex(@"parameters\('(?<name>[^']+)'\)\)\]$")]
    private static partial Regex LastParameterArgument();
}
