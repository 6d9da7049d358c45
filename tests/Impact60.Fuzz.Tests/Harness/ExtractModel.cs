using System.Text;

namespace Impact60.Fuzz.Tests.Harness;

/// <summary>
/// The harness's own reading of an extract file, independent of <c>ExtractFile</c>, to count what the readers must
/// account for: the file decoded as strict UTF-8 (a leading BOM kept as U+FEFF, as the readers see it), split into
/// physical lines at CR, LF or CRLF (line 1 = the header), data lines = lines after the header that are not blank.
/// </summary>
public sealed class ExtractModel
{
    private ExtractModel(bool validUtf8, string[] lines)
    {
        ValidUtf8 = validUtf8;
        Lines = lines;
        if (lines.Length > 0)
        {
            var header = lines[0].StartsWith('\uFEFF') ? lines[0][1..] : lines[0];
            Columns = header.Split(';').Select(c => c.Trim().ToLowerInvariant()).ToArray();
        }
    }

    public bool ValidUtf8 { get; }

    /// <summary>Physical lines; <c>Lines[0]</c> is line 1.</summary>
    public string[] Lines { get; }

    /// <summary>The header's column names, trimmed and lower-cased; empty when the file has no line at all.</summary>
    public string[] Columns { get; } = [];

    public int LineCount => Lines.Length;

    /// <summary>True for a line after the header that is not blank: it must end as row(s) or rejection(s).</summary>
    public bool IsData(int lineNumber) => lineNumber >= 2 && lineNumber <= Lines.Length && !string.IsNullOrWhiteSpace(Lines[lineNumber - 1]);

    public IEnumerable<int> DataLines => Enumerable.Range(2, Math.Max(0, Lines.Length - 1)).Where(IsData);

    public string[] Fields(int lineNumber) => Lines[lineNumber - 1].Split(';');

    public static ExtractModel Of(byte[] bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return new ExtractModel(false, []);
        }
        return new ExtractModel(true, SplitLines(text));
    }

    /// <summary>Splits as <c>StreamReader.ReadLine</c> does: CR, LF and CRLF end a line; text after the last ending is a line.</summary>
    public static string[] SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is not ('\r' or '\n')) continue;
            lines.Add(text[start..i]);
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            start = i + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return [.. lines];
    }
}

/// <summary>How many rows and rejections each line ended as, counted as they happen (arrays allocated before the measurement).</summary>
public sealed class LineTally(int lineCount)
{
    private readonly int[] _rows = new int[lineCount + 2];
    private readonly int[] _rejections = new int[lineCount + 2];

    /// <summary>Rows or rejections with a line number that is not a line of the file.</summary>
    public int OutOfRange { get; private set; }

    public int FirstOutOfRange { get; private set; }

    public void Row(int line) => Add(_rows, line);

    public void Rejection(int line) => Add(_rejections, line);

    public int RowsAt(int line) => _rows[line];

    public int RejectionsAt(int line) => _rejections[line];

    private void Add(int[] counts, int line)
    {
        if (line >= 1 && line < counts.Length - 1) counts[line]++;
        else if (OutOfRange++ == 0) FirstOutOfRange = line;
    }
}
