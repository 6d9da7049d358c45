using Impact60.Domain.Primitives;
using Impact60.Domain.Text;

namespace Impact60.Domain.Register;

/// <summary>A jobcenter referral after the reader: the CPR is already a pseudonym.</summary>
public sealed record Referral(
    string ReferralId,
    Pseudonym Person,
    DateOnly ReferredOn,
    DateOnly CourseStart,
    DateOnly? CourseEnd,
    string FokusRef,
    string Business);

/// <summary>A referral with the physical line it was read from (header = 1) and that line with every CPR masked.</summary>
public sealed record ReferralRow(Referral Referral, int Line, string MaskedRawLine);

/// <summary>One reported person-week: <c>(person, ISO week, code)</c>.</summary>
public readonly record struct RegisterWeek(Pseudonym Person, IsoWeek Week, BenefitCode Code);

/// <summary>
/// A row a reader could not take: where, why, and the raw line with every CPR masked. <see cref="Reason"/> and
/// <see cref="MaskedRawLine"/> are masked here, whoever builds the rejection (a reader, a cap applied after it, a
/// <c>with</c> copy): a reason quotes what it found, and what it found may be a CPR in the wrong column.
/// </summary>
/// <remarks>
/// Masking replaces CPR-shaped runs (<see cref="Cpr.MaskAll"/>); a reader must still mask the cpr field itself, which
/// may hold a malformed CPR that no pattern recognises (<c>ExtractFile.MaskLine</c> does).
/// </remarks>
/// <remarks>
/// Both are also made safe to show (<see cref="SafeText.ShowMasked"/>): control characters escaped, the reason cut at 500
/// and the raw line at <see cref="SafeText.RawLineLength"/> characters, so a 1 MB field cannot make a 1 MB report line or
/// print an escape sequence on the operator's terminal; masked before and after escaping and cutting, so that what is
/// shown is never CPR-shaped; and at a cost that does not grow with the line (only its start is looked at).
/// </remarks>
public sealed record Rejection(string File, int Line, string Reason, string MaskedRawLine)
{
    public const int ReasonLength = 500;

    public string File { get; init => field = SafeText.ShowMasked(value, 260); } = SafeText.ShowMasked(File, 260);

    public string Reason { get; init => field = Safe(value, ReasonLength); } = Safe(Reason, ReasonLength);

    public string MaskedRawLine { get; init => field = Safe(value, SafeText.RawLineLength); } = Safe(MaskedRawLine, SafeText.RawLineLength);

    private static string Safe(string value, int maxLength) => SafeText.ShowMasked(value, maxLength);
}

/// <summary>
/// A file that cannot be read at all (wrong encoding, no header, missing required column, a header line over the
/// limit): rejected whole. <see cref="Reason"/> and the message are CPR-masked and made safe to show here (control
/// characters escaped, cut at <see cref="Rejection.ReasonLength"/>): a headerless file's first row is read as the header,
/// so a reason naming a header column may be quoting a CPR, or anything else the file held.
/// </summary>
public sealed class RegisterFileException(string file, string reason)
    : Exception($"{SafeText.ShowMasked(file, 260)}: {Safe(reason)}")
{
    /// <summary>The file name as given (for locating the file; <see cref="Exception.Message"/> has it masked).</summary>
    public string File { get; } = file;

    public string Reason { get; } = Safe(reason);

    private static string Safe(string reason) => SafeText.ShowMasked(reason, Rejection.ReasonLength);
}
