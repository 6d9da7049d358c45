using Impact60.Domain.Primitives;
using Impact60.Domain.Text;

namespace Impact60.Domain.Register;

/// <summary>
/// Reads a referrals extract (docs/register-formats.md "referrals"):
/// <c>referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business</c>, <c>course_end</c> empty while the
/// citizen is still in the course. The CPR becomes a pseudonym here and goes no further.
/// </summary>
/// <remarks>
/// Row rules beyond the format: every date lies in <see cref="PlausibleDates"/>; a course cannot end before it starts,
/// and a course cannot start before the jobcenter referred the citizen (a referral dated after its course start is taken
/// as swapped or mistyped dates, not as late paperwork, because the referral date is evidence under the cap). Given the
/// delivery date (<see cref="ReferralReadOptions"/>), a referral cannot be dated after it and a course cannot end more than
/// <see cref="ReferralReadOptions.MaxCourseEndWeeksAhead"/> weeks after it. <c>referral_id</c> and <c>fokus_ref</c> are
/// 1-64 letters, digits, <c>-</c>, <c>_</c> and <c>.</c>; <c>business</c> 1-100 letters, digits, spaces and
/// <c>- &amp; . , ' ( )</c>; none of the three may hold a CPR number in any spelling (they are stored, printed on invoices
/// and sent in e-mails), and no field may hold a control or invisible character. A referral id, a person and a FOKUS
/// reference each appear once per file: the first row is kept and the later one rejected naming the first.
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
    /// required column, and on whichever <c>MoveNext</c> meets a byte that is not UTF-8: the whole file is then rejected
    /// and whatever was yielded before must be discarded. The stream is left open.
    /// </summary>
    /// <param name="options">The delivery date and course-end horizon; without a delivery date those two checks are skipped.</param>
    public static IEnumerable<Referral> Read(Stream stream, string fileName, Pseudonymizer pseudonymizer, ICollection<Rejection> rejections, ReferralReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        ArgumentNullException.ThrowIfNull(rejections);
        return ReadIterator(stream, fileName, pseudonymizer, rejections, options ?? new(), keepLines: false).Select(r => r.Referral);
    }

    /// <summary>
    /// As <see cref="Read"/>, with the line each referral was read from and that line with every CPR masked, so that a
    /// rule applied after the reader (the programme's referral cap) can reject a referral with its line like any bad row.
    /// </summary>
    public static IEnumerable<ReferralRow> ReadRows(Stream stream, string fileName, Pseudonymizer pseudonymizer, ICollection<Rejection> rejections, ReferralReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        ArgumentNullException.ThrowIfNull(rejections);
        return ReadIterator(stream, fileName, pseudonymizer, rejections, options ?? new(), keepLines: true);
    }

    private static IEnumerable<ReferralRow> ReadIterator(Stream stream, string fileName, Pseudonymizer pseudonymizer, ICollection<Rejection> rejections, ReferralReadOptions options, bool keepLines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxCourseEndWeeksAhead);
        using var file = ExtractFile.Open(stream, fileName, rejections);
        var ix = new int[AllColumns.Length];
        for (var i = 0; i < AllColumns.Length; i++) ix[i] = file.Require(AllColumns[i]);
        file.CprIndex = ix[1];
        foreach (var (column, _) in file.Columns.Select((c, i) => (c, i)).Where(c => !AllColumns.Contains(c.c)))
            rejections.Add(file.RejectHeader($"unknown column '{SafeText.Quote(column)}' in the header; the column is ignored"));

        var persons = new PersonLookup(pseudonymizer);
        var lineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineOfPerson = new Dictionary<int, (int Line, string ReferralId)>();
        var lineOfFokusRef = new Dictionary<string, (int Line, string ReferralId)>(StringComparer.Ordinal);

        while (file.NextDataLine() is { } line)
        {
            var fields = file.Split(line);
            if (fields != file.Columns.Length)
            {
                rejections.Add(file.Reject(line, $"expected {file.Columns.Length} fields as in the header, found {fields}"));
                continue;
            }
            if (file.UnsafeField(line, fields) is { } unsafeField)
            {
                rejections.Add(file.Reject(line, unsafeField));
                continue;
            }
            if (!TryParseRow(file, line, ix, persons, options, out var row, out var error))
            {
                rejections.Add(file.Reject(line, error!));
                continue;
            }
            var referral = row.Referral;
            if (lineOfId.TryGetValue(referral.ReferralId, out var firstLine))
            {
                rejections.Add(file.Reject(line, $"referral_id '{referral.ReferralId}' already appears on line {firstLine}; the first is kept"));
                continue;
            }
            if (lineOfPerson.TryGetValue(row.PersonIndex, out var first))
            {
                rejections.Add(file.Reject(line, $"the same person is already referred on line {first.Line} (referral_id '{first.ReferralId}'); the first is kept"));
                continue;
            }
            if (lineOfFokusRef.TryGetValue(referral.FokusRef, out first))
            {
                rejections.Add(file.Reject(line, $"fokus_ref '{referral.FokusRef}' already appears on line {first.Line} (referral_id '{first.ReferralId}'); the first is kept"));
                continue;
            }
            lineOfId.Add(referral.ReferralId, file.LineNumber);
            lineOfPerson.Add(row.PersonIndex, (file.LineNumber, referral.ReferralId));
            lineOfFokusRef.Add(referral.FokusRef, (file.LineNumber, referral.ReferralId));
            // The raw line is masked here, inside the reader: it never leaves it with the CPR in it.
            yield return new ReferralRow(referral, file.LineNumber, keepLines ? file.MaskLine(line) : "");
        }
    }

    /// <summary>
    /// Checks an identifier (<c>referral_id</c>, <c>fokus_ref</c>): not empty, no CPR number in any spelling, at most
    /// <see cref="ExtractLimits.MaxIdLength"/> characters of letters, digits, <c>-</c>, <c>_</c> and <c>.</c>. They become
    /// Azure Table keys and are printed on invoices, so nothing that a key, a URL or a document would misread gets in.
    /// </summary>
    private static bool IsId(ReadOnlySpan<char> value, string column, out string? error)
    {
        error = value.IsEmpty ? $"{column} is empty"
            : HoldsCpr(value, column) ?? TooLong(value, column, ExtractLimits.MaxIdLength)
            ?? OutsideSet(value, column, IsIdChar, "letters, digits, '-', '_' and '.'");
        return error is null;
    }

    /// <summary>Checks <c>business</c>: not empty, no CPR, at most <see cref="ExtractLimits.MaxBusinessLength"/> characters of letters, digits, spaces and <c>- &amp; . , ' ( )</c>.</summary>
    private static bool IsBusiness(ReadOnlySpan<char> value, out string? error)
    {
        error = value.IsEmpty ? $"{Business} is empty"
            : HoldsCpr(value, Business) ?? TooLong(value, Business, ExtractLimits.MaxBusinessLength)
            ?? OutsideSet(value, Business, IsBusinessChar, "letters, digits, spaces and - & . , ' ( )");
        return error is null;
    }

    private static bool IsIdChar(char c) => char.IsLetter(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.';

    private static bool IsBusinessChar(char c) => char.IsLetter(c) || char.IsAsciiDigit(c) || c is ' ' or '-' or '&' or '.' or ',' or '\'' or '(' or ')';

    /// <summary>
    /// The referral id, FOKUS reference and business are stored, printed on invoices and sent in e-mails as they are, so
    /// one that holds a CPR number in any spelling (a keying error at the jobcenter, or a CPR used as an id) would carry
    /// personal data everywhere the pseudonym keeps it out. Such a row is rejected, not stored.
    /// </summary>
    private static string? HoldsCpr(ReadOnlySpan<char> value, string column) =>
        Cpr.ContainsCprLike(value) ? $"{column} holds a CPR-shaped number; an identifier must not be personal data, so the row is not stored" : null;

    private static string? TooLong(ReadOnlySpan<char> value, string column, int max) =>
        value.Length > max ? ExtractFile.Invariant($"{column} is {value.Length:N0} characters long; at most {max} are allowed") : null;

    private static string? OutsideSet(ReadOnlySpan<char> value, string column, Func<char, bool> allowed, string set)
    {
        foreach (var c in value)
            if (!allowed(c)) return $"{column} '{SafeText.Quote(value)}' holds {Describe(c)}, which is not allowed: use {set}";
        return null;
    }

    private static string Describe(char c) =>
        c == ' ' ? "a space"
        : char.IsWhiteSpace(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
            or System.Globalization.UnicodeCategory.OtherNotAssigned or System.Globalization.UnicodeCategory.PrivateUse
            ? $"U+{(int)c:X4}"
            : $"'{c}'";

    /// <summary>
    /// The row rules of this reader for a referral that did not come from a file (an item of the register API): its
    /// identifiers and business (length, character set, no CPR), its dates (range, order, against the delivery). Null
    /// when it passes; otherwise the reason, as the file reader would give it.
    /// </summary>
    public static string? Check(Referral referral, ReferralReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(referral);
        options ??= new();
        IsId(referral.ReferralId, ReferralId, out var error);
        return error
            ?? PlausibleDates.Refuse(referral.ReferredOn, ReferredOn)
            ?? PlausibleDates.Refuse(referral.CourseStart, CourseStart)
            ?? (referral.CourseEnd is { } end ? PlausibleDates.Refuse(end, CourseEnd) : null)
            ?? DateOrder(referral.ReferredOn, referral.CourseStart, referral.CourseEnd)
            ?? AgainstDelivery(referral.ReferredOn, referral.CourseEnd, options)
            ?? (IsId(referral.FokusRef, FokusRef, out error) ? null : error)
            ?? (IsBusiness(referral.Business, out error) ? null : error);
    }

    /// <summary>A course cannot end before it starts, nor start before the referral.</summary>
    private static string? DateOrder(DateOnly referredOn, DateOnly courseStart, DateOnly? courseEnd) =>
        courseEnd < courseStart ? $"course_end {ExtractFile.Iso(courseEnd.Value)} is before course_start {ExtractFile.Iso(courseStart)}"
        : referredOn > courseStart ? $"referred_on {ExtractFile.Iso(referredOn)} is after course_start {ExtractFile.Iso(courseStart)}: a course cannot start before the referral"
        : null;

    /// <summary>Given a delivery date: no referral dated after it, no course end beyond the horizon.</summary>
    private static string? AgainstDelivery(DateOnly referredOn, DateOnly? courseEnd, ReferralReadOptions options)
    {
        if (options.DeliveryDate is not { } delivered) return null;
        if (referredOn > delivered)
            return $"referred_on {ExtractFile.Iso(referredOn)} is after the delivery date {ExtractFile.Iso(delivered)}: a referral cannot be dated after the file that reports it";
        var horizon = DateOnly.FromDayNumber((int)Math.Min(delivered.DayNumber + 7L * options.MaxCourseEndWeeksAhead, DateOnly.MaxValue.DayNumber));
        return courseEnd > horizon
            ? $"course_end {ExtractFile.Iso(courseEnd.Value)} is more than {options.MaxCourseEndWeeksAhead} weeks after the delivery date {ExtractFile.Iso(delivered)} (latest accepted {ExtractFile.Iso(horizon)})"
            : null;
    }

    private static bool TryParseRow(ExtractFile file, string line, int[] ix, PersonLookup persons, ReferralReadOptions options, out (Referral Referral, int PersonIndex) row, out string? error)
    {
        row = default;
        var referralId = file.Field(line, ix[0]);
        if (!IsId(referralId, ReferralId, out error)) return false;
        if (!persons.TryResolve(file.Field(line, ix[1]), out var person, out var personIndex, out error)) return false;
        if (!ExtractFile.TryParseDate(file.Field(line, ix[2]), ReferredOn, out var referredOn, out error)) return false;
        if (!ExtractFile.TryParseDate(file.Field(line, ix[3]), CourseStart, out var courseStart, out error)) return false;
        DateOnly? courseEnd = null;
        var endText = file.Field(line, ix[4]);
        if (!endText.IsEmpty)
        {
            if (!ExtractFile.TryParseDate(endText, CourseEnd, out var end, out error)) return false;
            courseEnd = end;
        }
        error = DateOrder(referredOn, courseStart, courseEnd) ?? AgainstDelivery(referredOn, courseEnd, options);
        if (error is not null) return false;
        var fokusRef = file.Field(line, ix[5]);
        if (!IsId(fokusRef, FokusRef, out error)) return false;
        var business = file.Field(line, ix[6]);
        if (!IsBusiness(business, out error)) return false;
        row = (new Referral(referralId.ToString(), person, referredOn, courseStart, courseEnd, fokusRef.ToString(), business.ToString()), personIndex);
        error = null;
        return true;
    }
}

/// <summary>What a referrals reader checks against the delivery (docs/register-formats.md "Dates").</summary>
public sealed record ReferralReadOptions
{
    /// <summary>The default of <see cref="MaxCourseEndWeeksAhead"/>, as the contract's <c>maxCourseEndWeeksAhead</c> defaults.</summary>
    public const int DefaultMaxCourseEndWeeksAhead = 52;

    /// <summary>
    /// The day the file was delivered. When set, a <c>referred_on</c> after it, and a <c>course_end</c> more than
    /// <see cref="MaxCourseEndWeeksAhead"/> weeks after it, reject the row. Null: neither is checked.
    /// </summary>
    public DateOnly? DeliveryDate { get; init; }

    /// <summary>How many weeks after the delivery date a course may be planned to end (a placeholder such as 9999-12-31, or
    /// a typing error, is later than that).</summary>
    public int MaxCourseEndWeeksAhead { get; init; } = DefaultMaxCourseEndWeeksAhead;
}
