using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Events;

/// <summary>
/// The local demo's stand-in for the Service Bus topic: each message becomes <c>{MessageId}.json</c> in the outbox
/// folder (MessageId, subject, content type, correlation id, application properties, body). A message id already
/// there is skipped, as duplicate detection would drop it, so a retried publish does not duplicate anything.
/// Each file is written to a temporary name and moved into place, so a crash never leaves half a message.
/// </summary>
public sealed class LocalEventSink(IOptions<EventsOptions> options) : ISettlementEventPublisher
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public string Folder { get; } = options.Value.ResolvedOutboxFolder;

    public Task PublishAsync(SettlementIssued e, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        foreach (var message in SettlementMessages.Build(e))
        {
            ct.ThrowIfCancellationRequested();
            WriteOnce(message);
        }
        return Task.CompletedTask;
    }

    /// <summary>The file a message with this id is written to.</summary>
    public string PathFor(string messageId)
    {
        if (string.IsNullOrWhiteSpace(messageId) || messageId.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || messageId is "." or "..")
            throw new ArgumentException($"message id '{messageId}' cannot name a file in the outbox folder", nameof(messageId));
        return Path.Combine(Folder, messageId + ".json");
    }

    private void WriteOnce(ServiceBusMessage message)
    {
        var target = PathFor(message.MessageId);
        if (File.Exists(target)) return;

        var temp = Path.Combine(Folder, $".{message.MessageId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, Render(message));
            try
            {
                File.Move(temp, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another publish of the same message got there first: the one already written stands.
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static byte[] Render(ServiceBusMessage message)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, Indented))
        {
            w.WriteStartObject();
            w.WriteString("messageId", message.MessageId);
            w.WriteString("subject", message.Subject);
            w.WriteString("contentType", message.ContentType);
            w.WriteString("correlationId", message.CorrelationId);
            w.WriteStartObject("applicationProperties");
            foreach (var (name, value) in message.ApplicationProperties)
                w.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WritePropertyName("body");
            using (var body = JsonDocument.Parse(message.Body.ToMemory()))
                body.WriteTo(w);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }
}
