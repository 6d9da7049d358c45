using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.RegisterApi;

/// <summary>A parsed page of <c>GET …/weeks</c>: the good items as weeks, the bad ones as rejections (masked).</summary>
internal sealed record WeeksPage(IReadOnlyList<RegisterWeek> Weeks, IReadOnlyList<Rejection> Rejections, string? NextPageToken, DateTimeOffset? MaxChangedAt, int Items);

internal sealed record ReferralsPage(IReadOnlyList<Referral> Referrals, IReadOnlyList<Rejection> Rejections, int Items);

/// <summary>
/// Reads the register API's JSON strictly, the way the file readers read files: a page that is not
/// <c>{ "items": [...] }</c> is unreadable as a whole (<see cref="RegisterApiException"/>); an item with a missing, unknown or
/// malformed field, a bad CPR, or a week in the future is rejected with its position (<c>item N</c>, reported as the
/// line) and its JSON with every CPR masked (by its decoded values, the cpr field whole); good items are kept.
/// <para>Shapes (REGISTER.md; the referrals shape is ours, mirroring weeks and the referrals file):</para>
/// <code>
/// weeks:     { "items": [ { "cpr", "week": "2019-W14", "code": "130" | "" | null, "changedAt": "2019-04-08T02:00:00Z" } ], "nextPageToken": "..." | null }
/// referrals: { "items": [ { "referralId", "cpr", "referredOn": "2018-09-27", "courseStart", "courseEnd": "..." | "" | null, "fokusRef", "business" } ] }
/// </code>
/// </summary>
internal static class RegisterApiPages
{
    private static readonly string[] WeekFields = ["cpr", "week", "code", "changedAt"];
    private static readonly string[] ReferralFields = ["referralId", "cpr", "referredOn", "courseStart", "courseEnd", "fokusRef", "business"];

    public static WeeksPage ParseWeeks(byte[] json, string source, Pseudonymizer pseudonymizer, IsoWeek latestAllowedWeek)
    {
        using var document = Open(json, source, out var items);
        string? next = null;
        if (document.RootElement.TryGetProperty("nextPageToken", out var token))
        {
            if (token.ValueKind == JsonValueKind.String) next = token.GetString() is { Length: > 0 } t ? t : null;
            else if (token.ValueKind != JsonValueKind.Null) throw new RegisterApiException($"{source}: 'nextPageToken' must be a string or null.");
        }

        var rejections = new List<Rejection>();
        var taken = new List<(RegisterWeek Week, DateTimeOffset ChangedAt)>();
        DateTimeOffset? max = null;
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            index++;
            var changedAt = TryChangedAt(item);
            if (changedAt is { } c && (max is null || c > max)) max = c;
            var error = CheckFields(item, WeekFields, ["code"]);
            RegisterWeek week = default;
            if (error is null)
            {
                if (!Cpr.TryParse(item.GetProperty("cpr").GetString(), out var cpr, out var cprError)) error = cprError;
                else if (!IsoWeek.TryParse(item.GetProperty("week").GetString(), out var isoWeek, out var weekError)) error = weekError;
                else if (PlausibleDates.Refuse(isoWeek, "week") is { } rangeError) error = rangeError;
                else if (isoWeek > latestAllowedWeek) error = $"week {isoWeek} is in the future (latest allowed {latestAllowedWeek})";
                else if (!BenefitCode.TryParse(NullableString(item, "code"), out var code, out var codeError)) error = codeError;
                else if (changedAt is null) error = "'changedAt' must be an ISO 8601 instant with an offset, e.g. 2019-04-08T02:00:00Z";
                else week = new RegisterWeek(pseudonymizer.Of(cpr!), isoWeek, code);
            }
            if (error is not null) rejections.Add(Reject(source, index, error, item));
            else taken.Add((week, changedAt!.Value));
        }
        // The same person-week twice in one page: the latest change wins (stable for equal instants: the later item).
        var weeks = taken
            .Select((t, i) => (t.Week, t.ChangedAt, i))
            .GroupBy(t => (t.Week.Person, t.Week.Week))
            .Select(g => g.OrderBy(t => t.ChangedAt).ThenBy(t => t.i).Last().Week)
            .ToList();
        return new WeeksPage(weeks, rejections, next, max, index);
    }

    public static ReferralsPage ParseReferrals(byte[] json, string source, Pseudonymizer pseudonymizer, ReferralReadOptions? rules = null)
    {
        using var document = Open(json, source, out var items);
        var rejections = new List<Rejection>();
        var referrals = new List<Referral>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            index++;
            var error = CheckFields(item, ReferralFields, ["courseEnd"]);
            if (error is null)
            {
                var id = item.GetProperty("referralId").GetString()!;
                var fokusRef = item.GetProperty("fokusRef").GetString()!;
                var business = item.GetProperty("business").GetString()!;
                if (id.Trim().Length == 0) error = "'referralId' is empty";
                else if (HoldsCpr(id, "referralId") is { } idError) error = idError;
                else if (fokusRef.Trim().Length == 0) error = "'fokusRef' is empty";
                else if (HoldsCpr(fokusRef, "fokusRef") is { } fokusError) error = fokusError;
                else if (business.Trim().Length == 0) error = "'business' is empty";
                else if (HoldsCpr(business, "business") is { } businessError) error = businessError;
                else if (!Cpr.TryParse(item.GetProperty("cpr").GetString(), out var cpr, out var cprError)) error = cprError;
                else if (!TryDate(item, "referredOn", out var referredOn, out error)) { }
                else if (!TryDate(item, "courseStart", out var courseStart, out error)) { }
                else if (NullableString(item, "courseEnd") is { Length: > 0 } && !TryDate(item, "courseEnd", out _, out error)) { }
                else
                {
                    DateOnly? courseEnd = NullableString(item, "courseEnd") is { Length: > 0 } end
                        ? DateOnly.ParseExact(end, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
                    var referral = new Referral(id.Trim(), pseudonymizer.Of(cpr!), referredOn, courseStart, courseEnd, fokusRef, business);
                    if (courseEnd < courseStart) error = $"courseEnd {courseEnd:yyyy-MM-dd} is before courseStart {courseStart:yyyy-MM-dd}";
                    // The file reader's row rules (identifier length and characters, date range, dates against the delivery).
                    else if (ReferralFile.Check(referral, rules) is { } ruleError) error = ruleError;
                    else referrals.Add(referral);
                }
            }
            if (error is not null) rejections.Add(Reject(source, index, error, item));
        }
        return new ReferralsPage(referrals, rejections, index);
    }

    private static JsonDocument Open(byte[] json, string source, out JsonElement items)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            // The parser's message quotes no content, only positions.
            throw new RegisterApiException($"{source}: the response is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}).");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("items", out items) || items.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            throw new RegisterApiException($"{source}: the response is not an object with an 'items' array.");
        }
        return document;
    }

    /// <summary>Every field present, no unknown field, all strings (nullable ones may be null).</summary>
    private static string? CheckFields(JsonElement item, string[] fields, string[] nullable)
    {
        if (item.ValueKind != JsonValueKind.Object) return "item is not a JSON object";
        foreach (var p in item.EnumerateObject())
            if (!fields.Contains(p.Name, StringComparer.Ordinal)) return $"unknown field '{p.Name}'";
        foreach (var f in fields)
        {
            if (!item.TryGetProperty(f, out var v)) return $"field '{f}' is missing";
            if (v.ValueKind == JsonValueKind.Null && nullable.Contains(f)) continue;
            if (v.ValueKind != JsonValueKind.String) return $"field '{f}' must be a string{(nullable.Contains(f) ? " or null" : "")}";
        }
        return null;
    }

    /// <summary>The referral id, FOKUS reference and business are stored and printed as they are: one holding a CPR-shaped
    /// number would carry personal data everywhere the pseudonym keeps it out (as the referrals file reader, so the API).</summary>
    private static string? HoldsCpr(string value, string field) =>
        Cpr.MaskAll(value) == value ? null : $"'{field}' holds a CPR-shaped number; an identifier must not be personal data, so the item is not stored";

    private static string? NullableString(JsonElement item, string name) =>
        item.GetProperty(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static DateTimeOffset? TryChangedAt(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("changedAt", out var v) && v.ValueKind == JsonValueKind.String
        && v.GetString() is { } s && (s.EndsWith('Z') || s.Contains('+') || s.LastIndexOf('-') > 10)
        && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var d)
            ? d : null;

    private static bool TryDate(JsonElement item, string name, out DateOnly date, out string? error)
    {
        if (DateOnly.TryParseExact(item.GetProperty(name).GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            error = null;
            return true;
        }
        error = $"'{name}' must be a date yyyy-MM-dd";
        return false;
    }

    private static Rejection Reject(string source, int index, string reason, JsonElement item) =>
        new(source, index, $"item {index}: {Cpr.MaskAll(reason)}", MaskedItem(item));

    /// <summary>
    /// The item as the quarantine report shows it, written again from its decoded values: every CPR-shaped run masked, and
    /// the <c>cpr</c> field whole whatever it holds (a malformed CPR is still personal data; the file readers mask the
    /// cpr column alike). Not the raw text masked: JSON may write any character as an escape (a .NET register writes an en
    /// dash as <c>\u2013</c> and a no-break space as <c>\u00A0</c>), and a pattern over the raw text does not see a CPR
    /// spelled with one, while a person reading the report does.
    /// </summary>
    private static string MaskedItem(JsonElement item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteMasked(writer, item, wholeField: false);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteMasked(Utf8JsonWriter writer, JsonElement e, bool wholeField)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in e.EnumerateObject())
                {
                    writer.WritePropertyName(Cpr.MaskAll(p.Name));
                    WriteMasked(writer, p.Value, p.Name.Equals("cpr", StringComparison.OrdinalIgnoreCase));
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var element in e.EnumerateArray()) WriteMasked(writer, element, wholeField);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Null:
                writer.WriteNullValue();
                break;
            case JsonValueKind.String when !wholeField || string.IsNullOrWhiteSpace(e.GetString()):
                writer.WriteStringValue(Cpr.MaskAll(e.GetString()!));
                break;
            default:
                // A number or a literal: as written, unless it is the cpr field or holds a CPR; then masked, as a string.
                var raw = e.ValueKind == JsonValueKind.String ? "" : e.GetRawText();
                if (wholeField) writer.WriteStringValue(Cpr.Masked);
                else if (Cpr.ContainsCprLike(raw)) writer.WriteStringValue(Cpr.MaskAll(raw));
                else e.WriteTo(writer);
                break;
        }
    }
}
