using System.Globalization;
using System.Text.Json;
using Json.Schema;

namespace Impact60.Domain.Contracts;

/// <summary>
/// The contract file's JSON Schema (<c>schemas/contract.schema.json</c>, draft 2020-12, embedded in this assembly so the
/// app and the CLI need no file), and the validation of a document against it with JsonSchema.Net: every error, with its
/// instance location turned into the loader's JSON path and its keyword into the operator's words
/// (<see cref="ContractMessages"/>).
/// </summary>
internal static class ContractSchema
{
    private const string ResourceName = "Impact60.Domain.Contracts.contract.schema.json";

    // Every error, with where it is and which keyword failed (the "list" output of JSON Schema).
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List };

    /// <summary>The schema's text as embedded, for tests and tools.</summary>
    public static string Text { get; } = ReadText();

    private static readonly JsonDocument Document = JsonDocument.Parse(Text);

    /// <summary>The schema as a tree the loader reads its bounds, words and property order from.</summary>
    public static ContractSchemaNode Root { get; } = ContractSchemaNode.Build(Document.RootElement);

    // Its own registry: nothing is registered globally, a schema of another part of the process cannot collide with it.
    private static readonly JsonSchema Schema = JsonSchema.Build(Document.RootElement, new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    /// <summary>Adds every error of <paramref name="root"/> against the schema to <paramref name="errors"/>.</summary>
    /// <remarks><paramref name="root"/> has passed <see cref="ContractDocument.Check"/>: its strings can be read (JsonSchema.Net
    /// throws on half a surrogate pair) and no list is longer than its bound (the cost stays in proportion to the schema).</remarks>
    public static void Validate(JsonElement root, ContractErrors errors)
    {
        var results = Schema.Evaluate(root, Options);
        if (results.IsValid || results.Details is not { } details) return;
        foreach (var detail in details)
        {
            if (detail.Errors is not { Count: > 0 } failed) continue;
            var segments = Segments(detail.InstanceLocation.ToString());
            var isKey = detail.EvaluationPath.ToString().Contains("/propertyNames", StringComparison.Ordinal);
            foreach (var keyword in failed.Keys) Report(root, segments, keyword, isKey, errors);
        }
    }

    private static void Report(JsonElement root, List<Segment> segments, string keyword, bool isKey, ContractErrors errors)
    {
        var location = ContractLocation.Of(segments);
        var node = Node(segments);
        if (isKey)
        {
            // A map's key that breaks the map's propertyNames (a benefit code of five digits, or with a leading zero).
            var map = Node(segments[..^1]);
            var key = segments[^1].Name!;
            errors.Add(location, () => ContractMessages.ForKey(map, key), ErrorRank.Shape);
        }
        else if (keyword.Length == 0)
        {
            // additionalProperties: false fails as a "false schema" at the unknown property itself.
            errors.AddUnknown(location, Node(segments[..^1])?.PropertyNames ?? []);
        }
        else if (keyword == "required")
        {
            // One error for the object: each missing property is its own error, at its own path.
            var value = Value(root, segments);
            foreach (var name in node?.Required ?? [])
                if (value.ValueKind == JsonValueKind.Object && !value.TryGetProperty(name, out _))
                    errors.Add(ContractLocation.Of([.. segments, new Segment(name, 0)]), () => "is required", ErrorRank.Shape);
        }
        else
        {
            errors.Add(location, () => ContractMessages.For(keyword, node, Value(root, segments)), Rank(keyword));
        }
    }

    private static ErrorRank Rank(string keyword) => keyword switch
    {
        "type" or "minLength" or "maxLength" or "minItems" or "maxItems" or "maxProperties" => ErrorRank.Shape,
        _ => ErrorRank.Value,
    };

    /// <summary>The schema of the value at <paramref name="segments"/>; null where the schema does not know it.</summary>
    public static ContractSchemaNode? Node(IReadOnlyList<Segment> segments)
    {
        ContractSchemaNode? node = Root;
        foreach (var s in segments) node = s.Name is { } name ? node?.Property(name)?.Node : node?.Items;
        return node;
    }

    /// <summary>The value at <paramref name="segments"/>; <c>undefined</c> when there is none.</summary>
    private static JsonElement Value(JsonElement root, IReadOnlyList<Segment> segments)
    {
        var e = root;
        foreach (var s in segments)
        {
            if (s.Name is { } name) e = e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;
            else e = e.ValueKind == JsonValueKind.Array && s.Index < e.GetArrayLength() ? e[s.Index] : default;
        }
        return e;
    }

    /// <summary>The segments of an instance location (a JSON pointer, <c>/tariffs/1/validFrom</c>), told apart by the schema:
    /// under an array of the schema a segment is an index, elsewhere a name.</summary>
    private static List<Segment> Segments(string pointer)
    {
        var segments = new List<Segment>();
        if (pointer.Length == 0) return segments;
        ContractSchemaNode? node = Root;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var text = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node?.Items is not null && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                segments.Add(new Segment(null, index));
                node = node.Items;
            }
            else
            {
                segments.Add(new Segment(text, 0));
                node = node?.Property(text)?.Node;
            }
        }
        return segments;
    }

    private static string ReadText()
    {
        using var stream = typeof(ContractSchema).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"The contract schema is not embedded as {ResourceName}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
