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
/// </summary>
public sealed class QuarantineReports(StorageClients clients)
{
    private readonly BlobContainerClient _container = clients.Container(StorageNames.Containers.Quarantine);

    public static string BlobNameFor(string evidenceBlobName) =>
        evidenceBlobName[..evidenceBlobName.LastIndexOf('.')] + "-rejections.csv";

    public async Task WriteAsync(string blobName, IReadOnlyList<Rejection> rejections, CancellationToken cancellationToken = default)
    {
        var csv = new StringBuilder("file;line;reason;raw_line\n");
        foreach (var r in rejections)
            // Masked again here: the readers mask already, but nothing CPR-shaped may leave this class whatever a reader does.
            csv.Append(Field(r.File)).Append(';').Append(r.Line).Append(';').Append(Field(r.Reason)).Append(';').Append(Field(r.MaskedRawLine)).Append('\n');
        // Overwrite is fine: the report is a pure function of the delivery, so rewriting it on a rerun writes the same bytes.
        await _container.GetBlobClient(blobName).UploadAsync(
            new BinaryData(Encoding.UTF8.GetBytes(csv.ToString())),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv; charset=utf-8" } },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> ReadAsync(string blobName, CancellationToken cancellationToken = default)
    {
        var content = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return content.Value.Content.ToString();
    }

    /// <summary>CSV field, ';'-separated like the register's own files, quoted when needed; CPR-shaped runs masked.</summary>
    private static string Field(string value)
    {
        var masked = Cpr.MaskAll(value);
        return masked.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + masked.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : masked;
    }
}
