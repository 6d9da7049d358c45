using System.Globalization;
using System.Text.Json;
using Impact60.Domain.Primitives;
using Impact60.Domain.Text;

namespace Impact60.Domain.Contracts;

/// <summary>
/// Reads one value of the contract, after the schema, with the rules of a single value that the schema cannot say: no
/// control character and no CPR number in a text, a required text not only spaces, a whole number written as one
/// (<c>13</c>, not <c>13.0</c>), a date, week or month that exists and lies in <see cref="PlausibleDates"/>, a valid GS1
/// check digit. Each reader returns null for a value that is absent, null, or has an error (it reports its own).
/// </summary>
internal sealed class ContractValues(ContractErrors errors)
{
    public ContractErrors Errors { get; } = errors;

    /// <summary>The value of <paramref name="name"/> when it is present, not null and has no error.</summary>
    public JsonElement? Get(JsonElement parent, string parentPath, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        return Errors.Has($"{parentPath}.{name}") ? null : v;
    }

    /// <summary>The object <paramref name="name"/> when it can be read into (no error of its own).</summary>
    public bool Object(JsonElement parent, string parentPath, string name, out JsonElement value, out string path)
    {
        path = $"{parentPath}.{name}";
        value = Get(parent, parentPath, name) ?? default;
        return value.ValueKind == JsonValueKind.Object;
    }

    /// <summary>The array <paramref name="name"/>'s entries, or none (absent, too long, not an array).</summary>
    public IEnumerable<JsonElement> Array(JsonElement parent, string parentPath, string name) =>
        Get(parent, parentPath, name) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];

    /// <summary>
    /// A text. Read also when the schema refused its form, so that a CPR number is reported as one (and never quoted as
    /// a wrong value). <paramref name="required"/>: not only spaces; <paramref name="mayLookLikeCpr"/>: the bank account.
    /// </summary>
    public string? Text(JsonElement parent, string parentPath, string name, bool required = true, bool mayLookLikeCpr = false)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
            return null;
        var path = $"{parentPath}.{name}";
        if (Errors.Has(path, ErrorRank.Shape)) return null;
        var s = v.GetString()!;
        var unsafeAt = FirstUnsafe(s);
        if (unsafeAt >= 0)
            Errors.Add(path, $"must not contain control characters (found \\u{(int)s[unsafeAt]:X4} at character {unsafeAt + 1})", ErrorRank.Text);
        else if (!mayLookLikeCpr && Cpr.ContainsCprLike(s))
            Errors.Add(path, ContractLoader.CprMessage, ErrorRank.Text);
        else if (required && string.IsNullOrWhiteSpace(s))
            Errors.Add(path, "must not be empty", ErrorRank.Text);
        return Errors.Has(path) ? null : s;
    }

    /// <summary>A whole number; the schema has bounded it, this refuses <c>13.0</c> and <c>1.3e1</c> (JSON Schema calls them integers).</summary>
    public int? Int(JsonElement parent, string parentPath, string name)
    {
        if (Get(parent, parentPath, name) is not { } v) return null;
        if (v.TryGetInt32(out var i)) return i;
        Errors.Add($"{parentPath}.{name}", $"must be a whole number (found {SafeText.Quote(v.GetRawText())})", ErrorRank.Rule);
        return null;
    }

    public decimal? Decimal(JsonElement parent, string parentPath, string name)
    {
        if (Get(parent, parentPath, name) is not { } v) return null;
        if (v.TryGetDecimal(out var d)) return d;
        Errors.Add($"{parentPath}.{name}", $"is out of range (found {ContractMessages.Number(v)})", ErrorRank.Rule);
        return null;
    }

    public bool? Bool(JsonElement parent, string parentPath, string name) =>
        Get(parent, parentPath, name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } v ? v.GetBoolean() : null;

    public WeekClass? WeekClass(JsonElement? value) => value?.ValueKind == JsonValueKind.String
        ? value.Value.GetString() switch { "Full" => Primitives.WeekClass.Full, "Partial" => Primitives.WeekClass.Partial, "None" => Primitives.WeekClass.None, _ => null }
        : null;

    public DateOnly? Date(JsonElement parent, string parentPath, string name)
    {
        if (Text(parent, parentPath, name) is not { } s) return null;
        var path = $"{parentPath}.{name}";
        if (!DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            Errors.Add(path, $"must be a date as YYYY-MM-DD (found '{SafeText.Quote(s)}')", ErrorRank.Rule);
        else if (!PlausibleDates.Contains(d))
            Errors.Add(path, $"must be from {PlausibleDates.Earliest:yyyy-MM-dd} to {PlausibleDates.Latest:yyyy-MM-dd} (found {d:yyyy-MM-dd})", ErrorRank.Rule);
        else return d;
        return null;
    }

    public IsoWeek? Week(JsonElement parent, string parentPath, string name)
    {
        if (Text(parent, parentPath, name) is not { } s) return null;
        var path = $"{parentPath}.{name}";
        if (!IsoWeek.TryParse(s, out var w, out var error))
            Errors.Add(path, SafeText.Show(error ?? "is not an ISO week (YYYY-Www)", 200), ErrorRank.Rule);
        else if (!PlausibleDates.Contains(w))
            Errors.Add(path, $"must be from {PlausibleDates.EarliestWeek} to {PlausibleDates.LatestWeek} (found {w})", ErrorRank.Rule);
        else return w;
        return null;
    }

    /// <summary>A month <c>YYYY-MM</c>, as its first day.</summary>
    public DateOnly? Month(JsonElement parent, string parentPath, string name)
    {
        if (Text(parent, parentPath, name) is not { } s) return null;
        var path = $"{parentPath}.{name}";
        if (!DateOnly.TryParseExact(s + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            Errors.Add(path, $"must be a month as YYYY-MM (found '{SafeText.Quote(s)}')", ErrorRank.Rule);
        else if (!PlausibleDates.Contains(month))
            Errors.Add(path, $"must be from {PlausibleDates.Earliest:yyyy-MM} to {PlausibleDates.Latest:yyyy-MM} (found {month:yyyy-MM})", ErrorRank.Rule);
        else return month;
        return null;
    }

    /// <summary>An EAN (GLN): the schema has made it 13 digits; its last is the GS1 check digit of the others.</summary>
    public string? Ean(JsonElement parent, string parentPath)
    {
        if (Text(parent, parentPath, "ean") is not { } s) return null;
        if (Gs1.HasValidCheckDigit(s)) return s;
        Errors.Add($"{parentPath}.ean", $"has a wrong GS1 check digit (found '{s}', the check digit should be {Gs1.CheckDigit(s.AsSpan(0, 12))})", ErrorRank.Rule);
        return null;
    }

    private static int FirstUnsafe(string s)
    {
        for (var i = 0; i < s.Length; i++)
            if (SafeText.IsUnsafe(s[i])) return i;
        return -1;
    }
}
