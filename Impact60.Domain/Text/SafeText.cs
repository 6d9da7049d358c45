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
    /// A value quoted inside a reason: <see cref="ShowMasked"/> at <see cref="QuoteLength"/> characters.
    /// </summary>
    public static string Quote(ReadOnlySpan<char> value) => ShowMasked(value, QuoteLength);

    /// <summary>
    /// Text from a delivery made safe to show and CPR-free, cut at <paramref name="maxLength"/> characters:
    /// <list type="number">
    /// <item>every CPR number masked (<see cref="Cpr.MaskAll"/>), before anything else: a CPR whose parts are separated by
    /// control characters is one while they are there, and no longer one to the mask once they are escaped;</item>
    /// <item>cut, and at the cut any digits and characters that can separate a CPR's parts dropped (at most
    /// <see cref="Cpr.MaxSpellingLength"/>): the start of a CPR that the cut goes through would otherwise be left, and so
    /// would ten digits of a longer run, which read as a CPR though they are none;</item>
    /// <item>unsafe characters escaped (<see cref="Show"/>), and the result masked once more, so that what is shown is never
    /// CPR-shaped whatever an escape's digits run into.</item>
    /// </list>
    /// Only the first <paramref name="maxLength"/> characters and a margin are looked at, so the cost does not grow with the
    /// text: a reader that shows the same 256 KB line for each of its thousand bad cells pays for a thousand short texts.
    /// </summary>
    public static string ShowMasked(ReadOnlySpan<char> text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        // The margin holds any CPR that starts before the cut, with the digit after it that would make it none.
        var headLength = (int)Math.Min(text.Length, (long)maxLength + Cpr.MaxSpellingLength + 1);
        var left = text.Length - headLength;
        var masked = Cpr.MaskAll(text[..headLength].ToString());
        var shown = masked.AsSpan(0, Math.Min(maxLength, masked.Length));
        if (left > 0 || shown.Length < masked.Length)
        {
            var keep = shown.Length;
            while (keep > 0 && shown.Length - keep < Cpr.MaxSpellingLength && Cpr.MayBePartOfSpelling(shown[keep - 1])) keep--;
            if (keep > 0 && char.IsHighSurrogate(shown[keep - 1])) keep--;
            shown = shown[..keep];
        }
        var more = masked.Length - shown.Length + left;
        var result = Cpr.MaskAll(Show(shown));
        return more == 0 ? result : string.Create(CultureInfo.InvariantCulture, $"{result}… ({more} more characters)");
    }
}
