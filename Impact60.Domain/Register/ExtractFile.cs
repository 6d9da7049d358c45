using System.Globalization;
using System.Text;
using Impact60.Domain.Primitives;
using Impact60.Domain.Text;

namespace Impact60.Domain.Register;

/// <summary>The limits every register extract is held to (docs/register-formats.md).</summary>
public static class ExtractLimits
{
    /// <summary>
    /// The longest line read, in UTF-8 bytes (256 KiB: as many characters of plain ASCII text, fewer with letters such as
    /// æ, ø, å, which take two bytes). A longer data line is rejected as a row, with a cut copy, and reading goes on; a
    /// longer header line refuses the file. No more than this much of one line is ever held in memory.
    /// </summary>
    public const int MaxLineBytes = 256 * 1024;

    /// <summary>The longest <c>referral_id</c> and <c>fokus_ref</c>, in characters.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The longest <c>business</c>, in characters.</summary>
    public const int MaxBusinessLength = 100;
}

/// <summary>
/// What every register extract file shares (docs/register-formats.md): UTF-8 with an optional BOM, one
/// <c>;</c>-separated header row with case-insensitive names in any order, CRLF, LF or CR line ends, blank lines skipped.
/// Reads line by line, each line bounded by <see cref="ExtractLimits.MaxLineBytes"/>, so neither a file of millions of
/// rows nor a file of one enormous line sits in memory; keeps the physical line number (header = 1) for every rejection.
/// </summary>
/// <remarks>
/// A file in another encoding is refused whole, naming it: UTF-16 (a byte order mark, or NUL bytes every other byte in
/// the header), Windows-1252/Latin-1 (a byte 0xC0-0xFF that is not UTF-8: a Danish letter saved by an old program), or
/// any other invalid UTF-8, always with the first line where it was seen. A data line over the limit is rejected as a
/// row (<see cref="NextDataLine"/> adds the rejection itself) and the next line is read.
/// </remarks>
internal sealed class ExtractFile : IDisposable
{
    public const char Separator = ';';

    /// <summary>How many characters of an over-long line the rejection keeps (well under <see cref="SafeText.RawLineLength"/>).</summary>
    private const int CutCopyBytes = 900;

    private const string LineCut = "… (line cut)";

    private readonly BoundedLineReader _lines;
    private readonly ICollection<Rejection> _rejections;
    private Range[] _ranges = new Range[8];
    private Rejection? _headerRejection;
    private Rejection? _lastRejection;
    private string? _lastRejectedLine;

    public string FileName { get; }

    /// <summary>Physical line number of the line last read (1 = header).</summary>
    public int LineNumber => _lines.LineNumber;

    /// <summary>Header names, trimmed and lower-cased, in file order.</summary>
    public string[] Columns { get; private set; } = [];

    public string HeaderLine { get; private set; } = "";

    /// <summary>The column whose whole field is masked in every rejected raw line, whatever it holds; -1 until set.</summary>
    public int CprIndex { get; set; } = -1;

    private ExtractFile(Stream stream, string fileName, ICollection<Rejection> rejections)
    {
        FileName = fileName;
        _rejections = rejections;
        _lines = new BoundedLineReader(stream, fileName);
    }

    /// <summary>Opens the file and reads its header; throws <see cref="RegisterFileException"/> when there is none.</summary>
    /// <param name="rejections">Where <see cref="NextDataLine"/> puts the lines it rejects itself (over-long lines).</param>
    public static ExtractFile Open(Stream stream, string fileName, ICollection<Rejection> rejections)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(rejections);
        var file = new ExtractFile(stream, fileName, rejections);
        try
        {
            file.ReadHeader();
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private void ReadHeader()
    {
        if (!_lines.TryReadLine(out var header))
            throw new RegisterFileException(FileName, "the file is empty: expected a header row");
        if (header.TooLong)
            throw new RegisterFileException(FileName, Invariant($"the header line is longer than the {ExtractLimits.MaxLineBytes:N0} bytes allowed; the whole file is rejected"));
        var line = header.Text;
        if (string.IsNullOrWhiteSpace(line))
            throw new RegisterFileException(FileName, "line 1 is blank: expected a header row");
        HeaderLine = line;
        var fields = Split(line);
        var columns = new string[fields];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fields; i++)
        {
            var name = line.AsSpan()[_ranges[i]].Trim().ToString().ToLowerInvariant();
            if (name.Length == 0)
                throw new RegisterFileException(FileName, $"header column {i + 1} has no name");
            if (!seen.Add(name))
                throw new RegisterFileException(FileName, $"header column '{SafeText.Quote(name)}' appears more than once");
            columns[i] = name;
        }
        Columns = columns;
    }

    /// <summary>Index of the column, or -1.</summary>
    public int IndexOf(string column) => Array.IndexOf(Columns, column);

    public int Require(string column)
    {
        var i = IndexOf(column);
        if (i < 0)
            throw new RegisterFileException(FileName, $"missing required column '{column}' (header: {SafeText.ShowMasked(HeaderLine, 200)})");
        return i;
    }

    /// <summary>
    /// The next line that is not blank, or null at the end; <see cref="LineNumber"/> follows it. A line over
    /// <see cref="ExtractLimits.MaxLineBytes"/> is rejected here, with a cut and masked copy, and skipped.
    /// </summary>
    public string? NextDataLine()
    {
        while (_lines.TryReadLine(out var line))
        {
            if (line.TooLong)
            {
                _rejections.Add(new Rejection(FileName, LineNumber,
                    Invariant($"line is {line.Bytes:N0} bytes long, more than the {ExtractLimits.MaxLineBytes:N0} allowed; the row is rejected"),
                    CutCopy(line.Text)));
                continue;
            }
            if (!string.IsNullOrWhiteSpace(line.Text)) return line.Text;
        }
        return null;
    }

    /// <summary>
    /// The start of an over-long line, safe to keep: cut at <see cref="CutCopyBytes"/>, any digits and separators at the
    /// cut dropped (they might be the first part of a CPR the cut split), the cpr field and every CPR masked.
    /// </summary>
    private string CutCopy(string start)
    {
        var cut = start.AsSpan(0, Math.Min(start.Length, CutCopyBytes));
        var keep = cut.Length;
        while (keep > 0 && (char.IsAsciiDigit(cut[keep - 1]) || !char.IsLetter(cut[keep - 1]) && cut[keep - 1] != Separator)) keep--;
        return MaskLine(cut[..keep].ToString()) + LineCut;
    }

    /// <summary>Splits <paramref name="line"/> into field ranges (no allocation per field); returns the field count.</summary>
    public int Split(string line)
    {
        var count = 1;
        foreach (var c in line) if (c == Separator) count++;
        if (count > _ranges.Length) _ranges = new Range[Math.Max(count, _ranges.Length * 2)];
        return line.AsSpan().Split(_ranges, Separator);
    }

    /// <summary>Field <paramref name="index"/> of the line last passed to <see cref="Split"/>, trimmed.</summary>
    public ReadOnlySpan<char> Field(string line, int index) => line.AsSpan()[_ranges[index]].Trim();

    /// <summary>
    /// Null when no field of the line last passed to <see cref="Split"/> holds a control or invisible character
    /// (<see cref="SafeText.IsUnsafe"/>); otherwise why the row is rejected, naming the first such column.
    /// </summary>
    public string? UnsafeField(string line, int fields)
    {
        for (var i = 0; i < fields; i++)
        {
            foreach (var c in line.AsSpan()[_ranges[i]])
            {
                if (SafeText.IsUnsafe(c))
                    return $"{ColumnName(i)} holds the control or invisible character U+{(int)c:X4}, which no field may hold";
            }
        }
        return null;
    }

    private string ColumnName(int index) => index < Columns.Length ? SafeText.Quote(Columns[index]) : $"field {index + 1}";

    /// <summary>
    /// A rejection of <paramref name="line"/>, the line last read. The line is masked and made safe to show once: a wide row
    /// with a thousand bad cells is rejected a thousand times, each a copy of its first rejection with another reason, so
    /// the cost grows with the cells, not with cells × row length (docs/fuzzing.md, F2).
    /// </summary>
    public Rejection Reject(string line, string reason)
    {
        if (_lastRejection is { } last && ReferenceEquals(line, _lastRejectedLine) && last.Line == LineNumber)
            return last with { Reason = reason };
        _lastRejectedLine = line;
        return _lastRejection = new Rejection(FileName, LineNumber, reason, MaskLine(line));
    }

    /// <summary>A rejection of the header (line 1); its copy of the header is made once, whatever the number of columns
    /// rejected (docs/fuzzing.md, F1).</summary>
    public Rejection RejectHeader(string reason) =>
        _headerRejection is null ? _headerRejection = new Rejection(FileName, 1, reason, HeaderLine) : _headerRejection with { Reason = reason };

    /// <summary>
    /// The raw line with the whole cpr field masked whatever it holds (a malformed CPR is still personal data)
    /// and every other CPR-shaped run masked too (a shifted row may carry the CPR in another column).
    /// </summary>
    public string MaskLine(string line)
    {
        // Its own split, not _ranges: a wide row goes on reading its other cells after a cell is rejected.
        var fields = line.Split(Separator);
        if (CprIndex >= 0 && CprIndex < fields.Length && !string.IsNullOrWhiteSpace(fields[CprIndex]))
            fields[CprIndex] = Cpr.Masked;
        return Cpr.MaskAll(string.Join(Separator, fields));
    }

    /// <summary>Parses <c>yyyy-MM-dd</c> within <see cref="PlausibleDates"/>; the error names the column.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, string column, out DateOnly date, out string? error)
    {
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            error = text.IsEmpty ? $"{column} is empty" : $"{column} '{SafeText.Quote(text)}' is not a date; expected yyyy-MM-dd";
            return false;
        }
        error = PlausibleDates.Refuse(date, column);
        return error is null;
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Formats with the invariant culture (thousands with a comma, whatever the machine's culture).</summary>
    public static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>Nothing to release: the stream is the caller's and is left open.</summary>
    public void Dispose()
    {
    }
}

/// <summary>
/// Splits a byte stream into lines at LF, CR or CRLF and decodes each as strict UTF-8, holding at most
/// <see cref="ExtractLimits.MaxLineBytes"/> bytes of a line: the rest of a longer line is checked for valid UTF-8 and
/// dropped, and the line is returned cut, marked <see cref="Line.TooLong"/>, with its full length. Refuses a file that is
/// not UTF-8 (<see cref="RegisterFileException"/>) at the first line that shows it, naming the encoding it looks like.
/// </summary>
internal sealed class BoundedLineReader(Stream stream, string fileName)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>How much of a header is looked at for UTF-16 without a byte order mark.</summary>
    private const int SniffBytes = 1024;

    /// <summary>How much of an over-long line is decoded to be shown (cut further by the caller).</summary>
    private const int ShownBytes = 4096;

    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly Decoder _validator = StrictUtf8.GetDecoder();
    private readonly char[] _scratch = new char[8192];
    private int _pos;
    private int _len;
    private bool _eof;
    private bool _started;
    private bool _skipLf;
    private byte[] _line = new byte[4096];
    private int _kept;
    private long _total;

    /// <summary>One line: its text (only the start of it when <see cref="TooLong"/>) and its length in bytes.</summary>
    public readonly record struct Line(string Text, bool TooLong, long Bytes);

    /// <summary>Physical number of the line last read (1 = the first).</summary>
    public int LineNumber { get; private set; }

    public bool TryReadLine(out Line line)
    {
        if (!_started) Start();
        _kept = 0;
        _total = 0;
        var any = false;
        while (true)
        {
            if (_pos == _len && !Fill()) break;
            if (_skipLf)
            {
                _skipLf = false;
                if (_buffer[_pos] == (byte)'\n')
                {
                    _pos++;
                    continue;
                }
            }
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var end = span.IndexOfAny((byte)'\n', (byte)'\r');
            any = true;
            if (end < 0)
            {
                Append(span);
                _pos = _len;
                continue;
            }
            Append(span[..end]);
            _skipLf = span[end] == (byte)'\r';
            _pos += end + 1;
            break;
        }
        if (!any)
        {
            line = default;
            return false;
        }
        LineNumber++;
        line = Finish();
        return true;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        var wasTooLong = _total > ExtractLimits.MaxLineBytes;
        _total += bytes.Length;
        var take = Math.Min(bytes.Length, ExtractLimits.MaxLineBytes - _kept);
        if (take > 0)
        {
            if (_kept + take > _line.Length) Array.Resize(ref _line, Math.Min(ExtractLimits.MaxLineBytes, Math.Max(_kept + take, _line.Length * 2)));
            bytes[..take].CopyTo(_line.AsSpan(_kept));
            _kept += take;
            bytes = bytes[take..];
        }
        if (bytes.IsEmpty) return;
        // Over the limit: the kept start is checked once, then each dropped piece as it passes.
        if (!wasTooLong) Validate(_line.AsSpan(0, _kept), flush: false, LineNumber + 1);
        Validate(bytes, flush: false, LineNumber + 1);
    }

    private Line Finish()
    {
        if (_total > ExtractLimits.MaxLineBytes)
        {
            Validate([], flush: true, LineNumber);
            // Only the start is shown; a character the cut splits is shown as U+FFFD.
            return new Line(Encoding.UTF8.GetString(_line, 0, Math.Min(_kept, ShownBytes)), TooLong: true, _total);
        }
        try
        {
            return new Line(StrictUtf8.GetString(_line, 0, _kept), TooLong: false, _total);
        }
        catch (DecoderFallbackException e)
        {
            throw NotUtf8(e, LineNumber);
        }
    }

    private void Validate(ReadOnlySpan<byte> bytes, bool flush, int line)
    {
        try
        {
            // Decoded into a small scratch buffer and thrown away: GetChars, unlike GetCharCount, carries a character
            // split between two pieces over to the next call, and the flush at the line's end finds one left incomplete.
            while (!bytes.IsEmpty)
            {
                _validator.Convert(bytes, _scratch, flush: false, out var used, out _, out _);
                bytes = bytes[used..];
            }
            if (flush) _validator.GetChars([], _scratch, flush: true);
        }
        catch (DecoderFallbackException e)
        {
            throw NotUtf8(e, line);
        }
        finally
        {
            if (flush) _validator.Reset();
        }
    }

    private RegisterFileException NotUtf8(DecoderFallbackException e, int line)
    {
        var b = e.BytesUnknown is { Length: > 0 } unknown ? unknown[0] : (byte)0;
        var reason = b >= 0xC0
            ? $"the file looks like Windows-1252/Latin-1, not UTF-8 (first at line {line}: byte 0x{b:X2}, '{(char)b}' in Windows-1252); save it as UTF-8 and deliver it again"
            : $"the file is not valid UTF-8 (first at line {line}: byte 0x{b:X2}); save it as UTF-8 and deliver it again";
        return new RegisterFileException(fileName, reason);
    }

    private bool Fill()
    {
        if (_eof) return false;
        _pos = 0;
        _len = stream.Read(_buffer, 0, _buffer.Length);
        if (_len == 0) _eof = true;
        return _len > 0;
    }

    /// <summary>Reads the first bytes: skips a UTF-8 BOM; refuses UTF-16 (and UTF-32), with or without a byte order mark.</summary>
    private void Start()
    {
        _started = true;
        // Enough of the file to see a byte order mark and a header's worth of bytes.
        while (!_eof && _len < SniffBytes)
        {
            var n = stream.Read(_buffer, _len, _buffer.Length - _len);
            if (n == 0) _eof = true;
            _len += n;
        }
        var head = _buffer.AsSpan(0, _len);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            _pos = 3;
            return;
        }
        string? encoding =
            head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) ? "UTF-32 (little-endian, with a byte order mark)"
            : head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]) ? "UTF-32 (big-endian, with a byte order mark)"
            : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? "UTF-16 (little-endian, with a byte order mark)"
            : head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? "UTF-16 (big-endian, with a byte order mark)"
            : Utf16WithoutBom(head);
        if (encoding is not null)
            throw new RegisterFileException(fileName, $"the file looks like {encoding}, not UTF-8; save it as UTF-8 and deliver it again");
    }

    /// <summary>
    /// UTF-16 without a byte order mark: in the first line (up to its LF byte, at most <see cref="SniffBytes"/>), at least
    /// half of the bytes at odd positions (little-endian) or even positions (big-endian) are NUL, as ASCII text in UTF-16
    /// has. No UTF-8 header looks like that.
    /// </summary>
    private static string? Utf16WithoutBom(ReadOnlySpan<byte> head)
    {
        var lf = head.IndexOf((byte)'\n');
        var sample = lf < 0 ? head : head[..lf];
        if (sample.Length < 4) return null;
        int even = 0, odd = 0;
        for (var i = 0; i < sample.Length; i++)
        {
            if (sample[i] != 0) continue;
            if (i % 2 == 0) even++;
            else odd++;
        }
        var pairs = sample.Length / 2;
        if (odd * 2 >= pairs && even == 0) return "UTF-16 (little-endian, without a byte order mark)";
        if (even * 2 >= pairs && odd == 0) return "UTF-16 (big-endian, without a byte order mark)";
        return null;
    }
}

/// <summary>
/// Turns CPR text into pseudonyms, each distinct person hashed once (a long file repeats each person ~156 times), tells
/// whether the person is one the caller keeps, and numbers the kept persons so person-week keys are plain integers.
/// Memory: for a kept person (every person when there is no filter) its text, pseudonym and number; for a person the
/// filter does not keep only its ten digits as one <see cref="long"/> (about 20 bytes, not the ~250 of a text and a
/// pseudonym), so a whole-register extract read for a few participants costs little per person it only passes over.
/// </summary>
internal sealed class PersonLookup(Pseudonymizer pseudonymizer, Func<Pseudonym, bool>? keepPerson = null)
{
    private readonly Dictionary<string, (Pseudonym Person, int Index)> _byText = new(StringComparer.Ordinal);
    private readonly Dictionary<Pseudonym, int> _indexOf = [];
    private readonly HashSet<long> _notKept = [];

    /// <summary>How many CPR texts are remembered with their pseudonym (the kept persons' spellings).</summary>
    internal int TextsRemembered => _byText.Count;

    /// <summary>
    /// Resolves the CPR text. <paramref name="index"/> is the person's number, or -1 for a person the filter does not keep
    /// (the row is then only checked, not tracked or yielded, and <paramref name="person"/> is <c>default</c>).
    /// </summary>
    public bool TryResolve(ReadOnlySpan<char> cprText, out Pseudonym person, out int index, out string? error)
    {
        // Asked first: with a filter most rows are of persons not kept. A number is remembered only once its text was
        // read as a valid CPR, so a hit needs no checking again.
        var number = keepPerson is null ? -1 : Number(cprText);
        if (number >= 0 && _notKept.Contains(number))
        {
            (person, index, error) = (default, -1, null);
            return true;
        }
        var lookup = _byText.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(cprText, out var hit))
        {
            (person, index, error) = (hit.Person, hit.Index, null);
            return true;
        }
        var text = cprText.ToString();
        if (!Cpr.TryParse(text, out var cpr, out var cprError))
        {
            (person, index, error) = (default, -1, cprText.IsEmpty ? "cpr is empty" : $"cpr: {cprError}");
            return false;
        }
        person = pseudonymizer.Of(cpr!);
        if (keepPerson is not null && !keepPerson(person))
        {
            if (number >= 0) _notKept.Add(number);
            (person, index, error) = (default, -1, null);
            return true;
        }
        if (!_indexOf.TryGetValue(person, out index))
        {
            index = _indexOf.Count;
            _indexOf.Add(person, index);
        }
        _byText.Add(text, (person, index));
        error = null;
        return true;
    }

    /// <summary>
    /// The ten digits of a CPR spelled <c>DDMMYYSSSS</c> or <c>DDMMYY-SSSS</c> (as <see cref="Cpr.TryParse"/> normalises
    /// them) as a number; -1 for any other text.
    /// </summary>
    private static long Number(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.Length == 11 && text[6] == '-') return Digits(text[..6], Digits(text[7..], 0, 1), 10_000);
        return text.Length == 10 ? Digits(text, 0, 1) : -1;

        // Appends the digits of s in front of what is already read (worth `scale`); -1 if one is not an ASCII digit.
        static long Digits(ReadOnlySpan<char> s, long tail, long scale)
        {
            if (tail < 0) return -1;
            var value = 0L;
            foreach (var c in s)
            {
                if (!char.IsAsciiDigit(c)) return -1;
                value = value * 10 + (c - '0');
            }
            return value * scale + tail;
        }
    }
}
