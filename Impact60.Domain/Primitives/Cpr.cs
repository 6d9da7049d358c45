using System.Globalization;

namespace Impact60.Domain.Primitives;

/// <summary>
/// A Danish CPR number: 10 digits, written <c>DDMMYY-SSSS</c> or <c>DDMMYYSSSS</c>, whose first six digits are a
/// valid date (DOMAIN.md "Register data"). The modulus-11 check is deliberately not applied: Denmark dropped it in 2007.
/// Personal data: <see cref="ToString"/> is masked; only <see cref="Pseudonymizer"/> reads the digits.
/// Exists only inside the register readers; nothing downstream of them sees a <see cref="Cpr"/>.
/// </summary>
public sealed partial class Cpr
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
        if (!IsDate(s.AsSpan(0, 6)))
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

    /// <summary>
    /// True when the six digits <c>DDMMYY</c> are a date in 19YY or 20YY (the century is not needed, except for 29 February:
    /// accepted if either candidate year is a leap year).
    /// </summary>
    private static bool IsDate(ReadOnlySpan<char> ddmmyy)
    {
        var day = (ddmmyy[0] - '0') * 10 + (ddmmyy[1] - '0');
        var month = (ddmmyy[2] - '0') * 10 + (ddmmyy[3] - '0');
        var yy = (ddmmyy[4] - '0') * 10 + (ddmmyy[5] - '0');
        return month is >= 1 and <= 12
            && day >= 1 && day <= Math.Max(DateTime.DaysInMonth(1900 + yy, month), DateTime.DaysInMonth(2000 + yy, month));
    }

    /// <summary>
    /// Replaces every CPR number in <paramref name="text"/>, in any spelling a person would type, with <see cref="Masked"/>;
    /// nothing else is touched.
    /// </summary>
    /// <remarks>
    /// The rule (also in docs/register-formats.md): ten digits <c>DD MM YY SSSS</c> where
    /// <list type="bullet">
    /// <item><c>DD</c>, <c>MM</c>, <c>YY</c> and <c>SSSS</c> follow each other directly or with a separator between any two
    /// of them (<c>DDMMYY-SSSS</c>, <c>DD.MM.YY-SSSS</c>, <c>DD MM YY SSSS</c>, <c>DD. MM. YY SSSS</c>, also mixed);</item>
    /// <item>a separator is at most one of <c>-</c>, the Unicode hyphens and dashes (en dash, em dash, minus), <c>/</c>,
    /// <c>.</c>, <c>_</c> and <c>\</c>, with up to two spaces, control or invisible characters on each side of it, or up to
    /// four of those alone (so a tab, a no-break space or a zero-width character between the parts hides nothing);</item>
    /// <item><c>SSSS</c> is four digits together;</item>
    /// <item><c>DDMMYY</c> is a valid date (as <see cref="TryParse"/> checks; no modulus-11 check), and</item>
    /// <item>the run is not part of a longer digit run: no digit right before it or right after it.</item>
    /// </list>
    /// So <c>010197-9911</c>, <c>0101979911</c>, <c>010197 9911</c>, <c>010197/9911</c>, <c>010197.9911</c>,
    /// <c>010197–9911</c>, <c>01.01.97-9911</c>, <c>01 01 97 9911</c>, <c>01-01-97-9911</c> and <c>JC0101979911</c> are
    /// masked; amounts (<c>91.150,00</c>), ISO dates and weeks, EAN-13 and CVR numbers, invoice numbers, phone numbers,
    /// GUIDs and hex ids are not — unless they happen to hold exactly such a run with a valid date.
    /// </remarks>
    public static string MaskAll(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return CprPattern().Replace(text, m => HasDate(m.ValueSpan) ? Masked : m.Value);
    }

    /// <summary>True when <paramref name="text"/> holds a CPR number in any spelling <see cref="MaskAll"/> masks.</summary>
    public static bool ContainsCprLike(ReadOnlySpan<char> text)
    {
        foreach (var m in CprPattern().EnumerateMatches(text))
            if (HasDate(text.Slice(m.Index, m.Length))) return true;
        return false;
    }

    /// <summary>True when the first six digits of <paramref name="match"/> (separators skipped) are a date.</summary>
    private static bool HasDate(ReadOnlySpan<char> match)
    {
        Span<char> digits = stackalloc char[6];
        var n = 0;
        foreach (var c in match)
        {
            if (c is >= '0' and <= '9') digits[n++] = c;
            if (n == 6) return IsDate(digits);
        }
        return false;
    }

    /// <summary>The longest text <see cref="MaskAll"/> takes for one CPR: ten digits and three separators of five characters.</summary>
    public const int MaxSpellingLength = 10 + 3 * 5;

    /// <summary>True for a character a CPR spelling that <see cref="MaskAll"/> masks can hold: a digit, padding or a separator.</summary>
    public static bool MayBePartOfSpelling(char c) =>
        char.IsAsciiDigit(c) || char.IsWhiteSpace(c) || char.IsControl(c)
        || char.GetUnicodeCategory(c) == UnicodeCategory.Format || PunctuationSeparators.Contains(c);

    private const string PunctuationSeparators = "-\u2010\u2011\u2012\u2013\u2014\u2212/._\\";

    // P: padding — whitespace, control and invisible format characters. S: one punctuation separator.
    private const string Pad = @"[\s\p{Cc}\p{Cf}]";
    private const string Punct = @"[-\u2010\u2011\u2012\u2013\u2014\u2212/._\\]";
    private const string Sep = "(?:" + Pad + "{0,2}" + Punct + "?" + Pad + "{0,2})";

    // The day and month ranges are checked here already, so that the engine looks on from the next position when they
    // fail; the day-in-month check (31 April, 29 February) is IsDate's.
    [System.Text.RegularExpressions.GeneratedRegex(
        "(?<![0-9])(?:0[1-9]|[12][0-9]|3[01])" + Sep + "(?:0[1-9]|1[0-2])" + Sep + "[0-9]{2}" + Sep + "[0-9]{4}(?![0-9])",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex CprPattern();
}
