using Impact60.Domain.Primitives;

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

/// <summary>One reported person-week: <c>(person, ISO week, code)</c>.</summary>
public readonly record struct RegisterWeek(Pseudonym Person, IsoWeek Week, BenefitCode Code);

/// <summary>A row a reader could not take: where, why, and the raw line with every CPR masked.</summary>
public sealed record Rejection(string File, int Line, string Reason, string MaskedRawLine);

/// <summary>A file that cannot be read at all (wrong encoding, no header, missing required column): rejected whole.</summary>
public sealed class RegisterFileException(string file, string reason)
    : Exception($"{file}: {reason}")
{
    public string File { get; } = file;
    public string Reason { get; } = reason;
}
