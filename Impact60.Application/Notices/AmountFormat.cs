using System.Globalization;

namespace Impact60.Application.Notices;

/// <summary>
/// Kroner as people read them in the notices: <c>91.150,00 kr.</c> in Danish, <c>DKK 91,150.00</c> in English.
/// Rounded once, to 2 decimals, midpoint away from zero. Built from the invariant culture and explicit separators so
/// the output does not depend on the host's ICU data or culture settings.
/// </summary>
public static class AmountFormat
{
    public static string Danish(decimal amount)
    {
        var (sign, digits) = Grouped(amount);
        // Invariant "N2" gives 91,150.00; Danish swaps the two separators.
        var danish = string.Create(digits.Length, digits, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
                span[i] = s[i] switch { ',' => '.', '.' => ',', var c => c };
        });
        return $"{sign}{danish} kr.";
    }

    public static string English(decimal amount)
    {
        var (sign, digits) = Grouped(amount);
        return $"DKK {sign}{digits}";
    }

    private static (string Sign, string Digits) Grouped(decimal amount)
    {
        var rounded = Math.Round(amount, 2, MidpointRounding.AwayFromZero);
        return (rounded < 0m ? "-" : "", Math.Abs(rounded).ToString("N2", CultureInfo.InvariantCulture));
    }
}
