using System.Globalization;
using System.Text;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Text;

/// <summary>
/// Text taken from input data, made safe to show: control characters (C0, DEL, C1) and the Unicode bidirectional
/// overrides that can make a terminal or a report show something other than what is there are written as visible
/// escapes (<c>\u001B</c>), and a long value is cut with the number of characters left out. Used wherever a value
/// from a delivery is quoted back: rejection reasons, raw lines in the quarantine report, console output.
/// </summary>
public static class SafeText
{
    /// <summary>How much of a value a reason quotes before cutting it.</summary>
    public const int QuoteLength = 80;

    /// <summary>How much of a rejected raw line the quarantine report keeps.</summary>
    public const int RawLineLength = 1000;

    /// <summary>True when <paramref name="c"/> is a control or bidi-override character that must not be shown as it is.</summary>
    public static bool IsUnsafe(char c) =>
        c < ' ' || (c >= '\u007F' && c <= '\u009F')
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
        || c == '\u2028' || c == '\u2029' || c == '\uFEFF';

    /// <summary>True when any character of <paramref name="text"/> is <see cref="IsUnsafe"/>.</summary>
    public static bool HasUnsafe(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (IsUnsafe(c)) return true;
        return false;
    }

    /// <summary>
    /// <paramref name="text"/> with every unsafe character escaped as <c>\uXXXX</c> and, beyond <paramref name="maxLength"/>
    /// characters, cut with "… (N more characters)".
    /// </summary>
    public static string Show(ReadOnlySpan<char> text, int maxLength = int.MaxValue)
    {
        var cut = text.Length > maxLength;
        var shown = cut ? text[..maxLength] : text;
        if (!cut && !HasUnsafe(shown)) return shown.ToString();
        var sb = new StringBuilder(shown.Length + 32);
        foreach (var c in shown)
        {
            if (IsUnsafe(c)) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        if (cut) sb.Append("… (").Append((text.Length - maxLength).ToString(CultureInfo.InvariantCulture)).Append(" more characters)");
        return sb.ToString();
    }

    /// <summary>
    /// A value quoted inside a reason: safe and at most <see cref="QuoteLength"/> characters, every CPR number in it masked
    /// first (<see cref="Cpr.MaskAll"/>). Masked before the cut: a CPR the cut goes through is no longer one to a mask applied
    /// later to the whole reason, and its first digits would be left.
    /// </summary>
    public static string Quote(ReadOnlySpan<char> value) => Show(Cpr.MaskAll(value.ToString()), QuoteLength);
}
