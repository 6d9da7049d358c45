using Impact60.Domain.Primitives;

// The record is the contract's classification parameter as the contract loader builds it, so it stays in the
// namespace of the contract's other parameters; the file is here, with the other rules.
namespace Impact60.Domain.Contracts;

/// <summary>
/// <b>Rule 4 — Class.</b> A week with an empty code has the class <c>emptyCode</c> (Full). A code listed under
/// <c>classification.codes</c> has its listed class (education codes Full, flex-job codes Partial). Any other code has
/// the class <c>default</c> (None). Codes are numbers: <c>0651</c> is code 651. A week with no row has no class: it is
/// unknown.
/// </summary>
/// <param name="Codes">The listed codes, written as numbers (no leading zeros; the contract loader normalises them).</param>
public sealed record Classification(WeekClass EmptyCode, WeekClass Default, IReadOnlyDictionary<string, WeekClass> Codes)
{
    /// <summary>The class of a week with a register row (<see cref="BenefitCode"/> has its leading zeros dropped already).</summary>
    public WeekClass Classify(BenefitCode code) =>
        code.IsNoBenefit ? EmptyCode : Codes.TryGetValue(code.Value, out var listed) ? listed : Default;

    /// <summary>The class of a week: null for a week with no row (unknown), else <see cref="Classify(BenefitCode)"/>.</summary>
    public WeekClass? ClassOf(BenefitCode? row) => row is { } code ? Classify(code) : null;
}
