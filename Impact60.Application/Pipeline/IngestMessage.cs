using System.Text.Json;
using System.Text.Json.Serialization;

namespace Impact60.Application.Pipeline;

/// <summary>The <c>ingest</c> queue message: which blob of the register inbox to ingest. Blob names carry no personal data.</summary>
public sealed record IngestMessage(string BlobName)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static IngestMessage FromJson(string json)
    {
        IngestMessage? m;
        try { m = JsonSerializer.Deserialize<IngestMessage>(json, Json); }
        catch (JsonException e) { throw new FormatException($"ingest message is not JSON of the form {{\"blobName\":\"…\"}}: {e.Message}", e); }
        if (m is null || string.IsNullOrWhiteSpace(m.BlobName) || m.BlobName.Contains("..", StringComparison.Ordinal))
            throw new FormatException("ingest message needs a blobName (a blob of the register-inbox container)");
        return m;
    }
}
