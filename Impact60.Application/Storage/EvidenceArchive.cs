using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Impact60.Application.Configuration;

namespace Impact60.Application.Storage;

/// <summary>
/// Container <c>evidence</c>: every raw delivery kept byte for byte, as received, under a name without personal data:
/// <c>yyyy/MM/dd/{deliveryId}-{kind}.{csv|json}</c>, its SHA-256 in the blob metadata (<c>sha256</c>).
/// Write-once: a second write of the same name is a no-op (If-None-Match: *), so evidence is never overwritten.
/// The only place raw register content (with CPR numbers) is kept; access to it is restricted in Azure.
/// </summary>
public sealed class EvidenceArchive(StorageClients clients)
{
    private readonly BlobContainerClient _container = clients.Container(StorageNames.Containers.Evidence);

    public static string BlobNameFor(DateTimeOffset receivedAt, string deliveryId, string kind, string extension) =>
        $"{receivedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture)}/{deliveryId}-{kind}.{extension}";

    /// <summary>Stores <paramref name="content"/> under <paramref name="blobName"/> unless a blob of that name exists already.</summary>
    /// <returns>true if written now, false if it was there already.</returns>
    public async Task<bool> ArchiveAsync(string blobName, Stream content, string sha256, string kind, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(blobName);
        try
        {
            await blob.UploadAsync(content, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                Metadata = new Dictionary<string, string> { ["sha256"] = sha256, ["kind"] = kind },
                HttpHeaders = new BlobHttpHeaders { ContentType = blobName.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "text/csv" },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 || e.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            return false;
        }
    }
}
