namespace Impact60.Domain.Contracts;

/// <summary>GS1 mod-10 check digit, as used by EAN-13 / GLN location numbers.</summary>
public static class Gs1
{
    /// <summary>The check digit for the 12 leading digits: weights 1,3,1,3... from the left.</summary>
    public static int CheckDigit(ReadOnlySpan<char> first12)
    {
        var sum = 0;
        for (var i = 0; i < first12.Length; i++)
            sum += (first12[i] - '0') * (i % 2 == 0 ? 1 : 3);
        return (10 - sum % 10) % 10;
    }

    public static bool HasValidCheckDigit(string thirteenDigits) =>
        thirteenDigits.Length == 13 && CheckDigit(thirteenDigits.AsSpan(0, 12)) == thirteenDigits[12] - '0';
}
