using System.Globalization;
using Azure.Data.Tables;

namespace Impact60.Application.Storage;

/// <summary>
/// The Azure Table Storage limits an entity must keep (docs/ingestion.md "Azure storage limits"), checked before a write
/// so that no value from a delivery can make the service refuse a write: a row that would break one is rejected as a bad
/// row with its reason, and the rest of the delivery is stored. Sizes are the service's own measure (strings in UTF-16).
/// </summary>
public static class TableLimits
{
    /// <summary>PartitionKey and RowKey: at most 1 KiB each, i.e. 512 UTF-16 characters.</summary>
    public const int MaxKeyChars = 512;

    /// <summary>A string property: at most 64 KiB, i.e. 32,768 UTF-16 characters.</summary>
    public const int MaxStringChars = 32 * 1024;

    /// <summary>An entity, keys and properties together: at most 1 MiB.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>Properties of an entity, the three system properties (PartitionKey, RowKey, Timestamp) included.</summary>
    public const int MaxProperties = 255;

    /// <summary>Operations in one entity group transaction.</summary>
    public const int MaxBatchOperations = 100;

    /// <summary>The body of one entity group transaction: at most 4 MiB.</summary>
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    /// <summary>What this code allows a transaction's entities to take of <see cref="MaxBatchBytes"/>, leaving room for the
    /// multipart framing (about 1 KiB per operation, so 100 KiB at 100 operations) and a safety margin.</summary>
    public const int BatchBudgetBytes = 3 * 1024 * 1024;

    /// <summary>
    /// Why <paramref name="key"/> cannot be a PartitionKey or RowKey, or null: too long, or holding <c>/ \ # ?</c> or a
    /// control character (U+0000–U+001F, U+007F–U+009F), which the service refuses in keys.
    /// </summary>
    public static string? KeyProblem(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?') return $"holds '{c}', which a table key cannot hold";
            if (c < ' ' || c is >= '\u007F' and <= '\u009F')
                return string.Create(CultureInfo.InvariantCulture, $"holds the control character U+{(int)c:X4}, which a table key cannot hold");
        }
        return key.Length > MaxKeyChars
            ? string.Create(CultureInfo.InvariantCulture, $"is {key.Length:N0} characters long; a table key holds at most {MaxKeyChars} (1 KiB)")
            : null;
    }

    /// <summary>
    /// Why <paramref name="entity"/> cannot be written, or null. <paramref name="nameOf"/> turns a property name into the
    /// name the reader of the reason knows (the register's column), e.g. <c>Business</c> → <c>business</c>.
    /// </summary>
    public static string? Problem(TableEntity entity, Func<string, string>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(entity);
        nameOf ??= n => n;
        if (KeyProblem(entity.PartitionKey ?? "") is { } pk) return $"{nameOf(nameof(entity.PartitionKey))} {pk}";
        if (KeyProblem(entity.RowKey ?? "") is { } rk) return $"{nameOf(nameof(entity.RowKey))} {rk}";
        var properties = UserProperties(entity).ToList();
        if (properties.Count + 3 > MaxProperties)
            return string.Create(CultureInfo.InvariantCulture, $"the row would have {properties.Count + 3} table properties; an entity holds at most {MaxProperties}");
        foreach (var (name, value) in properties)
            if (value is string s && s.Length > MaxStringChars)
                return string.Create(CultureInfo.InvariantCulture,
                    $"{nameOf(name)} is {s.Length:N0} characters long; a table property holds at most {MaxStringChars:N0} (64 KiB)");
        var size = SizeOf(entity);
        return size > MaxEntityBytes
            ? string.Create(CultureInfo.InvariantCulture, $"the row would take {size:N0} bytes; a table entity holds at most {MaxEntityBytes:N0} (1 MiB)")
            : null;
    }

    /// <summary>
    /// The entity's size as the service counts it: 4 bytes, plus 2 bytes a character of PartitionKey and RowKey, plus for
    /// each property 8 bytes, 2 bytes a character of its name and the size of its value (a string 4 + 2 a character).
    /// </summary>
    public static long SizeOf(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        long size = 4 + 2L * (entity.PartitionKey?.Length ?? 0) + 2L * (entity.RowKey?.Length ?? 0);
        foreach (var (name, value) in UserProperties(entity))
            size += 8 + 2L * name.Length + ValueSize(value);
        return size;
    }

    /// <summary>
    /// A conservative size of the entity in a transaction's JSON body: a character that JSON or the client's encoder may
    /// escape (anything but printable ASCII letters, digits and safe punctuation) counted as the 6 bytes of <c>\uXXXX</c>.
    /// </summary>
    public static long WireSizeOf(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        long size = 64 + JsonChars(entity.PartitionKey) + JsonChars(entity.RowKey);
        foreach (var (name, value) in UserProperties(entity))
            size += 16 + JsonChars(name) + (value is string s ? JsonChars(s) : 64);
        return size;
    }

    private static long JsonChars(string? s)
    {
        if (s is null) return 4;
        long n = 2;
        foreach (var c in s) n += c is >= ' ' and < '\u007F' and not ('"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`') ? 1 : 6;
        return n;
    }

    private static IEnumerable<(string Name, object? Value)> UserProperties(TableEntity entity) =>
        entity.Where(kv => kv.Key is not (nameof(entity.PartitionKey) or nameof(entity.RowKey) or "Timestamp" or "odata.etag"))
            .Select(kv => (kv.Key, (object?)kv.Value));

    private static long ValueSize(object? value) => value switch
    {
        null => 0,
        string s => 4 + 2L * s.Length,
        byte[] b => 4 + b.Length,
        BinaryData b => 4 + b.ToMemory().Length,
        bool => 1,
        int => 4,
        Guid => 16,
        _ => 8, // long, double, DateTime, DateTimeOffset
    };
}
