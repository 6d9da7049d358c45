using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Impact60.Application.Settlement;

/// <summary>
/// Settlement plans in Blob storage, content-addressed: <c>settlements/{period}/plan-{sha256}.json</c>. A plan is written
/// once and never changed (the container may be immutable); a plan that was written but never numbered (a crash before
/// numbering) stays as an unused trace, which is harmless and honest.
/// </summary>
public sealed class SettlementPlanStore(BlobContainerClient container)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<(string BlobName, string Sha256)> SaveAsync(SettlementPlan plan, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(plan, Json);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var name = $"settlements/{plan.Period}/plan-{sha}.json";
        try
        {
            await container.GetBlobClient(name).UploadAsync(new BinaryData(bytes), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                Metadata = new Dictionary<string, string> { ["sha256"] = sha },
            }, ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Same name means same content: the plan is already stored.
        }
        return (name, sha);
    }

    public async Task<SettlementPlan> LoadAsync(string blobName, string expectedSha256, CancellationToken ct)
    {
        var content = await container.GetBlobClient(blobName).DownloadContentAsync(ct);
        var bytes = content.Value.Content.ToArray();
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(sha, expectedSha256, StringComparison.Ordinal))
            throw new InvalidOperationException($"Settlement plan {blobName} does not match the SHA-256 the ledger recorded; refusing to issue from it.");
        return JsonSerializer.Deserialize<SettlementPlan>(bytes, Json)
            ?? throw new InvalidOperationException($"Settlement plan {blobName} is empty.");
    }
}
