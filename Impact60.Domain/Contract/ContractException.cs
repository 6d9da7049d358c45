using Impact60.Domain.Primitives;
using Impact60.Domain.Text;

namespace Impact60.Domain.Contracts;

/// <summary>One thing wrong with a contract file: where (a JSON path such as <c>$.tariffs[1].validFrom</c>) and why.</summary>
/// <remarks>Both are CPR-masked here, whoever builds the error: a path names the contract's property names and a message
/// may quote a value, and a refused contract is logged at start-up and printed by the CLI.</remarks>
public sealed record ContractError(string Path, string Message)
{
    public string Path { get; init => field = Cpr.MaskAll(value); } = Cpr.MaskAll(Path);

    public string Message { get; init => field = Cpr.MaskAll(value); } = Cpr.MaskAll(Message);

    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// A contract file that cannot be used; <see cref="Errors"/> lists every problem found, not only the first, up to
/// <see cref="ContractLimits.MaxErrors"/>. <see cref="MoreNotListed"/> says that there were more.
/// </summary>
public sealed class ContractException(string sourceName, IReadOnlyList<ContractError> errors, bool moreNotListed = false)
    : Exception(Describe(sourceName, errors, moreNotListed))
{
    public string SourceName { get; } = sourceName;
    public IReadOnlyList<ContractError> Errors { get; } = errors;
    public bool MoreNotListed { get; } = moreNotListed;

    private static string Describe(string sourceName, IReadOnlyList<ContractError> errors, bool moreNotListed)
    {
        var count = moreNotListed
            ? $"more than {errors.Count} errors; the first {errors.Count} are listed"
            : $"{errors.Count} error{(errors.Count == 1 ? "" : "s")}";
        return $"Contract '{SafeText.Quote(Cpr.MaskAll(sourceName))}' is invalid ({count}):"
               + string.Concat(errors.Select(e => Environment.NewLine + "  " + e))
               + (moreNotListed ? Environment.NewLine + "  … and more errors not listed" : "");
    }
}
