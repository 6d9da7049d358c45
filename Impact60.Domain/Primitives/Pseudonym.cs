using System.Security.Cryptography;
using System.Text;

namespace Impact60.Domain.Primitives;

/// <summary>
/// The only identity of a citizen that leaves the register readers: 64 lower-case hex digits,
/// the HMAC-SHA256 of the normalised CPR under the programme's secret key.
/// </summary>
/// <remarks>
/// <c>default(Pseudonym)</c> (an unset field, a failed <c>TryParse</c>'s out value) is nobody: reading its
/// <see cref="Value"/>, <see cref="Short"/> or <see cref="ToString"/> throws <see cref="InvalidOperationException"/>,
/// so it is never stored as a key or compared as a person. Equality does not throw (<c>p == default</c> tests for it).
/// </remarks>
public readonly record struct Pseudonym
{
    private readonly string? _value;

    public string Value => _value ?? NotAPseudonym();

    private Pseudonym(string value) => _value = value;

    /// <summary>True for <c>default(Pseudonym)</c>, which is nobody.</summary>
    public bool IsDefault => _value is null;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static string NotAPseudonym() =>
        throw new InvalidOperationException("default(Pseudonym) is nobody: a pseudonym was used that was never set (parse or compute one).");

    public static bool TryParse(string? text, out Pseudonym pseudonym)
    {
        pseudonym = default;
        if (text is null || text.Length != 64) return false;
        foreach (var c in text)
            if (!(char.IsAsciiDigit(c) || (c >= 'a' && c <= 'f'))) return false;
        pseudonym = new Pseudonym(text);
        return true;
    }

    public static Pseudonym Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException("A pseudonym is 64 lower-case hex digits.");

    internal static Pseudonym FromHash(ReadOnlySpan<byte> hash) => new(Convert.ToHexStringLower(hash));

    /// <summary>A short form for logs and tables read by people (still not reversible).</summary>
    public string Short => Value[..12];

    public override string ToString() => Value;
}

/// <summary>
/// Keyed HMAC-SHA256 of the normalised CPR. The key is configuration (Key Vault in Azure), never a constant in code;
/// it must be at least 32 bytes so the pseudonyms cannot be brute-forced from the small CPR space.
/// </summary>
public sealed class Pseudonymizer
{
    public const int MinimumKeyBytes = 32;
    private readonly byte[] _key;

    public Pseudonymizer(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyBytes)
            throw new ArgumentException($"The pseudonymisation key must be at least {MinimumKeyBytes} bytes; it is {key.Length}.", nameof(key));
        _key = key.ToArray();
    }

    /// <summary>Reads a key given as base64 (how it is kept in configuration and Key Vault).</summary>
    public static Pseudonymizer FromBase64(string? base64Key, string settingName)
    {
        if (string.IsNullOrWhiteSpace(base64Key))
            throw new InvalidOperationException($"The pseudonymisation key is missing: set '{settingName}' to at least {MinimumKeyBytes} random bytes in base64 (e.g. `openssl rand -base64 32`).");
        byte[] bytes;
        try { bytes = Convert.FromBase64String(base64Key.Trim()); }
        catch (FormatException) { throw new InvalidOperationException($"The pseudonymisation key in '{settingName}' is not valid base64."); }
        if (bytes.Length < MinimumKeyBytes)
            throw new InvalidOperationException($"The pseudonymisation key in '{settingName}' is {bytes.Length} bytes; it must be at least {MinimumKeyBytes}.");
        return new Pseudonymizer(bytes);
    }

    public Pseudonym Of(Cpr cpr)
    {
        Span<byte> input = stackalloc byte[10];
        Encoding.ASCII.GetBytes(cpr.Digits, input);
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_key, input, hash);
        return Pseudonym.FromHash(hash);
    }
}
