using System.Text;
using CsCheck;
using Impact60.Domain.Register;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

/// <summary>
/// Whatever a delivery's row is turned into — bits flipped, cut short, a huge field, stray separators or line breaks,
/// random bytes — each reader either refuses the file whole with a <see cref="RegisterFileException"/> (and only when it
/// is not UTF-8), or accounts for every line: each non-blank data line is taken or rejected, none silently dropped.
/// </summary>
public class ReaderRobustnessTests
{
    private const int Iterations = 200;

    public enum Kind { FlipBit, Truncate, HugeField, Separator, RandomBytes, ReplaceByte }

    public sealed record Mutation(Kind Kind, double At, byte Value, int Length)
    {
        public byte[] Apply(byte[] row)
        {
            var at = (int)(At * row.Length);
            switch (Kind)
            {
                case Kind.FlipBit when row.Length > 0:
                    var flipped = (byte[])row.Clone();
                    flipped[Math.Min(at, row.Length - 1)] ^= (byte)(1 << (Value % 8));
                    return flipped;
                case Kind.Truncate:
                    return row[..at];
                case Kind.HugeField:
                    // Either a field far over its limit on a line within the line limit, or a line over the line limit.
                    var size = Length % 2 == 0 ? 70_000 : ExtractLimits.MaxLineBytes + 10;
                    return [.. row[..at], .. Enumerable.Repeat((byte)"x9;K"[Value % 4], size), .. row[at..]];
                case Kind.Separator:
                    const string separators = ";\n\r,\t\" -/.";
                    return [.. row[..at], (byte)separators[Value % separators.Length], .. row[at..]];
                case Kind.RandomBytes:
                    var random = new Random(Value * 31 + Length);
                    var bytes = new byte[Length];
                    random.NextBytes(bytes);
                    return [.. row[..at], .. bytes, .. row[at..]];
                case Kind.ReplaceByte when row.Length > 0:
                    var replaced = (byte[])row.Clone();
                    replaced[Math.Min(at, row.Length - 1)] = Value;
                    return replaced;
                default:
                    return row;
            }
        }

        public override string ToString() => $"{Kind} at {At:F3} value 0x{Value:X2} length {Length}";
    }

    private static readonly Gen<Mutation[]> Mutations =
        Gen.Select(Gen.Enum<Kind>(), Gen.Double[0, 1], Gen.Byte, Gen.Int[1, 8])
            .Select((kind, at, value, length) => new Mutation(kind, at, value, length))
            .Array[1, 3];

    private static byte[] FileOf(string header, string before, byte[] row, string after) =>
        [.. Encoding.UTF8.GetBytes($"{header}\n{before}\n"), .. row, .. Encoding.UTF8.GetBytes($"\n{after}\n")];

    /// <summary>Non-blank lines after the header, counted independently of the readers (CR, LF and CRLF end a line).</summary>
    private static int? DataLines(byte[] file)
    {
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file); }
        catch (DecoderFallbackException) { return null; }
        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', '\r').Skip(1).Count(l => !string.IsNullOrWhiteSpace(l));
    }

    private static void Check(byte[] file, Func<Stream, List<Rejection>, int> read)
    {
        var expected = DataLines(file);
        var rejections = new List<Rejection>();
        int yielded;
        try
        {
            yielded = read(new MemoryStream(file), rejections);
        }
        catch (RegisterFileException)
        {
            Assert.True(expected is null, "a file of valid UTF-8 was refused whole for one bad row");
            return;
        }
        Assert.True(expected is not null, "a file that is not UTF-8 was read");
        AssertNoCpr(rejections);
        Assert.Equal(expected, yielded + rejections.Count(r => r.Line > 1));
    }

    private static void Run(string header, string before, string sample, string after, Func<Stream, List<Rejection>, int> read)
    {
        var row = Encoding.UTF8.GetBytes(sample);
        Check(FileOf(header, before, row, after), read); // the unmutated file reads cleanly
        Mutations.Sample(mutations =>
        {
            var mutated = mutations.Aggregate(row, (r, m) => m.Apply(r));
            Check(FileOf(header, before, mutated, after), read);
        }, iter: Iterations, threads: 1, print: m => string.Join(", ", m));
    }

    [Fact]
    public void Referrals_reader_never_throws_anything_else_and_never_loses_a_row()
    {
        Run("referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business",
            "JC-1;010190-1234;2018-09-27;2018-10-01;2019-03-29;F-001;KaffeFair",
            "JC-2;020285-1234;2018-09-28;2018-10-01;2019-04-05;F-002;Café Ølbæk",
            "JC-3;030390-1234;2018-09-28;2018-10-01;;F-003;Butik ByRetro",
            (stream, rejections) => ReferralFile.ReadRows(stream, "referrals.csv", ExtractFiles.Pseudonymizer, rejections,
                new ReferralReadOptions { DeliveryDate = new DateOnly(2019, 1, 15) }).Count());
    }

    [Fact]
    public void Long_form_weeks_reader_never_throws_anything_else_and_never_loses_a_row()
    {
        Run("cpr;week;code", "010190-1234;2019-W14;", "020285-1234;2019-W15;0651", "030390-1234;2019-W15;130",
            (stream, rejections) => WeeksFile.Read(stream, "weeks.csv", ExtractFiles.Pseudonymizer, LatestAllowed, rejections).Count());
    }

    [Fact]
    public void Wide_form_weeks_reader_never_throws_anything_else_and_never_loses_a_row()
    {
        // One week column: each data line is then one week taken or one rejection.
        Run("cpr;y_1914", "0101901234;", "020285-1234;651", "0303901234;130",
            (stream, rejections) => WeeksFile.Read(stream, "weeks.csv", ExtractFiles.Pseudonymizer, LatestAllowed, rejections).Count());
    }
}
