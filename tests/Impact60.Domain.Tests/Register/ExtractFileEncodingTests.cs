using System.Text;
using Impact60.Domain.Register;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

/// <summary>
/// What makes a whole file unreadable, and what does not: a file in the wrong encoding is refused with a message that
/// names the encoding and where it was seen; a monstrous line is one rejected row, read in bounded memory.
/// </summary>
public class ExtractFileEncodingTests
{
    private const string ReferralHeader = "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business";

    [Fact]
    public void Given_a_windows_1252_file_with_a_danish_letter_on_line_3_when_read_then_it_is_refused_naming_the_encoding_the_line_and_the_letter()
    {
        var bytes = Encoding.Latin1.GetBytes($"{ReferralHeader}\nJC-1;010190-1234;2018-09-27;2018-10-01;;F-001;KaffeFair\nJC-2;020285-1234;2018-09-27;2018-10-01;;F-002;Kaffe Søn\n");

        var ex = Assert.Throws<RegisterFileException>(() => Referrals(new MemoryStream(bytes)));

        Assert.Equal("the file looks like Windows-1252/Latin-1, not UTF-8 (first at line 3: byte 0xF8, 'ø' in Windows-1252); save it as UTF-8 and deliver it again", ex.Reason);
    }

    [Fact]
    public void Given_invalid_utf8_that_is_no_latin_letter_when_read_then_it_is_refused_as_not_utf8_naming_the_line_and_byte()
    {
        byte[] bytes = [.. "cpr;week;code\n010190-1234;2019-W15;130\n010190-1234;2019-W16;"u8, 0x9D, .. "\n"u8];

        var ex = Assert.Throws<RegisterFileException>(() => Weeks(new MemoryStream(bytes)));

        Assert.Equal("the file is not valid UTF-8 (first at line 3: byte 0x9D); save it as UTF-8 and deliver it again", ex.Reason);
    }

    [Theory]
    [InlineData(true, true, "the file looks like UTF-16 (little-endian, with a byte order mark), not UTF-8; save it as UTF-8 and deliver it again")]
    [InlineData(true, false, "the file looks like UTF-16 (little-endian, without a byte order mark), not UTF-8; save it as UTF-8 and deliver it again")]
    [InlineData(false, true, "the file looks like UTF-16 (big-endian, with a byte order mark), not UTF-8; save it as UTF-8 and deliver it again")]
    [InlineData(false, false, "the file looks like UTF-16 (big-endian, without a byte order mark), not UTF-8; save it as UTF-8 and deliver it again")]
    public void Given_a_utf16_file_with_or_without_bom_when_read_then_it_is_refused_as_utf16(bool littleEndian, bool bom, string reason)
    {
        var encoding = new UnicodeEncoding(bigEndian: !littleEndian, byteOrderMark: bom);
        byte[] bytes = [.. encoding.GetPreamble(), .. encoding.GetBytes("cpr;week;code\n010190-1234;2019-W15;130\n")];

        var ex = Assert.Throws<RegisterFileException>(() => Weeks(new MemoryStream(bytes)));

        Assert.Equal(reason, ex.Reason);
    }

    [Fact]
    public void Given_a_header_line_over_the_limit_when_read_then_the_file_is_refused()
    {
        var ex = Assert.Throws<RegisterFileException>(() => Weeks("cpr;week;code;" + new string('n', ExtractLimits.MaxLineBytes)));

        Assert.Equal("the header line is longer than the 262,144 bytes allowed; the whole file is rejected", ex.Reason);
    }

    [Fact]
    public void Given_a_200_MB_file_of_one_line_when_read_then_the_line_is_rejected_without_holding_it_in_memory_and_the_next_line_is_read()
    {
        const long filler = 200L * 1024 * 1024;
        var stream = new GeneratedStream("cpr;week;code\n010190-1234;2019-W15;"u8.ToArray(), filler, (byte)'7', "\n020285-1234;2019-W16;130\n"u8.ToArray());
        var rejections = new List<Rejection>();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var weeks = WeeksFile.Read(stream, "weeks.csv", ExtractFiles.Pseudonymizer, LatestAllowed, rejections).ToList();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 8 * 1024 * 1024, $"allocated {allocated:N0} bytes");
        Assert.Equal($"line is {filler + 21:N0} bytes long, more than the 262,144 allowed; the row is rejected", Single(rejections, 2).Reason);
        Assert.Equal(Person("020285-1234"), Assert.Single(weeks).Person);
    }

    [Fact]
    public void Given_an_over_long_line_of_valid_two_byte_letters_when_read_then_it_is_one_rejected_row_not_an_encoding_error()
    {
        // 'ø' is two bytes: the limit and the read buffer cut lines in the middle of characters, which must not look invalid.
        var line = "010190-1234;2019-W15;" + new string('ø', ExtractLimits.MaxLineBytes);
        var (weeks, rejections) = Weeks("cpr;week;code", line, "020285-1234;2019-W16;130");

        Assert.StartsWith("line is 524,309 bytes long", Single(rejections, 2).Reason);
        Assert.Single(weeks);
    }

    [Theory]
    [InlineData(new byte[] { 0xF8 }, "the file looks like Windows-1252/Latin-1, not UTF-8 (first at line 2: byte 0xF8, 'ø' in Windows-1252); save it as UTF-8 and deliver it again")]
    [InlineData(new byte[] { 0xC3 }, "the file looks like Windows-1252/Latin-1, not UTF-8 (first at line 2: byte 0xC3, 'Ã' in Windows-1252); save it as UTF-8 and deliver it again")]
    public void Given_an_over_long_line_with_a_byte_that_is_not_utf8_far_beyond_the_limit_when_read_then_the_file_is_refused(byte[] bad, string reason)
    {
        // The bad byte ends the line, long after the part that is kept: the part that is only checked is checked too.
        byte[] bytes = [.. "cpr;week;code\n010190-1234;2019-W15;"u8, .. Enumerable.Repeat((byte)'x', ExtractLimits.MaxLineBytes + 100_000), .. bad,
            .. "\n020285-1234;2019-W16;130\n"u8];

        var ex = Assert.Throws<RegisterFileException>(() => Weeks(new MemoryStream(bytes)));

        Assert.Equal(reason, ex.Reason);
    }

    /// <summary>A read-only stream of a prefix, <c>count</c> copies of one byte and a suffix, made up as it is read.</summary>
    private sealed class GeneratedStream(byte[] prefix, long count, byte fill, byte[] suffix) : Stream
    {
        private long _position;
        private long Total => prefix.Length + count + suffix.Length;

        public override int Read(byte[] buffer, int offset, int length) => Read(buffer.AsSpan(offset, length));

        public override int Read(Span<byte> buffer)
        {
            var n = 0;
            while (n < buffer.Length && _position < Total)
            {
                if (_position < prefix.Length)
                {
                    var take = (int)Math.Min(buffer.Length - n, prefix.Length - _position);
                    prefix.AsSpan((int)_position, take).CopyTo(buffer[n..]);
                    (n, _position) = (n + take, _position + take);
                }
                else if (_position < prefix.Length + count)
                {
                    var take = (int)Math.Min(buffer.Length - n, prefix.Length + count - _position);
                    buffer.Slice(n, take).Fill(fill);
                    (n, _position) = (n + take, _position + take);
                }
                else
                {
                    var at = (int)(_position - prefix.Length - count);
                    var take = Math.Min(buffer.Length - n, suffix.Length - at);
                    suffix.AsSpan(at, take).CopyTo(buffer[n..]);
                    (n, _position) = (n + take, _position + take);
                }
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
