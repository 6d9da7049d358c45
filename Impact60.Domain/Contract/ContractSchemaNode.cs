using System.Globalization;
using System.Text.Json;

namespace Impact60.Domain.Contracts;

/// <summary>
/// One place of the contract schema, found by following an instance location from the root: the property's schema with
/// what its <c>$ref</c> points to. The loader reads from it the bounds and words of its messages, the order of the
/// properties (errors are listed in it) and the lists' limits, so no bound is written twice. The tree is built once, in
/// full, and never changes: it is shared by every load.
/// </summary>
/// <remarks>
/// The contract schema is a plain tree: <c>properties</c>, <c>items</c>, a map's <c>additionalProperties</c>, and
/// <c>$ref</c> to <c>#/$defs/…</c> without cycles. A keyword appears at most once along a <c>$ref</c> chain
/// (<c>ContractSchemaTests</c> checks it), so each error has one bound to name.
/// </remarks>
internal sealed class ContractSchemaNode
{
    private readonly JsonElement[] _chain;
    private readonly Dictionary<string, (ContractSchemaNode Node, int Order)> _properties = new(StringComparer.Ordinal);

    private ContractSchemaNode(JsonElement schema, JsonElement root)
    {
        var chain = new List<JsonElement> { schema };
        while (chain[^1].ValueKind == JsonValueKind.Object && chain[^1].TryGetProperty("$ref", out var reference))
            chain.Add(Resolve(root, reference.GetString()!));
        _chain = [.. chain];

        var names = new List<string>();
        if (Keyword("properties") is { } properties)
            foreach (var p in properties.EnumerateObject())
            {
                _properties[p.Name] = (new ContractSchemaNode(p.Value, root), names.Count);
                names.Add(p.Name);
            }
        PropertyNames = names;
        Required = Keyword("required") is { } required ? [.. required.EnumerateArray().Select(r => r.GetString()!)] : [];
        if (Keyword("items") is { } items) Items = new ContractSchemaNode(items, root);
        if (Keyword("additionalProperties") is { ValueKind: JsonValueKind.Object } values) MapValues = new ContractSchemaNode(values, root);
    }

    public static ContractSchemaNode Build(JsonElement root) => new(root, root);

    /// <summary>The names of <c>properties</c>, in the schema's order.</summary>
    public IReadOnlyList<string> PropertyNames { get; }

    public IReadOnlyList<string> Required { get; }

    /// <summary>The schema of an array's entries.</summary>
    public ContractSchemaNode? Items { get; }

    /// <summary>The schema of a map's values (an object whose keys are data, like the classification's codes).</summary>
    public ContractSchemaNode? MapValues { get; }

    /// <summary>True for an object whose keys are data: a key is written <c>['651']</c> in a path.</summary>
    public bool IsMap => MapValues is not null;

    /// <summary>The schema of property <paramref name="name"/> and its place among the properties; null when unknown here.</summary>
    public (ContractSchemaNode Node, int Order)? Property(string name)
    {
        if (_properties.TryGetValue(name, out var p)) return p;
        return MapValues is { } values ? (values, 0) : null;
    }

    /// <summary>The value of <paramref name="name"/> in this schema or what its <c>$ref</c> points to.</summary>
    public JsonElement? Keyword(string name)
    {
        foreach (var schema in _chain)
            if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty(name, out var value))
                return value;
        return null;
    }

    /// <summary>A number keyword (a bound) as written in the schema, e.g. <c>100000</c>.</summary>
    public string? Bound(string keyword) => Keyword(keyword) is { ValueKind: JsonValueKind.Number } n ? n.GetRawText() : null;

    /// <summary>A number keyword as a count (<c>maxItems</c>, <c>maxLength</c>, …).</summary>
    public int? Count(string keyword) => Keyword(keyword) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var i) ? i : null;

    /// <summary>
    /// The operator's words for a failed <paramref name="keyword"/>: the schema's <c>x-messages</c> entry for it (with
    /// <c>{maximum}</c> and the like replaced by the bound), or <c>patternErrorMessage</c> for <c>pattern</c> (the message
    /// editors show too); null when the schema has none.
    /// </summary>
    public string? Message(string keyword)
    {
        if (keyword == "pattern" && Keyword("patternErrorMessage") is { } pattern) return pattern.GetString();
        if (Keyword("x-messages") is not { } messages || !messages.TryGetProperty(keyword, out var text)) return null;
        var message = text.GetString()!;
        foreach (var bound in (string[])["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "maxProperties"])
            message = message.Replace("{" + bound + "}", Bound(bound) ?? "", StringComparison.Ordinal);
        return message;
    }

    /// <summary>Every keyword of this schema and its <c>$ref</c> chain, with how often it appears along the chain.</summary>
    public IEnumerable<(string Keyword, int Times)> KeywordsAlongTheChain() =>
        _chain.Where(s => s.ValueKind == JsonValueKind.Object)
            .SelectMany(s => s.EnumerateObject().Select(p => p.Name))
            .GroupBy(k => k, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()));

    /// <summary>Every node of the tree below and including this one, for checks of the schema itself.</summary>
    public IEnumerable<(string Location, ContractSchemaNode Node)> Descendants(string location = "$")
    {
        yield return (location, this);
        foreach (var name in PropertyNames)
            foreach (var d in _properties[name].Node.Descendants($"{location}.{name}")) yield return d;
        if (Items is not null)
            foreach (var d in Items.Descendants($"{location}[]")) yield return d;
        if (MapValues is not null)
            foreach (var d in MapValues.Descendants($"{location}['*']")) yield return d;
    }

    private static JsonElement Resolve(JsonElement root, string reference)
    {
        const string prefix = "#/$defs/";
        if (!reference.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The contract schema may only refer to #/$defs/…, not '{reference}'."));
        return root.GetProperty("$defs").GetProperty(reference[prefix.Length..]);
    }
}
