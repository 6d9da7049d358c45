using System.Globalization;

namespace Impact60.Application.Documents;

/// <summary>
/// Amounts the way Danish readers expect them: <c>91.150,00 kr.</c> (thousands '.', decimals ',', always two).
/// One helper for PDFs and e-mails so every notice writes money the same way.
/// </summary>
public static class DanishAmount
{
    private static readonly NumberFormatInfo Danish = new()
    {
        NumberDecimalSeparator = ",",
        NumberGroupSeparator = ".",
        NumberGroupSizes = [3],
        NegativeSign = "-",
    };

    /// <summary><c>91150m</c> → <c>91.150,00 kr.</c>; rounds to øre (AwayFromZero) first.</summary>
    public static string Format(decimal amount) => FormatNumber(amount) + " kr.";

    /// <summary><c>91150m</c> → <c>91.150,00</c> (no currency), for table columns.</summary>
    public static string FormatNumber(decimal amount) =>
        SettlementDocument.RoundMoney(amount).ToString("N2", Danish);
}
