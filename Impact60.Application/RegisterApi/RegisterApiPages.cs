using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.RegisterApi;

/// <summary>
/// A parsed page of <c>GET …/weeks</c>: the good items as weeks (the rejected ones went to the caller's sink), the next
/// page's token, the latest <c>changedAt</c> of the items taken (what the pull may move its cursor to), and how many items
/// the page held and how many of them were rejected.
/// </summary>
internal sealed record WeeksPage(IReadOnlyList<RegisterWeek> Weeks, string? NextPageToken, DateTimeOffset? MaxChangedAt, int Items, int Rejected);

internal sealed record ReferralsPage(IReadOnlyList<Referral> Referrals, int Items, int Rejected);

/// <summary>
/// Reads the register API's JSON strictly, the way the file readers read files: a page that is not
/// <c>{ "items": [...] }</c> is unreadable as a whole (<see cref="RegisterApiException"/>); an item with a missing, unknown or
/// malformed field, a string that is not text, a bad CPR, or a week or change in the future is rejected with its position
/// (<c>item N</c>, reported as the line) and its JSON with every CPR masked (by its decoded values, the cpr field whole);
/// good items are kept. Rejections go to the caller's sink as they are made (the ingestion's <see cref="RejectionLog"/>,
/// which counts them all and keeps a few): a page of a million bad items is not held as a million rejections.
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

    private const string NotTextReason = "holds a string that is not valid text (bytes that are not UTF-8, or an escaped lone surrogate such as \\ud800)";

    /// <summary>
    /// Reads a weeks page. <paramref name="latestChangedAt"/> is the latest change the pull believes (its own time and a
    /// margin for clocks that differ): an item changed later is rejected, for it would move the cursor past changes the
    /// register has not made yet. Only the items taken make <see cref="WeeksPage.MaxChangedAt"/>.
    /// </summary>
    public static WeeksPage ParseWeeks(byte[] json, string source, Pseudonymizer pseudonymizer, IsoWeek latestAllowedWeek, DateTimeOffset latestChangedAt,
        ICollection<Rejection> rejections)
    {
        ArgumentNullException.ThrowIfNull(rejections);
        using var document = Open(json, source, out var items);
        string? next = null;
        if (document.RootElement.TryGetProperty("nextPageToken", out var token))
        {
            if (token.ValueKind == JsonValueKind.String)
                next = !IsText(token) ? throw new RegisterApiException($"{source}: 'nextPageToken' is not valid text.")
                    : token.GetString() is { Length: > 0 } t ? t : null;
            else if (token.ValueKind != JsonValueKind.Null) throw new RegisterApiException($"{source}: 'nextPageToken' must be a string or null.");
        }

        var taken = new List<(RegisterWeek Week, DateTimeOffset ChangedAt)>();
        DateTimeOffset? max = null;
        int index = 0, rejected = 0;
        foreach (var item in items.EnumerateArray())
        {
            index++;
            var error = IsText(item) ? CheckFields(item, WeekFields, ["code"]) : NotTextReason;
            RegisterWeek week = default;
            DateTimeOffset changedAt = default;
            if (error is null)
            {
                if (!Cpr.TryParse(item.GetProperty("cpr").GetString(), out var cpr, out var cprError)) error = cprError;
                else if (!IsoWeek.TryParse(item.GetProperty("week").GetString(), out var isoWeek, out var weekError)) error = weekError;
                else if (PlausibleDates.Refuse(isoWeek, "week") is { } rangeError) error = rangeError;
                else if (isoWeek > latestAllowedWeek) error = $"week {isoWeek} is in the future (latest allowed {latestAllowedWeek})";
                else if (!BenefitCode.TryParse(NullableString(item, "code"), out var code, out var codeError)) error = codeError;
                else if (TryChangedAt(item) is not { } c) error = "'changedAt' must be an ISO 8601 instant with an offset, e.g. 2019-04-08T02:00:00Z";
                else if (c > latestChangedAt)
                    error = $"changedAt {Instant(c)} is in the future: after {Instant(latestChangedAt)}, the time of the pull and a few minutes for clocks that differ";
                else (week, changedAt) = (new RegisterWeek(pseudonymizer.Of(cpr!), isoWeek, code), c);
            }
            if (error is not null)
            {
                rejected++;
                rejections.Add(Reject(source, index, error, item));
                continue;
            }
            taken.Add((week, changedAt));
            if (max is null || changedAt > max) max = changedAt;
        }
        // The same person-week twice in one page: the latest change wins (stable for equal instants: the later item).
        var weeks = taken
            .Select((t, i) => (t.Week, t.ChangedAt, i))
            .GroupBy(t => (t.Week.Person, t.Week.Week))
            .Select(g => g.OrderBy(t => t.ChangedAt).ThenBy(t => t.i).Last().Week)
            .ToList();
        return new WeeksPage(weeks, next, max, index, rejected);
    }

    public static ReferralsPage ParseReferrals(byte[] json, string source, Pseudonymizer pseudonymizer, ReferralReadOptions? rules, ICollection<Rejection> rejections)
    {
        ArgumentNullException.ThrowIfNull(rejections);
        using var document = Open(json, source, out var items);
        var referrals = new List<Referral>();
        int index = 0, rejected = 0;
        foreach (var item in items.EnumerateArray())
        {
            index++;
            var error = IsText(item) ? CheckFields(item, ReferralFields, ["courseEnd"]) : NotTextReason;
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
            if (error is not null)
            {
                rejected++;
                rejections.Add(Reject(source, index, error, item));
            }
        }
        return new ReferralsPage(referrals, index, rejected);
    }

    private static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

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
        bool hasItems;
        items = default;
        try
        {
            hasItems = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("items", out items) && items.ValueKind == JsonValueKind.Array;
        }
        catch (InvalidOperationException)
        {
            // Looking for "items" reads the page's own property names; one that is an escaped lone surrogate throws.
            document.Dispose();
            throw new RegisterApiException($"{source}: a property name of the response is not valid text (an escaped lone surrogate such as \\ud800).");
        }
        if (!hasItems)
        {
            document.Dispose();
            throw new RegisterApiException($"{source}: the response is not an object with an 'items' array.");
        }
        return document;
    }

    /// <summary>
    /// True when every string of <paramref name="element"/> (property names too) can be read as text. The JSON parser does
    /// not check what a string holds; reading one that holds bytes that are not UTF-8, or an escaped half of a UTF-16 pair
    /// (<c>\ud800</c>), throws <see cref="InvalidOperationException"/>. Checked on the raw bytes, without exceptions, so a
    /// page of many such items costs no more than any other bad page (docs/fuzzing.md, F6).
    /// </summary>
    internal static bool IsText(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        return Utf8.IsValid(raw) && NextLoneSurrogate(raw, 0) < 0;
    }

    /// <summary>Where the next <c>\uXXXX</c> escape at or after <paramref name="from"/> is half a UTF-16 pair without its
    /// other half; -1 when there is none. The JSON has been parsed, so every escape is well formed.</summary>
    private static int NextLoneSurrogate(ReadOnlySpan<byte> raw, int from)
    {
        for (var i = from; i < raw.Length - 1; i++)
        {
            if (raw[i] != (byte)'\\') continue;
            if (raw[i + 1] != (byte)'u' || i + 6 > raw.Length)
            {
                i++; // an escaped character: \\, \", \n, …
                continue;
            }
            var unit = Hex4(raw.Slice(i + 2, 4));
            if (char.IsLowSurrogate((char)unit)) return i;
            if (char.IsHighSurrogate((char)unit))
            {
                if (i + 12 > raw.Length || raw[i + 6] != (byte)'\\' || raw[i + 7] != (byte)'u' || !char.IsLowSurrogate((char)Hex4(raw.Slice(i + 8, 4)))) return i;
                i += 6; // the pair's second half
            }
            i += 5;
        }
        return -1;
    }

    private static int Hex4(ReadOnlySpan<byte> hex) =>
        int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? value : -1;

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

    /// <summary>
    /// <c>changedAt</c> as an instant: a date, a time to the second (a fraction allowed) and an offset, as ISO 8601 writes
    /// it. Not any text that <see cref="DateTimeOffset.TryParse(string?, IFormatProvider?, DateTimeStyles, out DateTimeOffset)"/>
    /// takes: it reads a time of day alone (<c>0:0Z</c>) as that time today, which would move the cursor by the clock.
    /// </summary>
    private static DateTimeOffset? TryChangedAt(JsonElement item) =>
        item.TryGetProperty("changedAt", out var v) && v.ValueKind == JsonValueKind.String
        && v.GetString() is { } s && (s.EndsWith('Z') || s.Contains('+') || s.LastIndexOf('-') > 10)
        && DateTimeOffset.TryParseExact(s, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var d)
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
        new(source, index, $"item {index}: {reason}", IsText(item) ? MaskedItem(item) : MaskedItemNotText(item));

    /// <summary>
    /// An item that is not text, as <see cref="MaskedItem"/> shows an item: its bytes that are not UTF-8 and its lone
    /// surrogates read as U+FFFD (the JSON around them is untouched: a string's content cannot end it), then masked.
    /// </summary>
    private static string MaskedItemNotText(JsonElement item)
    {
        var raw = JsonMarshal.GetRawUtf8Value(item).ToArray();
        for (var at = NextLoneSurrogate(raw, 0); at >= 0; at = NextLoneSurrogate(raw, at + 6))
            "\\ufffd"u8.CopyTo(raw.AsSpan(at));
        try
        {
            using var readable = JsonDocument.Parse(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(raw)));
            return MaskedItem(readable.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return "(the item is not shown: it is not valid text)";
        }
    }

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
