using System.Globalization;

namespace Impact60.Application.Notices;

/// <summary>
/// Kroner as people read them in the notices: <c>91.150,00 kr.</c> in Danish, <c>DKK 91,150.00</c> in English.
/// Rounded once, to 2 decimals, midpoint away from zero. Built from the invariant culture and explicit separators so
/// the output does not depend on the host's ICU data or culture settings.
/// </summary>
public static class AmountFormat
{
    public static string Danish(decimal amount) => Documents.DanishAmount.Format(amount);

    public static string English(decimal amount)
    {
        var (sign, digits) = Grouped(amount);
        return $"DKK {sign}{digits}";
    }

    private static (string Sign, string Digits) Grouped(decimal amount)
    {
        var rounded = Impact60.Domain.Settlement.Money.Round(amount);
        return (rounded < 0m ? "-" : "", Math.Abs(rounded).ToString("N2", CultureInfo.InvariantCulture));
    }
}
