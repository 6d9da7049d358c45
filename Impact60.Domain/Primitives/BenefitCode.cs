namespace Impact60.Domain.Primitives;

/// <summary>
/// A DREAM benefit code for one person-week: 1 to 4 digits, or empty meaning "no public benefit that week".
/// (A week with no row at all is something else: unknown. That is the absence of a <see cref="BenefitCode"/>.)
/// </summary>
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
        var s = (text ?? "").Trim();
        if (s.Length == 0) { error = null; return true; }
        if (s.Length > 4 || !s.All(char.IsAsciiDigit))
        {
            error = $"benefit code '{s}' must be 1 to 4 digits or empty";
            return false;
        }
        code = new BenefitCode(s);
        error = null;
        return true;
    }

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
