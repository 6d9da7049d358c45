namespace Impact60.Domain.Settlement;

/// <summary>
/// The one rounding rule for money (STYLE/PREAMBLE): 2 decimals, midpoint away from zero. Contract amounts have at most
/// 2 decimals (the loader enforces it), so sums and whole-week products are already exact; rounding is applied where a
/// product is formed so that any future fractional tariff is rounded here and nowhere else.
/// </summary>
public static class Money
{
    public const int Decimals = 2;

    public static decimal Round(decimal amount) => decimal.Round(amount, Decimals, MidpointRounding.AwayFromZero);
}
