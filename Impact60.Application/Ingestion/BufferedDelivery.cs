using System.Security.Cryptography;

namespace Impact60.Application.Ingestion;

/// <summary>
/// A delivery's bytes, kept once and hashed while kept: the same bytes are archived, hashed and read, so the evidence is
/// exactly what was ingested. Files (up to ~50 MB) go to a temporary file rather than memory; API pages are small bytes.
/// </summary>
internal sealed class BufferedDelivery : IAsyncDisposable
{
    private readonly string? _tempPath;
    private readonly byte[]? _bytes;

    private BufferedDelivery(string? tempPath, byte[]? bytes, string sha256, long length)
    {
        _tempPath = tempPath;
        _bytes = bytes;
        Sha256 = sha256;
        Length = length;
    }

    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public string Sha256 { get; }
    public long Length { get; }

    public static async Task<BufferedDelivery> FromStreamAsync(Stream content, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"impact60-delivery-{Guid.NewGuid():N}.tmp");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                }
            }
            return new BufferedDelivery(path, null, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public static BufferedDelivery FromBytes(byte[] bytes) =>
        new(null, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);

    public Stream OpenRead() =>
        _bytes is not null
            ? new MemoryStream(_bytes, writable: false)
            : new FileStream(_tempPath!, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    public ValueTask DisposeAsync()
    {
        if (_tempPath is not null) File.Delete(_tempPath);
        return ValueTask.CompletedTask;
    }
}
