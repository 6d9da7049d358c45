using System.Text.Json;
using System.Text.Json.Serialization;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Domain.Text;

namespace Impact60.Application.Pipeline;

/// <summary>
/// The <c>ingest</c> queue message: which blob of the register inbox to ingest. Two shapes arrive on the queue:
/// <list type="bullet">
/// <item><c>{"blobName":"weeks-2021-06.csv"}</c>, written by the CLI, the demo or an operator (strict: nothing else in it);</item>
/// <item>an Event Grid <c>Microsoft.Storage.BlobCreated</c> event, one per message, as the storage account's system topic
/// delivers it to the queue (Event Grid schema: <c>eventType</c>, <c>subject</c>
/// <c>/blobServices/default/containers/{container}/blobs/{name}</c>, <c>data.url</c>; the CloudEvents schema's
/// <c>type</c> is read too). The blob name is taken from <c>subject</c>, else from <c>data.url</c>.</item>
/// </list>
/// An event that is not for Impact60 to ingest (another container, another event type, an error report Impact60 wrote
/// itself beside a rejected file) is <see cref="IngestRequest.Ignored"/>: the function logs it and completes it, it is
/// not poison. Anything else unreadable is a <see cref="FormatException"/> with the reason, also a message holding a string
/// that is not text (an escaped lone surrogate).
/// Blob names may be whatever the jobcenter chose, and the rest of an event whatever its sender wrote: every value a reason
/// quotes is CPR-masked, has control characters escaped and is cut (<see cref="SafeText.Quote"/>).
/// </summary>
public sealed record IngestMessage(string BlobName)
{
    private const string BlobCreated = "Microsoft.Storage.BlobCreated";
    private const string SubjectPrefix = "/blobServices/default/containers/";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The blob to ingest; an event that is to be ignored is a <see cref="FormatException"/> here (use <see cref="Read"/> to tell them apart).</summary>
    public static IngestMessage FromJson(string json)
    {
        var request = Read(json);
        return request.Message ?? throw new FormatException(request.Ignored);
    }

    /// <summary>Reads either shape. Returns the blob to ingest, or why the message is to be completed without ingesting.</summary>
    /// <exception cref="FormatException">Neither shape, or a shape with a missing or unusable blob name.</exception>
    public static IngestRequest Read(string json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            // The parser's message quotes positions and at most the offending character; shown safe all the same.
            throw new FormatException($"ingest message is not JSON of the form {{\"blobName\":\"…\"}} nor an Event Grid event: {Show(e.Message)}", e);
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement, json);
            }
            catch (InvalidOperationException e)
            {
                // The parser takes a string holding half a UTF-16 pair ("\ud800"); reading it throws. Such a message is as
                // unreadable as one that is not JSON (docs/fuzzing.md, F13). The exception's message quotes no content.
                throw new FormatException("ingest message holds a string that is not valid text (an escaped lone surrogate such as \\ud800)", e);
            }
        }
    }

    private static IngestRequest Read(JsonElement root, string json)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException($"ingest message must be a JSON object ({{\"blobName\":\"…\"}} or one Event Grid event), not a {root.ValueKind.ToString().ToLowerInvariant()}");
        if (root.TryGetProperty("blobName", out _))
            return IngestRequest.Ingest(FromBlobNameMessage(json));
        if (root.TryGetProperty("eventType", out _) || (root.TryGetProperty("type", out _) && root.TryGetProperty("specversion", out _)))
            return FromEvent(root);
        throw new FormatException("ingest message is neither {\"blobName\":\"…\"} nor an Event Grid Microsoft.Storage.BlobCreated event (no 'blobName', no 'eventType')");
    }

    private static IngestMessage FromBlobNameMessage(string json)
    {
        IngestMessage? m;
        try { m = JsonSerializer.Deserialize<IngestMessage>(json, Json); }
        catch (JsonException e) { throw new FormatException($"ingest message is not JSON of the form {{\"blobName\":\"…\"}}: {Show(e.Message)}", e); }
        if (m is null || !IsUsableName(m.BlobName))
            throw new FormatException("ingest message needs a blobName (a blob of the register-inbox container)");
        return m;
    }

    private static IngestRequest FromEvent(JsonElement e)
    {
        var eventType = StringOf(e, "eventType") ?? StringOf(e, "type");
        var id = StringOf(e, "id") is { Length: > 0 } i ? $" {Quote(i)}" : "";
        if (eventType != BlobCreated)
            return IngestRequest.Ignore($"Event Grid event{id} is {(eventType is null ? "(no type)" : Quote(eventType))}, not {BlobCreated}: nothing to ingest");

        var (container, name) = FromSubject(StringOf(e, "subject"))
            ?? FromUrl(e.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? StringOf(data, "url") : null)
            ?? throw new FormatException($"Event Grid event{id} names no blob: 'subject' is not {SubjectPrefix}<container>/blobs/<name> and 'data.url' is not a blob URL");
        if (container != StorageNames.Containers.RegisterInbox)
            return IngestRequest.Ignore($"Event Grid event{id} is for container '{Quote(container)}', not {StorageNames.Containers.RegisterInbox}: nothing to ingest");
        if (name.EndsWith(InboxProcessor.ErrorSuffix, StringComparison.Ordinal))
            return IngestRequest.Ignore($"Event Grid event{id} is for {Quote(name)}, an error report Impact60 wrote itself: nothing to ingest");
        if (!IsUsableName(name))
            throw new FormatException($"Event Grid event{id} names blob '{Quote(name)}', which is not a blob of the register-inbox container");
        return IngestRequest.Ingest(new IngestMessage(name));
    }

    /// <summary><c>/blobServices/default/containers/{container}/blobs/{name}</c>; the name may hold '/' (virtual folders).</summary>
    private static (string Container, string Name)? FromSubject(string? subject)
    {
        if (subject is null || !subject.StartsWith(SubjectPrefix, StringComparison.Ordinal)) return null;
        var rest = subject[SubjectPrefix.Length..];
        var blobs = rest.IndexOf("/blobs/", StringComparison.Ordinal);
        if (blobs <= 0) return null;
        var name = rest[(blobs + "/blobs/".Length)..];
        return name.Length == 0 ? null : (rest[..blobs], name);
    }

    /// <summary><c>https://{account}.blob.core.windows.net/{container}/{name}</c>, the name percent-encoded.</summary>
    private static (string Container, string Name)? FromUrl(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) return null;
        var path = uri.AbsolutePath.TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == path.Length - 1) return null;
        return (Uri.UnescapeDataString(path[..slash]), Uri.UnescapeDataString(path[(slash + 1)..]));
    }

    private static bool IsUsableName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && !name.Contains("..", StringComparison.Ordinal) && !name.StartsWith('/');

    /// <summary>A value from the message quoted in a reason: CPR-shaped runs masked, control characters escaped, cut at
    /// <see cref="SafeText.QuoteLength"/> characters. Reasons go to logs and the poison queue's reason.</summary>
    private static string Quote(string value) => SafeText.Quote(value);

    /// <summary>A parser's message (which may quote a character of the message): masked, escaped, cut.</summary>
    private static string Show(string message) => SafeText.ShowMasked(message, 300);

    private static string? StringOf(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>What an <c>ingest</c> message asks for: a blob to ingest, or (for an event not meant for Impact60) why there is nothing to do.</summary>
public sealed record IngestRequest(IngestMessage? Message, string? Ignored)
{
    public static IngestRequest Ingest(IngestMessage message) => new(message, null);
    public static IngestRequest Ignore(string reason) => new(null, reason);
}
