using Impact60.Domain.Primitives;

namespace Impact60.Domain.Register;

/// <summary>
/// Reads a referrals extract (REGISTER.md "referrals"):
/// <c>referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business</c>, <c>course_end</c> empty while the
/// citizen is still in the course. The CPR becomes a pseudonym here and goes no further.
/// </summary>
/// <remarks>
/// Row rules beyond the format: a course cannot end before it starts, and a course cannot start before the
/// jobcenter referred the citizen (a referral dated after its course start is taken as swapped or mistyped dates,
/// not as late paperwork, because the referral date is evidence under the cap). A referral id, and a person,
/// appear once per file: the first row is kept and the later one rejected naming the first.
/// </remarks>
public static class ReferralFile
{
    public const string ReferralId = "referral_id";
    public const string CprColumn = "cpr";
    public const string ReferredOn = "referred_on";
    public const string CourseStart = "course_start";
    public const string CourseEnd = "course_end";
    public const string FokusRef = "fokus_ref";
    public const string Business = "business";

    private static readonly string[] AllColumns = [ReferralId, CprColumn, ReferredOn, CourseStart, CourseEnd, FokusRef, Business];

    /// <summary>
    /// Streams the good referrals; each bad row goes to <paramref name="rejections"/>. Throws
    /// <see cref="RegisterFileException"/> on the first <c>MoveNext</c> when the file has no header or lacks a
    /// required column, and on whichever <c>MoveNext</c> meets invalid UTF-8: the whole file is then rejected and
    /// whatever was yielded before must be discarded. The stream is left open.
    /// </summary>
    public static IEnumerable<Referral> Read(Stream stream, string fileName, Pseudonymizer pseudonymizer, ICollection<Rejection> rejections)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        ArgumentNullException.ThrowIfNull(rejections);
        return ReadIterator(stream, fileName, pseudonymizer, rejections, keepLines: false).Select(r => r.Referral);
    }

    /// <summary>
    /// As <see cref="Read"/>, with the line each referral was read from and that line with every CPR masked, so that a
    /// rule applied after the reader (the programme's referral cap) can reject a referral with its line like any bad row.
    /// </summary>
    public static IEnumerable<ReferralRow> ReadRows(Stream stream, string fileName, Pseudonymizer pseudonymizer, ICollection<Rejection> rejections)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        ArgumentNullException.ThrowIfNull(rejections);
        return ReadIterator(stream, fileName, pseudonymizer, rejections, keepLines: true);
    }

    private static IEnumerable<ReferralRow> ReadIterator(Stream stream, string fileName, Pseudonymizer pseudonymizer, ICollection<Rejection> rejections, bool keepLines)
    {
        using var file = ExtractFile.Open(stream, fileName);
        var ix = new int[AllColumns.Length];
        for (var i = 0; i < AllColumns.Length; i++) ix[i] = file.Require(AllColumns[i]);
        foreach (var (column, _) in file.Columns.Select((c, i) => (c, i)).Where(c => !AllColumns.Contains(c.c)))
            rejections.Add(file.RejectHeader($"unknown column '{column}' in the header; the column is ignored"));

        var persons = new PersonLookup(pseudonymizer);
        var lineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineOfPerson = new Dictionary<int, (int Line, string ReferralId)>();
        var cprIndex = ix[1];

        while (file.NextDataLine() is { } line)
        {
            var fields = file.Split(line);
            if (fields != file.Columns.Length)
            {
                rejections.Add(file.Reject(line, cprIndex, $"expected {file.Columns.Length} fields as in the header, found {fields}"));
                continue;
            }
            if (!TryParseRow(file, line, ix, persons, out var row, out var error))
            {
                rejections.Add(file.Reject(line, cprIndex, error!));
                continue;
            }
            if (lineOfId.TryGetValue(row.Referral.ReferralId, out var firstLine))
            {
                rejections.Add(file.Reject(line, cprIndex, $"referral_id '{row.Referral.ReferralId}' already appears on line {firstLine}; the first is kept"));
                continue;
            }
            if (lineOfPerson.TryGetValue(row.PersonIndex, out var first))
            {
                rejections.Add(file.Reject(line, cprIndex, $"the same person is already referred on line {first.Line} (referral_id '{first.ReferralId}'); the first is kept"));
                continue;
            }
            lineOfId.Add(row.Referral.ReferralId, file.LineNumber);
            lineOfPerson.Add(row.PersonIndex, (file.LineNumber, row.Referral.ReferralId));
            // The raw line is masked here, inside the reader: it never leaves it with the CPR in it.
            yield return new ReferralRow(row.Referral, file.LineNumber, keepLines ? file.MaskLine(line, cprIndex) : "");
        }
    }

    /// <summary>
    /// The referral id, FOKUS reference and business are stored, printed on invoices and sent in e-mails as they are, so
    /// one that holds a CPR-shaped number (a keying error at the jobcenter, or a CPR used as an id) would carry personal
    /// data everywhere the pseudonym keeps it out. Such a row is rejected, not stored.
    /// </summary>
    private static bool HoldsCpr(ReadOnlySpan<char> value, string column, out string? error)
    {
        var text = value.ToString();
        error = Cpr.MaskAll(text) == text ? null : $"{column} holds a CPR-shaped number; an identifier must not be personal data, so the row is not stored";
        return error is not null;
    }

    private static bool TryParseRow(ExtractFile file, string line, int[] ix, PersonLookup persons, out (Referral Referral, int PersonIndex) row, out string? error)
    {
        row = default;
        var referralId = file.Field(line, ix[0]);
        if (referralId.IsEmpty) { error = "referral_id is empty"; return false; }
        if (HoldsCpr(referralId, ReferralId, out error)) return false;
        if (!persons.TryResolve(file.Field(line, ix[1]), out var person, out var personIndex, out error)) return false;
        if (!ExtractFile.TryParseDate(file.Field(line, ix[2]), ReferredOn, out var referredOn, out error)) return false;
        if (!ExtractFile.TryParseDate(file.Field(line, ix[3]), CourseStart, out var courseStart, out error)) return false;
        DateOnly? courseEnd = null;
        var endText = file.Field(line, ix[4]);
        if (!endText.IsEmpty)
        {
            if (!ExtractFile.TryParseDate(endText, CourseEnd, out var end, out error)) return false;
            if (end < courseStart) { error = $"course_end {ExtractFile.Iso(end)} is before course_start {ExtractFile.Iso(courseStart)}"; return false; }
            courseEnd = end;
        }
        if (referredOn > courseStart)
        {
            error = $"referred_on {ExtractFile.Iso(referredOn)} is after course_start {ExtractFile.Iso(courseStart)}: a course cannot start before the referral";
            return false;
        }
        var fokusRef = file.Field(line, ix[5]);
        if (fokusRef.IsEmpty) { error = "fokus_ref is empty"; return false; }
        if (HoldsCpr(fokusRef, FokusRef, out error)) return false;
        var business = file.Field(line, ix[6]);
        if (business.IsEmpty) { error = "business is empty"; return false; }
        if (HoldsCpr(business, Business, out error)) return false;
        row = (new Referral(referralId.ToString(), person, referredOn, courseStart, courseEnd, fokusRef.ToString(), business.ToString()), personIndex);
        error = null;
        return true;
    }
}
