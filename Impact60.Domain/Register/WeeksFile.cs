using System.Globalization;
using Impact60.Domain.Primitives;
using Impact60.Domain.Text;

namespace Impact60.Domain.Register;

/// <summary>How a weeks extract is laid out (docs/register-formats.md "weeks").</summary>
public enum WeeksFileForm
{
    /// <summary><c>cpr;week;code</c>: one row per person-week.</summary>
    Long,

    /// <summary><c>cpr;y_YYWW;...</c>: one row per person, one column per week, as DREAM is laid out.</summary>
    Wide,
}

/// <summary>
/// Reads a weeks extract, long or wide form, into register weeks. An empty code is "no public benefit that week";
/// a week with no row (long) or no column (wide) is not reported and yields nothing.
/// </summary>
/// <remarks>
/// Every field is checked for control and invisible characters (the row is rejected naming the column), every week
/// lies in <see cref="PlausibleDates"/>, and codes are read with leading zeros dropped (<see cref="BenefitCode"/>), so
/// <c>0651</c> and <c>651</c> are one code, also when checking repeats. A person-week appears once per file. A repeat
/// with a different code is a conflict; a repeat with the same code is rejected as a repeat too, so that nothing in a
/// delivery is dropped without a line in the quarantine report. In both
/// cases the first row is kept and the rejection names its line. In the wide form each bad cell is rejected on its own
/// and the row's other cells are kept; a column that is not a week, or is a week after the latest allowed week, is
/// rejected once at the header (line 1) and its cells are not read.
/// </remarks>
public static class WeeksFile
{
    public const string CprColumn = "cpr";
    public const string WeekColumn = "week";
    public const string CodeColumn = "code";
    private const string WidePrefix = "y_";

    /// <summary>The form the header announces, or null when it is neither (or both).</summary>
    public static WeeksFileForm? DetectForm(string headerLine)
    {
        ArgumentNullException.ThrowIfNull(headerLine);
        var columns = headerLine.TrimStart('\uFEFF').Split(ExtractFile.Separator).Select(c => c.Trim().ToLowerInvariant()).ToArray();
        return DetectForm(columns);
    }

    private static WeeksFileForm? DetectForm(string[] lowerCaseColumns)
    {
        var isLong = lowerCaseColumns.Contains(WeekColumn);
        var isWide = lowerCaseColumns.Any(IsWideColumnName);
        return (isLong, isWide) switch
        {
            (true, false) => WeeksFileForm.Long,
            (false, true) => WeeksFileForm.Wide,
            _ => null,
        };
    }

    private static bool IsWideColumnName(string column) =>
        column.StartsWith(WidePrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a wide-form column name <c>y_YYWW</c>: ISO week WW of 20YY.</summary>
    public static bool TryParseWideColumn(string column, out IsoWeek week, out string? error)
    {
        week = default;
        var s = column.AsSpan().Trim();
        if (s.Length != 6 || !s.StartsWith(WidePrefix, StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(s[2..4], NumberStyles.None, CultureInfo.InvariantCulture, out var yy)
            || !int.TryParse(s[4..6], NumberStyles.None, CultureInfo.InvariantCulture, out var ww))
        {
            error = Cpr.MaskAll($"column '{SafeText.Quote(column)}' is not a week column; expected y_YYWW, e.g. y_1914");
            return false;
        }
        if (!IsoWeek.TryCreate(2000 + yy, ww, out week, out var weekError))
        {
            error = Cpr.MaskAll($"column '{SafeText.Quote(column)}' is not a week: {weekError}");
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>The name of the wide-form column for <paramref name="week"/> (the inverse of <see cref="TryParseWideColumn"/>).</summary>
    public static string WideColumnName(IsoWeek week) =>
        string.Create(CultureInfo.InvariantCulture, $"{WidePrefix}{week.Year % 100:D2}{week.Week:D2}");

    /// <summary>
    /// Streams the good register weeks; each bad row (wide form: each bad cell) goes to <paramref name="rejections"/>.
    /// Weeks after <paramref name="latestAllowedWeek"/> are in the future and rejected. Throws
    /// <see cref="RegisterFileException"/> on the first <c>MoveNext</c> when the file has no header, lacks a required
    /// column or is neither form, and on whichever <c>MoveNext</c> meets a byte that is not UTF-8: the whole file is then
    /// rejected and whatever was yielded before must be discarded. The stream is left open.
    /// </summary>
    /// <param name="keepPerson">
    /// When given, only the weeks of persons it keeps are yielded and checked for repeats; the rows of other persons are
    /// still checked for format, and a bad one is rejected, and of them only their number is remembered (so each is hashed
    /// once; about 20 bytes a person). Memory then grows with the kept persons (a preview of 120 referrals over a whole
    /// register extract), not with the rows (bench/README.md "preview-large").
    /// </param>
    /// <param name="notKept">When given, counts the good rows (wide form: cells) of persons <paramref name="keepPerson"/> did not keep,
    /// so a caller can still say how many rows the file held.</param>
    public static IEnumerable<RegisterWeek> Read(Stream stream, string fileName, Pseudonymizer pseudonymizer, IsoWeek latestAllowedWeek, ICollection<Rejection> rejections,
        Func<Pseudonym, bool>? keepPerson = null, NotKeptCount? notKept = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        ArgumentNullException.ThrowIfNull(rejections);
        return ReadIterator(stream, fileName, pseudonymizer, latestAllowedWeek, rejections, keepPerson, notKept ?? new NotKeptCount());
    }

    private static IEnumerable<RegisterWeek> ReadIterator(Stream stream, string fileName, Pseudonymizer pseudonymizer, IsoWeek latestAllowedWeek, ICollection<Rejection> rejections,
        Func<Pseudonym, bool>? keepPerson, NotKeptCount notKept)
    {
        using var file = ExtractFile.Open(stream, fileName, rejections);
        var form = DetectForm(file.Columns) ?? throw new RegisterFileException(fileName,
            file.Columns.Contains(WeekColumn)
                ? "the header mixes the long form's 'week' column with wide-form y_YYWW columns"
                : $"missing required column '{WeekColumn}' (long form) or y_YYWW week columns (wide form)");
        file.CprIndex = file.Require(CprColumn);
        var state = new ReadState(file, new PersonLookup(pseudonymizer, keepPerson), latestAllowedWeek, rejections, file.CprIndex) { NotKept = notKept };
        var rows = form == WeeksFileForm.Long ? ReadLong(state) : ReadWide(state);
        foreach (var week in rows) yield return week;
    }

    private sealed class ReadState(ExtractFile file, PersonLookup persons, IsoWeek latestAllowedWeek, ICollection<Rejection> rejections, int cprIndex)
    {
        public ExtractFile File { get; } = file;
        public PersonLookup Persons { get; } = persons;
        public IsoWeek LatestAllowedWeek { get; } = latestAllowedWeek;
        public ICollection<Rejection> Rejections { get; } = rejections;
        public int CprIndex { get; } = cprIndex;
        public NotKeptCount NotKept { get; init; } = new();

        // Person-week → the line that first reported it and its code. Keyed by the pair (person number, week ordinal), whose
        // hash mixes both: a long packing them as person << 32 | week hashes to person XOR week, and a file of many persons
        // and many weeks put hundreds of keys on each hash code (docs/fuzzing.md, F3).
        private readonly Dictionary<(int Person, int Week), (int Line, BenefitCode Code)> _firstReport = [];
        private readonly Dictionary<string, BenefitCode> _codes = new(StringComparer.Ordinal);

        public void Reject(string line, string reason) => Rejections.Add(File.Reject(line, reason));

        /// <summary>Splits the line; false (and the row rejected) when its field count differs from the header or a field holds a control character.</summary>
        public bool SplitRow(string line)
        {
            var fields = File.Split(line);
            if (fields != File.Columns.Length)
            {
                Reject(line, $"expected {File.Columns.Length} fields as in the header, found {fields}");
                return false;
            }
            if (File.UnsafeField(line, fields) is { } unsafeField)
            {
                Reject(line, unsafeField);
                return false;
            }
            return true;
        }

        /// <summary>Null when the person-week is new; otherwise why the row is rejected.</summary>
        public string? Repeat(int personIndex, IsoWeek week, BenefitCode code)
        {
            var key = (personIndex, week.Ordinal);
            if (_firstReport.TryAdd(key, (File.LineNumber, code))) return null;
            var first = _firstReport[key];
            return first.Code == code
                ? $"person-week {week} repeats line {first.Line} with the same code; the first is kept"
                : $"person-week {week} conflicts with line {first.Line} (code {Describe(first.Code)} there, {Describe(code)} here); the first is kept";
        }

        public bool TryParseCode(ReadOnlySpan<char> text, out BenefitCode code, out string? error)
        {
            error = null;
            if (text.IsEmpty) { code = BenefitCode.NoBenefit; return true; }
            // Codes come from a short list: parse each distinct text once.
            var lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(text, out code)) return true;
            var s = text.ToString();
            if (!BenefitCode.TryParse(s, out code, out error)) return false;
            _codes.Add(s, code);
            return true;
        }

        private static string Describe(BenefitCode code) => code.IsNoBenefit ? "empty" : $"'{code.Value}'";
    }

    private static IEnumerable<RegisterWeek> ReadLong(ReadState s)
    {
        var file = s.File;
        var weekIndex = file.Require(WeekColumn);
        var codeIndex = file.Require(CodeColumn);
        foreach (var column in file.Columns.Where(c => c is not (CprColumn or WeekColumn or CodeColumn)))
            s.Rejections.Add(file.RejectHeader($"unknown column '{SafeText.Quote(column)}' in the header; the column is ignored"));

        var weeks = new Dictionary<string, IsoWeek>(StringComparer.Ordinal);
        var weekLookup = weeks.GetAlternateLookup<ReadOnlySpan<char>>();
        while (file.NextDataLine() is { } line)
        {
            if (!s.SplitRow(line)) continue;
            if (!s.Persons.TryResolve(file.Field(line, s.CprIndex), out var person, out var personIndex, out var error))
            {
                s.Reject(line, error!);
                continue;
            }
            var weekText = file.Field(line, weekIndex);
            if (!weekLookup.TryGetValue(weekText, out var week))
            {
                if (weekText.IsEmpty)
                {
                    s.Reject(line, "week is empty");
                    continue;
                }
                if (!IsoWeek.TryParse(weekText, out week, out error))
                {
                    s.Reject(line, $"week: {error}");
                    continue;
                }
                if (PlausibleDates.Refuse(week, "week") is { } implausible)
                {
                    s.Reject(line, implausible);
                    continue;
                }
                weeks.Add(weekText.ToString(), week);
            }
            if (week > s.LatestAllowedWeek)
            {
                s.Reject(line, $"week {week} is in the future (latest allowed {s.LatestAllowedWeek})");
                continue;
            }
            if (!s.TryParseCode(file.Field(line, codeIndex), out var code, out error))
            {
                s.Reject(line, $"code: {error}");
                continue;
            }
            if (personIndex < 0) { s.NotKept.Rows++; continue; } // a person the caller does not keep: checked, not tracked
            if (s.Repeat(personIndex, week, code) is { } repeat)
            {
                s.Reject(line, repeat);
                continue;
            }
            yield return new RegisterWeek(person, week, code);
        }
    }

    private static IEnumerable<RegisterWeek> ReadWide(ReadState s)
    {
        var file = s.File;
        var weekColumns = new List<(int Index, string Name, IsoWeek Week)>();
        for (var i = 0; i < file.Columns.Length; i++)
        {
            var column = file.Columns[i];
            if (i == s.CprIndex) continue;
            if (!IsWideColumnName(column))
                s.Rejections.Add(file.RejectHeader($"unknown column '{SafeText.Quote(column)}' in the header; the column is ignored"));
            else if (!TryParseWideColumn(column, out var week, out var error))
                s.Rejections.Add(file.RejectHeader($"{error}; the column is ignored"));
            else if (PlausibleDates.Refuse(week, $"column '{column}' is week") is { } implausible)
                s.Rejections.Add(file.RejectHeader($"{implausible}; the column is ignored"));
            else if (week > s.LatestAllowedWeek)
                s.Rejections.Add(file.RejectHeader($"column '{column}' is week {week}, in the future (latest allowed {s.LatestAllowedWeek}); the column is ignored"));
            else
                weekColumns.Add((i, column, week));
        }

        var rowWeeks = new List<RegisterWeek>(weekColumns.Count);
        while (file.NextDataLine() is { } line)
        {
            if (!s.SplitRow(line)) continue;
            if (!s.Persons.TryResolve(file.Field(line, s.CprIndex), out var person, out var personIndex, out var error))
            {
                s.Reject(line, $"{error}; the whole row is rejected");
                continue;
            }
            rowWeeks.Clear();
            foreach (var (index, name, week) in weekColumns)
            {
                if (!s.TryParseCode(file.Field(line, index), out var code, out error))
                    s.Reject(line, $"column {name}: {error}");
                else if (personIndex < 0)
                    s.NotKept.Rows++; // a person the caller does not keep: checked, not tracked
                else if (s.Repeat(personIndex, week, code) is { } repeat)
                    s.Reject(line, $"column {name}: {repeat}");
                else
                    rowWeeks.Add(new RegisterWeek(person, week, code));
            }
            foreach (var w in rowWeeks) yield return w;
        }
    }
}

/// <summary>The good rows (wide form: cells) a weeks reader checked but did not yield because their person was not kept.</summary>
public sealed class NotKeptCount
{
    public long Rows { get; internal set; }
}
