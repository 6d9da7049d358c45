using Impact60.Domain.Text;

namespace Impact60.Domain.Primitives;

/// <summary>
/// A DREAM benefit code for one person-week: 1 to 4 digits, or empty meaning "no public benefit that week".
/// (A week with no row at all is something else: unknown. That is the absence of a <see cref="BenefitCode"/>.)
/// </summary>
/// <remarks>
/// Codes are numbers, so leading zeros are not significant: <c>0651</c> is read as <c>651</c> and <c>000</c> as <c>0</c>
/// wherever a code is parsed (every register reader and the API), and <see cref="Value"/> never starts with a zero unless
/// it is <c>0</c> (docs/register-formats.md). A spreadsheet that pads codes to four digits therefore changes nothing.
/// </remarks>
public readonly record struct BenefitCode
{
    private readonly string? _code;

    private BenefitCode(string? code) => _code = code;

    /// <summary>No public benefit that week.</summary>
    public static BenefitCode NoBenefit => default;

    public bool IsNoBenefit => string.IsNullOrEmpty(_code);
    public string Value => _code ?? "";

    public static bool TryParse(string? text, out BenefitCode code, out string? error)
    {
        code = default;
        var s = (text ?? "").AsSpan().Trim();
        if (s.Length == 0) { error = null; return true; }
        if (s.Length > 4 || s.ContainsAnyExcept(Digits))
        {
            error = $"benefit code '{SafeText.Quote(s)}' must be 1 to 4 digits or empty";
            return false;
        }
        var significant = s.TrimStart('0');
        code = new BenefitCode(significant.IsEmpty ? "0" : significant.ToString());
        error = null;
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    public static BenefitCode Parse(string? text) =>
        TryParse(text, out var c, out var e) ? c : throw new FormatException(e);

    public override string ToString() => Value;
}

/// <summary>How a register week counts under the contract's classification (DOMAIN.md rule 4).</summary>
public enum WeekClass : byte
{
    None = 0,
    Full = 1,
    Partial = 2,
}
