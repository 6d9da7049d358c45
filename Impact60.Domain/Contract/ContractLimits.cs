namespace Impact60.Domain.Contracts;

/// <summary>
/// The limits of the contract file that its JSON Schema cannot hold (docs/contract-file.md "Limits"): the cost bounds of
/// reading a file, and the margins of the rules between two values. Every bound of a single value — the most a tariff may
/// be, how many weeks, how long a text — is in <c>schemas/contract.schema.json</c> and only there: the loader validates
/// against it and words its messages from it, and <c>ContractSchemaTests</c> checks that its bounds keep every sum of a
/// programme far from the range of <see cref="decimal"/> and every week computed inside the calendar.
/// </summary>
public static class ContractLimits
{
    /// <summary>The largest contract text read, in UTF-8 bytes (1 MiB); the IMPACT60 contract is about 3 KB.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The deepest nesting of objects and arrays accepted; the contract itself needs 4 ($.parties.supplier.bank).</summary>
    public const int MaxDepth = 16;

    /// <summary>Errors listed at most; the message says when there were more.</summary>
    public const int MaxErrors = 50;

    /// <summary>How much longer than the window the target spell may be: the course and the time before it (2 years).</summary>
    public const int TargetMarginWeeks = 104;

    /// <summary>Most suspended weeks in all (5 years): each one lengthens every window it falls in.</summary>
    public const int MaxSuspendedWeeks = 260;
}
