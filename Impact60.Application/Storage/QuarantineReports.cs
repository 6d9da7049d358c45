using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Impact60.Application.Configuration;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Storage;

/// <summary>
/// Container <c>quarantine</c>: per delivery with bad rows, a CSV report <c>yyyy/MM/dd/{deliveryId}-{kind}-rejections.csv</c> (beside the evidence name)
/// with file, line, reason and the raw line with every CPR masked, for the jobcenter to correct and redeliver.
/// A delivery refused whole has the report too, its first line (<c># refused whole: …</c>) saying why.
/// The report is written as the rejections arrive (<see cref="Start"/>), to a temporary file uploaded at the end: a file of
/// millions of bad rows never has its report in memory.
/// </summary>
public sealed class QuarantineReports(StorageClients clients)
{
    public const string Header = "file;line;reason;raw_line";

    /// <summary>How a report of a refused delivery starts: this, then the reason, on the line before <see cref="Header"/>.</summary>
    public const string RefusedPrefix = "# refused whole: ";

    private readonly BlobContainerClient _container = clients.Container(StorageNames.Containers.Quarantine);

    public static string BlobNameFor(string evidenceBlobName) =>
        evidenceBlobName[..evidenceBlobName.LastIndexOf('.')] + "-rejections.csv";

    /// <summary>A report being written: <see cref="QuarantineReportWriter.Add"/> each rejection, then upload it (or dispose to drop it).</summary>
    public QuarantineReportWriter Start() => new(_container);

    /// <summary>Writes a report of the given rejections at once.</summary>
    public async Task WriteAsync(string blobName, IEnumerable<Rejection> rejections, CancellationToken cancellationToken = default)
    {
        await using var report = Start();
        foreach (var r in rejections) report.Add(r);
        await report.UploadAsync(blobName, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> ReadAsync(string blobName, CancellationToken cancellationToken = default)
    {
        var content = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return content.Value.Content.ToString();
    }

    /// <summary>
    /// The first <paramref name="limit"/> rejections of a stored report, read as a stream (a long report is not read to the
    /// end): to show them again when the same delivery arrives again. Empty when the report is not there.
    /// </summary>
    public async Task<IReadOnlyList<Rejection>> ReadExamplesAsync(string blobName, int limit, CancellationToken cancellationToken = default)
    {
        var examples = new List<Rejection>();
        if (limit <= 0) return examples;
        Stream stream;
        try
        {
            stream = await _container.GetBlobClient(blobName).OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return examples;
        }
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (examples.Count < limit && await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith('#') || line == Header) continue;
                if (ParseLine(line) is { } rejection) examples.Add(rejection);
            }
        }
        return examples;
    }

    /// <summary>One report line back into a rejection (the fields as <see cref="Field"/> wrote them); null if it is not one.</summary>
    internal static Rejection? ParseLine(string line)
    {
        var fields = new List<string>(4);
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') current.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ';') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return fields.Count == 4 && int.TryParse(fields[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? new Rejection(fields[0], number, fields[2], fields[3])
            : null;
    }

    /// <summary>CSV field, ';'-separated like the register's own files, quoted when needed; CPR-shaped runs masked.</summary>
    internal static string Field(string value)
    {
        var masked = Cpr.MaskAll(value);
        return masked.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + masked.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : masked;
    }
}

/// <summary>
/// A quarantine report being written as a delivery is read: each rejection is one CSV line in a temporary file, and the
/// file is uploaded once the delivery's outcome is known. Memory stays flat however many rows are rejected.
/// </summary>
public sealed class QuarantineReportWriter : IAsyncDisposable
{
    private readonly BlobContainerClient _container;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"impact60-quarantine-{Guid.NewGuid():N}.tmp");
    private StreamWriter? _writer;

    internal QuarantineReportWriter(BlobContainerClient container) => _container = container;

    /// <summary>Rejections written so far.</summary>
    public long Count { get; private set; }

    public void Add(Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        Open();
        // Masked again in Field: the readers and Rejection mask already, but nothing CPR-shaped may leave this class whatever a reader does.
        _writer!.Write(QuarantineReports.Field(rejection.File));
        _writer.Write(';');
        _writer.Write(rejection.Line.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _writer.Write(';');
        _writer.Write(QuarantineReports.Field(rejection.Reason));
        _writer.Write(';');
        _writer.Write(QuarantineReports.Field(rejection.MaskedRawLine));
        _writer.Write('\n');
        Count++;
    }

    /// <summary>
    /// Uploads the report as <paramref name="blobName"/>, with <paramref name="refusedReason"/> (if given) as its first line
    /// after <see cref="QuarantineReports.RefusedPrefix"/>. Overwrites: the report is a pure function of the delivery, so a
    /// rerun writes the same bytes.
    /// </summary>
    public async Task UploadAsync(string blobName, string? refusedReason, CancellationToken cancellationToken = default)
    {
        Open();
        await _writer!.DisposeAsync().ConfigureAwait(false);
        var prefix = refusedReason is null
            ? []
            : Encoding.UTF8.GetBytes(QuarantineReports.RefusedPrefix + Cpr.MaskAll(refusedReason).ReplaceLineEndings(" ") + "\n");
        await using var body = new PrefixedStream(prefix, new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 65536, useAsync: true));
        await _container.GetBlobClient(blobName).UploadAsync(body,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv; charset=utf-8" } },
            cancellationToken).ConfigureAwait(false);
    }

    private void Open()
    {
        if (_writer is not null) return;
        _writer = new StreamWriter(new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 65536), new UTF8Encoding(false));
        _writer.Write(QuarantineReports.Header);
        _writer.Write('\n');
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
        File.Delete(_path);
    }

    /// <summary>A read-only stream of some bytes, then another stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _prefixRead;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => prefix.Length + rest.Length;
        public override long Position { get => _prefixRead + rest.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefixRead < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _prefixRead);
                prefix.AsSpan(_prefixRead, n).CopyTo(buffer);
                _prefixRead += n;
                return n;
            }
            return rest.Read(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefixRead < prefix.Length) return Read(buffer.Span);
            return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await rest.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
