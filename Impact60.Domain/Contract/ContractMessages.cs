using System.Globalization;
using System.Text.Json;
using Impact60.Domain.Text;

namespace Impact60.Domain.Contracts;

/// <summary>
/// A failed keyword of the contract schema in the operator's words: what the value must be, then what was found —
/// "must be at most 100000 (found 79000000000000000000000000000)", "must be a whole number (found 12.5)", "must be one of
/// Full, Partial, None (found 'Half')". The bounds are the schema's own; a schema entry may word a keyword itself
/// (<c>x-messages</c>, <c>patternErrorMessage</c>, <see cref="ContractSchemaNode.Message"/>). Values quoted from the file
/// are escaped and cut (<see cref="SafeText.Quote"/>).
/// </summary>
internal static class ContractMessages
{
    public static string For(string keyword, ContractSchemaNode? node, JsonElement value)
    {
        var words = node?.Message(keyword);
        string Bound(string k) => node?.Bound(k) ?? "?";
        // Not reached while the document has no property twice (ContractDocument); a message without the value found, not a crash.
        if (value.ValueKind == JsonValueKind.Undefined) return words ?? $"does not meet the schema's '{keyword}'";
        return keyword switch
        {
            "type" => Type(node, value),
            "enum" => value.ValueKind switch
            {
                JsonValueKind.Null => "must not be null",
                JsonValueKind.String => $"{words ?? OneOf(node)} (found '{Q(value.GetString()!)}')",
                _ => $"{words ?? OneOf(node)}, not {Kind(value)}",
            },
            "pattern" => $"{words ?? "is not written as expected"} (found '{Q(value.GetString()!)}')",
            "minLength" => words ?? (Bound("minLength") == "1" ? "must not be empty" : $"must be at least {Bound("minLength")} characters"),
            "maxLength" => $"{words ?? $"must be at most {Bound("maxLength")} characters"} (found {Length(value)})",
            "minimum" => $"{words ?? $"must be at least {Bound("minimum")}"} (found {Number(value)})",
            "maximum" => $"{words ?? $"must be at most {Bound("maximum")}"} (found {Number(value)})",
            "exclusiveMinimum" => $"{words ?? $"must be greater than {Bound("exclusiveMinimum")}"} (found {Number(value)})",
            "exclusiveMaximum" => $"{words ?? $"must be less than {Bound("exclusiveMaximum")}"} (found {Number(value)})",
            "multipleOf" => $"{words ?? Decimals(Bound("multipleOf"))} (found {Number(value)})",
            "minItems" => $"{words ?? $"must hold at least {Bound("minItems")} entries"} (found {value.GetArrayLength()})",
            "maxItems" => $"{words ?? $"must hold at most {Bound("maxItems")} entries"} (found {value.GetArrayLength()})",
            "maxProperties" => $"{words ?? $"must hold at most {Bound("maxProperties")} properties"} (found {value.GetPropertyCount()})",
            _ => words ?? $"does not meet the schema's '{keyword}'",
        };
    }

    /// <summary>
    /// A key of a map refused by its <c>propertyNames</c>. The one map of the contract is <c>classification.codes</c>: a code
    /// written with leading zeros is told what to write instead, since the register's codes are compared as numbers.
    /// </summary>
    public static string ForKey(ContractSchemaNode? map, string key)
    {
        if (key.Length is > 1 and <= 4 && key[0] == '0' && key.All(char.IsAsciiDigit))
            return $"write {key.TrimStart('0').PadLeft(1, '0')}: codes are compared as numbers, leading zeros are not significant";
        return map?.Keyword("propertyNames") is { } names && names.TryGetProperty("patternErrorMessage", out var m)
            ? m.GetString()!
            : "is not a valid key here";
    }

    private static string Type(ContractSchemaNode? node, JsonElement value)
    {
        var allowed = node?.Keyword("type") switch
        {
            { ValueKind: JsonValueKind.String } t => [t.GetString()!],
            { ValueKind: JsonValueKind.Array } t => t.EnumerateArray().Select(x => x.GetString()!).ToArray(),
            _ => [],
        };
        if (value.ValueKind == JsonValueKind.Null) return "must not be null";
        if (value.ValueKind == JsonValueKind.Number && allowed.Contains("integer"))
            return $"must be a whole number (found {Q(value.GetRawText())})";
        var expected = allowed.Where(t => t != "null").Select(t => t switch
        {
            "string" => "a string",
            "integer" or "number" => "a number",
            "boolean" => "true or false",
            "object" => "an object",
            "array" => "an array",
            _ => t,
        });
        return $"must be {string.Join(" or ", expected)}, not {Kind(value)}";
    }

    private static string OneOf(ContractSchemaNode? node) =>
        "must be one of " + string.Join(", ", node?.Keyword("enum")?.EnumerateArray().Select(v => v.ToString()) ?? []);

    /// <summary>"must have at most 2 decimals" for a multipleOf of 0.01.</summary>
    private static string Decimals(string multipleOf)
    {
        var dot = multipleOf.IndexOf('.');
        return dot >= 0 && multipleOf.TrimEnd('0').EndsWith('1') && multipleOf[..^1].All(c => c is '0' or '.')
            ? $"must have at most {multipleOf.Length - dot - 1} decimals"
            : $"must be a multiple of {multipleOf}";
    }

    /// <summary>The characters of a text as JSON Schema counts them: code points.</summary>
    private static int Length(JsonElement value) => value.GetString()!.EnumerateRunes().Count();

    /// <summary>A number as a decimal where it is one (7.9e28 as 79000000000000000000000000000), else as written.</summary>
    internal static string Number(JsonElement value)
    {
        var raw = value.GetRawText();
        return value.TryGetDecimal(out var d) && (d != 0m || raw.AsSpan().IndexOfAny("123456789") < 0)
            ? d.ToString(CultureInfo.InvariantCulture)
            : $"'{Q(raw)}'";
    }

    internal static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => e.ValueKind.ToString(),
    };

    private static string Q(string text) => SafeText.Quote(text);
}
