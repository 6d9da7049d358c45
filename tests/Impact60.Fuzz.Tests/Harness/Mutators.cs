using System.Globalization;
using System.Text;

namespace Impact60.Fuzz.Tests.Harness;

/// <summary>
/// The mutators: each turns bytes into other bytes, deterministically from its <see cref="Op"/>. Line- and field-wise
/// ones work on the bytes split at LF and <c>;</c>, whatever the encoding, so they still do something to a file that
/// an earlier mutation has already made unreadable.
/// </summary>
public static class Mutators
{
    static Mutators() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly Encoding Utf8Lossy = new UTF8Encoding(false, false);

    /// <summary>Applies <paramref name="ops"/> to <paramref name="seed"/>; a mutation that would pass the size limit is left out.</summary>
    public static byte[] Apply(byte[] seed, IEnumerable<Op> ops, FuzzLimits limits, IReadOnlyList<Seed> seeds)
    {
        var bytes = seed;
        foreach (var op in ops)
        {
            byte[] next;
            try
            {
                next = Apply(bytes, op, limits, seeds);
            }
            catch (OutOfMemoryException)
            {
                continue; // a mutation too big to build is left out like one over the size limit
            }
            if (next.Length <= limits.MaxInputBytes) bytes = next;
        }
        return bytes;
    }

    public static byte[] Apply(byte[] b, Op op, FuzzLimits limits, IReadOnlyList<Seed> seeds) => op.Kind switch
    {
        OpKind.BitFlip => BitFlip(b, op),
        OpKind.InsertByte => InsertByte(b, op),
        OpKind.DeleteBytes => DeleteBytes(b, op),
        OpKind.Truncate => b[..(int)(op.A % (uint)(b.Length + 1))],
        OpKind.DuplicateLine => DuplicateLine(b, op, limits),
        OpKind.SwapLines => SwapLines(b, op),
        OpKind.Separator => Separator(b, op),
        OpKind.LineEndings => LineEndings(b, op),
        OpKind.HugeField => HugeField(b, op, limits),
        OpKind.ControlChar => ControlChar(b, op),
        OpKind.Windows1252 => Windows1252(b, op),
        OpKind.Utf16 => Utf16(b, op),
        OpKind.Bom => Bom(b, op),
        OpKind.LongLine => LongLine(b, op, limits),
        OpKind.Empty => [],
        OpKind.HeaderOnly => HeaderOnly(b, op),
        OpKind.DigitRun => DigitRun(b, op),
        OpKind.WidenColumns => WidenColumns(b, op, limits),
        OpKind.SwapFields => SwapFields(b, op),
        OpKind.CprInField => CprInField(b, op),
        OpKind.Splice => Splice(b, op, seeds),
        OpKind.ScaleUp => ScaleUp(b, op, limits),
        OpKind.EdgeValue => EdgeValue(b, op),
        _ => JsonMutators.Apply(b, op, limits),
    };

    // ---- bytes ----

    private static byte[] BitFlip(byte[] b, Op op)
    {
        if (b.Length == 0) return b;
        var copy = (byte[])b.Clone();
        copy[op.A % (uint)b.Length] ^= (byte)(1 << (int)(op.B % 8));
        return copy;
    }

    /// <summary>Bytes that mean something to a CSV or JSON reader or to a UTF-8 decoder.</summary>
    private static readonly byte[] InterestingBytes =
        [0x00, 0xFF, 0xFE, 0xC0, 0xC2, 0xE2, 0xED, 0xF4, 0xF8, 0x80, 0xBF, (byte)';', (byte)',', (byte)'\t', (byte)'\r', (byte)'\n',
         (byte)'"', (byte)'\'', (byte)'-', (byte)'0', (byte)'9', (byte)' ', 0x7F, (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)':', (byte)'\\'];

    private static byte[] InsertByte(byte[] b, Op op)
    {
        var value = (op.B & 0x100) == 0 ? InterestingBytes[(op.B >> 9) % (uint)InterestingBytes.Length] : (byte)op.B;
        return Insert(b, (int)(op.A % (uint)(b.Length + 1)), [value]);
    }

    private static byte[] DeleteBytes(byte[] b, Op op)
    {
        if (b.Length == 0) return b;
        var at = (int)(op.A % (uint)b.Length);
        var count = Math.Min(b.Length - at, 1 + (Math.Abs(op.N) % 64));
        return [.. b.AsSpan(0, at), .. b.AsSpan(at + count)];
    }

    private static byte[] Insert(byte[] b, int at, ReadOnlySpan<byte> what) => [.. b.AsSpan(0, at), .. what, .. b.AsSpan(at)];

    // ---- lines ----

    /// <summary>The input as lines, each with its LF (the last may have none).</summary>
    private static List<byte[]> Lines(byte[] b)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < b.Length; i++)
            if (b[i] == (byte)'\n') { lines.Add(b[start..(i + 1)]); start = i + 1; }
        if (start < b.Length) lines.Add(b[start..]);
        return lines;
    }

    private static byte[] Join(IEnumerable<byte[]> lines)
    {
        var ms = new MemoryStream();
        foreach (var l in lines) ms.Write(l);
        return ms.ToArray();
    }

    private static byte[] DuplicateLine(byte[] b, Op op, FuzzLimits limits)
    {
        var lines = Lines(b);
        if (lines.Count == 0) return b;
        var i = (int)(op.A % (uint)lines.Count);
        var line = lines[i];
        if (line.Length == 0 || line[^1] != (byte)'\n') line = [.. line, (byte)'\n'];
        var times = Math.Min(Math.Clamp(op.N, 1, limits.MaxRepeat), Math.Max(1, limits.MaxInputBytes / line.Length));
        lines.InsertRange(i + 1, Enumerable.Repeat(line, times));
        return Join(lines);
    }

    private static byte[] SwapLines(byte[] b, Op op)
    {
        var lines = Lines(b);
        if (lines.Count < 2) return b;
        var (i, j) = ((int)(op.A % (uint)lines.Count), (int)(op.B % (uint)lines.Count));
        (lines[i], lines[j]) = (lines[j], lines[i]);
        return Join(lines);
    }

    private static readonly string[] Separators = [",", "\t", "|", ";;", " ; ", "\r", "\r\n", "\n", "", "\";\"", ":", "\u00A0"];

    /// <summary>Replaces <c>;</c> with another separator: everywhere, in one line, or once.</summary>
    private static byte[] Separator(byte[] b, Op op)
    {
        var with = Encoding.UTF8.GetBytes(Separators[op.B % (uint)Separators.Length]);
        var positions = new List<(int At, int Line)>();
        var line = 0;
        for (var i = 0; i < b.Length; i++)
        {
            if (b[i] == (byte)'\n') line++;
            else if (b[i] == (byte)';') positions.Add((i, line));
        }
        if (positions.Count == 0) return b;
        var pick = positions[(int)(op.A / 3 % (uint)positions.Count)];
        var set = (op.A % 3) switch
        {
            0 => positions.Select(p => p.At).ToHashSet(),
            1 => positions.Where(p => p.Line == pick.Line).Select(p => p.At).ToHashSet(),
            _ => [pick.At],
        };
        var ms = new MemoryStream(b.Length + set.Count * with.Length);
        for (var i = 0; i < b.Length; i++)
        {
            if (set.Contains(i)) ms.Write(with);
            else ms.WriteByte(b[i]);
        }
        return ms.ToArray();
    }

    private static readonly string[] Endings = ["\n", "\r\n", "\r", "\r\n", "\n", "\n\n", "\r\r\n", "\n\r"];

    /// <summary>Every line ending replaced by a random one of LF, CRLF, CR (and now and then a blank line or LF CR).</summary>
    private static byte[] LineEndings(byte[] b, Op op)
    {
        var random = new Random((int)op.A);
        var choices = op.B % 2 == 0 ? 3 : Endings.Length;
        var ms = new MemoryStream(b.Length + 64);
        for (var i = 0; i < b.Length; i++)
        {
            var c = b[i];
            if (c == (byte)'\r' && i + 1 < b.Length && b[i + 1] == (byte)'\n') i++;
            if (c is (byte)'\r' or (byte)'\n') ms.Write(Encoding.ASCII.GetBytes(Endings[random.Next(choices)]));
            else ms.WriteByte(c);
        }
        return ms.ToArray();
    }

    // ---- fields ----

    /// <summary>Start of every field: offset 0, after each LF and after each <c>;</c>.</summary>
    private static List<int> FieldStarts(byte[] b)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < b.Length; i++)
            if (b[i] is (byte)'\n' or (byte)';' or (byte)'"' or (byte)':') starts.Add(i + 1);
        return starts;
    }

    private static readonly string[] Fills = ["A", "9", " ", "é", ";", "\0", "-", "x;", "0103999915;", "\\", "\""];

    /// <summary>A field of up to a few MB inserted at the start of a field.</summary>
    private static byte[] HugeField(byte[] b, Op op, FuzzLimits limits)
    {
        var starts = FieldStarts(b);
        var at = starts[(int)(op.A % (uint)starts.Count)];
        var fill = Encoding.UTF8.GetBytes(Fills[op.B % (uint)Fills.Length]);
        var size = Math.Clamp(op.N, 1, limits.MaxHugeBytes);
        var huge = new byte[size / fill.Length * fill.Length + fill.Length];
        for (var i = 0; i < huge.Length; i += fill.Length) fill.CopyTo(huge, i);
        return Insert(b, at, huge);
    }

    private static readonly string[] Controls =
        ["\0", "\u0001", "\u0007", "\b", "\u000B", "\f", "\u0019", "\u001B[31m", "\u007F", "\u0085", "\u2028", "\u2029", "\u202E", "\uFEFF", "\u200B", "\u00A0", "\u001A", "\u0009"];

    private static byte[] ControlChar(byte[] b, Op op)
    {
        var c = Controls[op.B % (uint)Controls.Length];
        var times = Math.Clamp(op.N, 1, 16);
        var starts = FieldStarts(b);
        var at = (op.B & 0x1000) == 0 ? starts[(int)(op.A % (uint)starts.Count)] : (int)(op.A % (uint)(b.Length + 1));
        return Insert(b, at, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(c, times))));
    }

    private static readonly string[] DanishWords = ["Æblegård", "Søren Ørsted", "å", "ø", "Café", "€ 796", "Ærø"];

    /// <summary>
    /// Windows-1252 bytes: either the whole file re-encoded as Windows-1252 with a Danish word put in (an export from an
    /// old tool), or one word's 1252 bytes dropped into otherwise UTF-8 text (a file pasted together from two sources).
    /// </summary>
    private static byte[] Windows1252(byte[] b, Op op)
    {
        var cp1252 = Encoding.GetEncoding(1252);
        var word = DanishWords[op.B % (uint)DanishWords.Length];
        var starts = FieldStarts(b);
        var at = starts[(int)(op.A % (uint)starts.Count)];
        if ((op.B & 0x100) == 0) return Insert(b, at, cp1252.GetBytes(word));
        var text = Utf8Lossy.GetString(b);
        var charAt = Math.Min(text.Length, Utf8Lossy.GetCharCount(b, 0, Math.Min(at, b.Length)));
        return cp1252.GetBytes(text.Insert(charAt, word));
    }

    /// <summary>The whole file as UTF-16, little- or big-endian, with or without its BOM.</summary>
    private static byte[] Utf16(byte[] b, Op op)
    {
        var text = Utf8Lossy.GetString(b);
        Encoding encoding = (op.B % 2) == 0 ? new UnicodeEncoding(false, false) : new UnicodeEncoding(true, false);
        var body = encoding.GetBytes(text);
        return (op.B / 2 % 2) == 0 ? [.. (op.B % 2 == 0 ? new byte[] { 0xFF, 0xFE } : [0xFE, 0xFF]), .. body] : body;
    }

    /// <summary>A BOM where it does not belong: twice at the start, at a line start, mid-field, at the end, or a UTF-16 BOM on UTF-8.</summary>
    private static byte[] Bom(byte[] b, Op op)
    {
        byte[] bom = (op.B % 3) == 0 ? [0xFF, 0xFE] : [0xEF, 0xBB, 0xBF];
        var lineStarts = FieldStarts(b).Where(i => i == 0 || b[i - 1] == (byte)'\n').ToList();
        var at = (op.A % 4) switch
        {
            0 => 0,
            1 => lineStarts[(int)(op.A / 4 % (uint)lineStarts.Count)],
            2 => (int)(op.A / 4 % (uint)(b.Length + 1)),
            _ => b.Length,
        };
        return Insert(b, at, bom);
    }

    /// <summary>One line made very long: its content repeated many times, joined by nothing or by <c>;</c>.</summary>
    private static byte[] LongLine(byte[] b, Op op, FuzzLimits limits)
    {
        var lines = Lines(b);
        if (lines.Count == 0) return b;
        var i = (int)(op.A % (uint)lines.Count);
        var content = lines[i].AsSpan().TrimEnd("\r\n"u8).ToArray();
        if (content.Length == 0) return b;
        var times = Math.Clamp(op.N, 2, Math.Max(2, limits.MaxHugeBytes / content.Length));
        var joiner = (op.B % 2) == 0 ? Array.Empty<byte>() : [(byte)';'];
        var ms = new MemoryStream();
        for (var t = 0; t < times; t++)
        {
            if (t > 0) ms.Write(joiner);
            ms.Write(content);
        }
        ms.WriteByte((byte)'\n');
        lines[i] = ms.ToArray();
        return Join(lines);
    }

    private static byte[] HeaderOnly(byte[] b, Op op)
    {
        var lines = Lines(b);
        if (lines.Count == 0) return b;
        return (op.B % 2) == 0 ? lines[0] : lines[0].AsSpan().TrimEnd("\r\n"u8).ToArray();
    }

    /// <summary>A run of 1 to 13 digits (with a dash after the sixth now and then): numbers of odd lengths, CPR-shaped or nearly.</summary>
    private static byte[] DigitRun(byte[] b, Op op)
    {
        var length = 1 + (int)(op.B % 13);
        var random = new Random((int)(op.B >> 4));
        var sb = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            if (i == 6 && (op.B & 0x8) != 0) sb.Append('-');
            sb.Append((char)('0' + random.Next(10)));
        }
        var starts = FieldStarts(b);
        var at = (op.A & 1) == 0 ? starts[(int)(op.A / 2 % (uint)starts.Count)] : (int)(op.A / 2 % (uint)(b.Length + 1));
        return Insert(b, at, Encoding.ASCII.GetBytes(sb.ToString()));
    }

    private static readonly string[] Cells = ["", "x", "135", "1", " ", "99999"];

    /// <summary>
    /// Many more columns: the header gains N names (unknown names, wide-form week columns y_YYWW counting up from 2000-W01,
    /// or repeats of its first name) and every other line N cells (empty, a letter, a code, ...). The middle one of N
    /// unknown names is CPR-shaped (a header can hold personal data too): a reader that masks the whole header again for
    /// every column it rejects then copies the header each time, which the allocation bound sees; a pass over a header
    /// with nothing to mask allocates nothing, and only the benchmark's processor time shows it (docs/fuzzing.md, F1).
    /// </summary>
    private static byte[] WidenColumns(byte[] b, Op op, FuzzLimits limits)
    {
        var lines = Lines(b);
        if (lines.Count == 0) return b;
        var cellText = Cells[op.B / 3 % (uint)Cells.Length];
        // Not beyond the size limit: every line grows by n cells.
        var n = (int)Math.Min(Math.Clamp(op.N, 1, limits.MaxColumns), Math.Max(1, (long)limits.MaxInputBytes / ((long)lines.Count * (cellText.Length + 1) + 8)));
        var names = new StringBuilder();
        var weeks = 0;
        var firstName = Encoding.UTF8.GetString(lines[0].AsSpan().TrimEnd("\r\n"u8)).Split(';')[0];
        for (var i = 0; i < n; i++)
        {
            names.Append(';');
            switch (op.B % 3)
            {
                case 0 when i == n / 2: names.Append(CprShaped[0]); break;
                case 0: names.Append(CultureInfo.InvariantCulture, $"c{i}"); break;
                case 1:
                    var year = weeks / 52;
                    names.Append(CultureInfo.InvariantCulture, $"y_{year % 100:D2}{weeks % 52 + 1:D2}");
                    weeks++;
                    break;
                default: names.Append(firstName); break;
            }
        }
        var cell = ";" + cellText;
        var cells = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(cell, n)));
        var header = Encoding.UTF8.GetBytes(names.ToString());
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var body = line.AsSpan().TrimEnd("\r\n"u8);
            var ending = line.AsSpan(body.Length);
            lines[i] = [.. body, .. (i == 0 ? header : cells), .. ending];
        }
        return Join(lines);
    }

    /// <summary>Two fields swapped, in every line (a column order the header does not describe) or in one.</summary>
    private static byte[] SwapFields(byte[] b, Op op)
    {
        var lines = Lines(b);
        if (lines.Count == 0) return b;
        var one = (op.A % 2) == 0 ? -1 : (int)(op.A / 2 % (uint)lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            if (one >= 0 && i != one) continue;
            var body = lines[i].AsSpan().TrimEnd("\r\n"u8);
            var ending = lines[i].AsSpan(body.Length).ToArray();
            var fields = SplitBytes(body.ToArray(), (byte)';');
            if (fields.Count < 2) continue;
            var (x, y) = ((int)(op.B % (uint)fields.Count), (int)(op.B / 16 % (uint)fields.Count));
            (fields[x], fields[y]) = (fields[y], fields[x]);
            lines[i] = [.. JoinBytes(fields, (byte)';'), .. ending];
        }
        return Join(lines);
    }

    private static readonly string[] CprShaped = ["0103999915", "010399-9915", "3112999999", " 0103999915 ", "01039999150", "010399-99150", "0103999915x"];

    /// <summary>A field replaced by a CPR-shaped value (or one digit too many): personal data in the wrong column.</summary>
    private static byte[] CprInField(byte[] b, Op op)
    {
        var lines = Lines(b);
        if (lines.Count == 0) return b;
        var i = (int)(op.A % (uint)lines.Count);
        var body = lines[i].AsSpan().TrimEnd("\r\n"u8);
        var ending = lines[i].AsSpan(body.Length).ToArray();
        var fields = SplitBytes(body.ToArray(), (byte)';');
        fields[(int)(op.B % (uint)fields.Count)] = Encoding.ASCII.GetBytes(CprShaped[op.B / 64 % (uint)CprShaped.Length]);
        lines[i] = [.. JoinBytes(fields, (byte)';'), .. ending];
        return Join(lines);
    }

    /// <summary>Values at and beyond the edges of what a field may hold: dates, weeks, codes, numbers, whitespace.</summary>
    private static readonly string[] Edges =
    [
        "0001-01-01", "9999-12-31", "1900-01-01", "1989-12-31", "1990-01-01", "2100-12-31", "2101-01-01", "2019-02-29", "2020-02-29",
        "1900-W01", "1989-W52", "1990-W01", "2999-W52", "2020-W53", "2021-W53", "2019-W00", "2019-w14", " 2019-W14 ", "2019W14",
        "0000", "99999", "-1", "+1", "1.0", "1e3", "１３０", "٣", "130 ", " ", "\"130\"", "NULL", "null", "y_9953", "y_0001", "Y_2122",
        "y_21221", "y_21", "CPR", "Cpr ", "week", "WEEK", "code",
    ];

    /// <summary>A field replaced by an edge value (<see cref="Edges"/>), in one line or in every line.</summary>
    private static byte[] EdgeValue(byte[] b, Op op)
    {
        var lines = Lines(b);
        if (lines.Count == 0) return b;
        var value = Encoding.UTF8.GetBytes(Edges[op.B % (uint)Edges.Length]);
        var one = (op.A % 4) == 0 ? -1 : (int)(op.A / 4 % (uint)lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            if (one >= 0 && i != one) continue;
            if (one < 0 && i == 0) continue;
            var body = lines[i].AsSpan().TrimEnd("\r\n"u8);
            var ending = lines[i].AsSpan(body.Length).ToArray();
            var fields = SplitBytes(body.ToArray(), (byte)';');
            fields[(int)(op.B / 64 % (uint)fields.Count)] = value;
            lines[i] = [.. JoinBytes(fields, (byte)';'), .. ending];
        }
        return Join(lines);
    }

    /// <summary>A piece of another seed dropped in: cross-over between the samples.</summary>
    private static byte[] Splice(byte[] b, Op op, IReadOnlyList<Seed> seeds)
    {
        var other = seeds[(int)(op.B % (uint)seeds.Count)].Bytes;
        if (other.Length == 0) return b;
        var from = (int)(op.B / 8 % (uint)other.Length);
        var length = Math.Min(other.Length - from, 1 + Math.Abs(op.N) % 65_536);
        return Insert(b, (int)(op.A % (uint)(b.Length + 1)), other.AsSpan(from, length));
    }

    /// <summary>
    /// A bigger register: one line copied N times, each copy with its CPR-shaped run replaced by another person's valid CPR
    /// (birth dates counting up from 1960-01-01), so the copies are N distinct people, not repeats.
    /// </summary>
    private static byte[] ScaleUp(byte[] b, Op op, FuzzLimits limits)
    {
        var lines = Lines(b);
        if (lines.Count < 2) return b;
        var i = 1 + (int)(op.A % (uint)(lines.Count - 1));
        var text = Encoding.UTF8.GetString(lines[i]);
        var match = System.Text.RegularExpressions.Regex.Match(text, @"(?<!\d)\d{6}-?\d{4}(?!\d)");
        if (!match.Success) return b;
        var times = Math.Clamp(op.N, 1, limits.MaxRepeat);
        if ((long)times * lines[i].Length > limits.MaxInputBytes) times = Math.Max(1, limits.MaxInputBytes / Math.Max(1, lines[i].Length));
        var copies = new List<byte[]>(times);
        var born = new DateOnly(1960, 1, 1);
        for (var k = 0; k < times; k++)
        {
            var cpr = born.AddDays(k % 20_000).ToString("ddMMyy", CultureInfo.InvariantCulture) + (match.Value.Length == 11 ? "-" : "") + (1000 + k / 20_000).ToString(CultureInfo.InvariantCulture);
            var copy = string.Concat(text.AsSpan(0, match.Index), cpr, text.AsSpan(match.Index + match.Length));
            copies.Add(Encoding.UTF8.GetBytes(copy.EndsWith('\n') ? copy : copy + "\n"));
        }
        lines.InsertRange(i + 1, copies);
        return Join(lines);
    }

    private static List<byte[]> SplitBytes(byte[] b, byte separator)
    {
        var parts = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < b.Length; i++)
            if (b[i] == separator) { parts.Add(b[start..i]); start = i + 1; }
        parts.Add(b[start..]);
        return parts;
    }

    private static byte[] JoinBytes(List<byte[]> parts, byte separator)
    {
        var ms = new MemoryStream();
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) ms.WriteByte(separator);
            ms.Write(parts[i]);
        }
        return ms.ToArray();
    }

    public static bool IsUtf8(byte[] b)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetCharCount(b);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
