using System.Globalization;
using System.Text;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Register;

/// <summary>
/// What every register extract file shares (REGISTER.md "Extract files"): strict UTF-8 with an optional BOM,
/// one <c>;</c>-separated header row with case-insensitive names in any order, CRLF or LF, blank lines skipped.
/// Reads line by line so a file of millions of rows never sits in memory; keeps the physical line number
/// (header = 1) for every rejection.
/// </summary>
internal sealed class ExtractFile : IDisposable
{
    public const char Separator = ';';

    private readonly StreamReader _reader;
    private readonly CountingFallback _invalidBytes = new();
    private Range[] _ranges = new Range[8];

    public string FileName { get; }

    /// <summary>Physical line number of the line last read (1 = header).</summary>
    public int LineNumber { get; private set; }

    /// <summary>Header names, trimmed and lower-cased, in file order.</summary>
    public string[] Columns { get; private set; } = [];

    public string HeaderLine { get; private set; } = "";

    private ExtractFile(Stream stream, string fileName)
    {
        FileName = fileName;
        // The BOM is stripped by hand below: letting StreamReader detect BOMs would quietly accept UTF-16 files.
        // Strict UTF-8: an invalid byte rejects the whole file. The decoder works a buffer ahead of the lines, so
        // rather than throwing there (at the wrong line) it marks the bytes and counts them; ReadLine throws on the
        // line that holds them.
        var utf8 = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).Clone();
        utf8.DecoderFallback = _invalidBytes;
        _reader = new StreamReader(stream, utf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
    }

    /// <summary>Opens the file and reads its header; throws <see cref="RegisterFileException"/> when there is none.</summary>
    public static ExtractFile Open(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        var file = new ExtractFile(stream, fileName);
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
        var line = ReadLine();
        if (line is null)
            throw new RegisterFileException(FileName, "the file is empty: expected a header row");
        if (line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
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
                throw new RegisterFileException(FileName, $"header column '{name}' appears more than once");
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
            throw new RegisterFileException(FileName, $"missing required column '{column}' (header: {Cpr.MaskAll(HeaderLine)})");
        return i;
    }

    /// <summary>The next line that is not blank, or null at the end; <see cref="LineNumber"/> follows it.</summary>
    public string? NextDataLine()
    {
        while (ReadLine() is { } line)
            if (!string.IsNullOrWhiteSpace(line)) return line;
        return null;
    }

    private string? ReadLine()
    {
        var line = _reader.ReadLine();
        if (line is not null) LineNumber++;
        if (_invalidBytes.Count > 0 && (line is null || line.Contains(CountingFallback.Mark, StringComparison.Ordinal)))
        {
            var where = line is null ? "" : $" (invalid bytes at line {LineNumber})";
            throw new RegisterFileException(FileName, $"the file is not valid UTF-8{where}; the whole file is rejected");
        }
        return line;
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

    public Rejection Reject(string line, int cprIndex, string reason) =>
        new(FileName, LineNumber, Cpr.MaskAll(reason), MaskLine(line, cprIndex));

    public Rejection RejectHeader(string reason) =>
        new(FileName, 1, Cpr.MaskAll(reason), Cpr.MaskAll(HeaderLine));

    /// <summary>
    /// The raw line with the whole cpr field masked whatever it holds (a malformed CPR is still personal data)
    /// and every other CPR-shaped run masked too (a shifted row may carry the CPR in another column).
    /// </summary>
    public string MaskLine(string line, int cprIndex)
    {
        // Its own split, not _ranges: a wide row goes on reading its other cells after a cell is rejected.
        var fields = line.Split(Separator);
        if (cprIndex >= 0 && cprIndex < fields.Length && !string.IsNullOrWhiteSpace(fields[cprIndex]))
            fields[cprIndex] = Cpr.Masked;
        return Cpr.MaskAll(string.Join(Separator, fields));
    }

    /// <summary>Parses <c>yyyy-MM-dd</c>; the error names the column.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, string column, out DateOnly date, out string? error)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            error = null;
            return true;
        }
        error = text.IsEmpty ? $"{column} is empty" : $"{column} '{text}' is not a date; expected yyyy-MM-dd";
        return false;
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void Dispose() => _reader.Dispose();
}

/// <summary>Replaces each invalid UTF-8 sequence with U+FFFD and counts them, so the reader can reject the file.</summary>
internal sealed class CountingFallback : DecoderFallback
{
    public const char Mark = '\uFFFD';

    public int Count { get; private set; }

    public override int MaxCharCount => 1;

    public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

    private sealed class Buffer(CountingFallback owner) : DecoderFallbackBuffer
    {
        private bool _pending;

        public override int Remaining => _pending ? 1 : 0;

        public override bool Fallback(byte[] bytesUnknown, int index)
        {
            owner.Count++;
            _pending = true;
            return true;
        }

        public override char GetNextChar()
        {
            if (!_pending) return '\0';
            _pending = false;
            return Mark;
        }

        public override bool MovePrevious() => false;

        public override void Reset() => _pending = false;
    }
}

/// <summary>
/// Turns CPR text into pseudonyms, each distinct text hashed once (a long file repeats each person ~156 times),
/// and numbers the persons so person-week keys are plain integers.
/// </summary>
internal sealed class PersonLookup(Pseudonymizer pseudonymizer)
{
    private readonly Dictionary<string, (Pseudonym Person, int Index)> _byText = new(StringComparer.Ordinal);
    private readonly Dictionary<Pseudonym, int> _indexOf = [];

    public bool TryResolve(ReadOnlySpan<char> cprText, out Pseudonym person, out int index, out string? error)
    {
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
        if (!_indexOf.TryGetValue(person, out index))
        {
            index = _indexOf.Count;
            _indexOf.Add(person, index);
        }
        _byText.Add(text, (person, index));
        error = null;
        return true;
    }
}
