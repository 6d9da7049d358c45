using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Impact60.Application.Storage;

namespace Impact60.Application.Tests.Infrastructure;

/// <summary>
/// A step in the Azure SDK's HTTP pipeline that, for each request matching <see cref="Matches"/>, first runs
/// <see cref="Before"/>: another writer getting in between a read and a write, or a crash at an exact point. The request
/// then goes on to the real Azurite unchanged (unless <see cref="Before"/> throws). Counts the matching requests.
/// </summary>
internal sealed class BeforeRequest : HttpPipelinePolicy
{
    private int _count;

    /// <summary>Which requests to act on; see <see cref="BodyOf"/> to look inside one.</summary>
    public required Func<HttpMessage, bool> Matches { get; init; }

    /// <summary>Runs before the n-th matching request (1-based) reaches Azurite.</summary>
    public required Func<int, Task> Before { get; init; }

    public int Count => Volatile.Read(ref _count);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Matches(message)) await Before(Interlocked.Increment(ref _count));
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    /// <summary>A write (anything but GET/HEAD) to <paramref name="table"/>, single entity or entity group transaction.</summary>
    public static bool IsWriteTo(HttpMessage m, string table) =>
        m.Request.Method != RequestMethod.Get && m.Request.Method != RequestMethod.Head
        && (m.Request.Uri.Path.Contains($"/{table}", StringComparison.Ordinal) || (IsBatch(m) && BodyOf(m).Contains($"/{table}", StringComparison.Ordinal)));

    public static bool IsBatch(HttpMessage m) => m.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal);

    /// <summary>The request body as text (an entity group transaction is a multipart body naming each entity).</summary>
    public static string BodyOf(HttpMessage m)
    {
        if (m.Request.Content is null) return "";
        using var buffer = new MemoryStream();
        m.Request.Content.WriteTo(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Storage clients on <paramref name="connectionString"/> whose table requests pass through <paramref name="tablePolicy"/>.</summary>
    public static StorageClients Clients(string connectionString, HttpPipelinePolicy tablePolicy)
    {
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(tablePolicy, HttpPipelinePosition.PerCall);
        return new StorageClients(
            new TableServiceClient(connectionString, tableOptions),
            new BlobServiceClient(connectionString),
            new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));
    }
}

/// <summary>Stands for the process dying at an exact point (thrown from <see cref="BeforeRequest.Before"/>): nothing after it runs.</summary>
internal sealed class SimulatedCrash(string where) : Exception($"simulated crash: {where}");
