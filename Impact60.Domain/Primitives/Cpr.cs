using System.Globalization;

namespace Impact60.Domain.Primitives;

/// <summary>
/// A Danish CPR number: 10 digits, written <c>DDMMYY-SSSS</c> or <c>DDMMYYSSSS</c>, whose first six digits are a
/// valid date (DOMAIN.md "Register data"). The modulus-11 check is deliberately not applied: Denmark dropped it in 2007.
/// Personal data: <see cref="ToString"/> is masked; only <see cref="Pseudonymizer"/> reads the digits.
/// Exists only inside the register readers; nothing downstream of them sees a <see cref="Cpr"/>.
/// </summary>
public sealed class Cpr
{
    /// <summary>What any CPR looks like once masked, in reports and rejected raw lines.</summary>
    public const string Masked = "XXXXXX-XXXX";

    private readonly string _digits;

    private Cpr(string digits) => _digits = digits;

    /// <summary>The normalised 10 digits, for pseudonymisation only.</summary>
    internal string Digits => _digits;

    public static bool TryParse(string? text, out Cpr? cpr, out string? error)
    {
        cpr = null;
        var s = (text ?? "").Trim();
        if (s.Length == 11 && s[6] == '-') s = string.Concat(s.AsSpan(0, 6), s.AsSpan(7));
        if (s.Length != 10 || !s.All(char.IsAsciiDigit))
        {
            error = "CPR must be 10 digits, as DDMMYY-SSSS or DDMMYYSSSS";
            return false;
        }
        var day = int.Parse(s.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var month = int.Parse(s.AsSpan(2, 2), CultureInfo.InvariantCulture);
        var yy = int.Parse(s.AsSpan(4, 2), CultureInfo.InvariantCulture);
        // The century is not needed to check the date, except for 29 February: accept it if either candidate year is a leap year.
        if (month < 1 || month > 12 || day < 1 || day > Math.Max(DateTime.DaysInMonth(1900 + yy, month), DateTime.DaysInMonth(2000 + yy, month)))
        {
            error = "CPR's first six digits are not a valid date (DDMMYY)";
            return false;
        }
        cpr = new Cpr(s);
        error = null;
        return true;
    }

    public override string ToString() => Masked;
    public override bool Equals(object? obj) => obj is Cpr other && other._digits == _digits;
    public override int GetHashCode() => _digits.GetHashCode(StringComparison.Ordinal);

    /// <summary>Replaces every CPR-shaped run (10 digits, optionally with a dash after six) in <paramref name="text"/> with <see cref="Masked"/>.</summary>
    public static string MaskAll(string text) => CprPattern.Replace(text, Masked);

    private static readonly System.Text.RegularExpressions.Regex CprPattern =
        new(@"(?<!\d)\d{6}-?\d{4}(?!\d)", System.Text.RegularExpressions.RegexOptions.Compiled | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}
