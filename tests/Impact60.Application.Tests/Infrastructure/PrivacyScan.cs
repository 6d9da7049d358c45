using System.Text;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Storage;

namespace Impact60.Application.Tests.Infrastructure;

/// <summary>
/// Looks for the given CPR numbers, in both written forms (<c>DDMMYYSSSS</c> and <c>DDMMYY-SSSS</c>), everywhere
/// Impact60 writes: every property of every table entity, every blob name and metadata value, the content of every
/// blob except raw deliveries (the evidence archive and files dropped in the inbox, see <see cref="IsRawDelivery"/>), every message
/// of every queue (received, so they are gone from the queues afterwards), and any extra text given (captured log lines,
/// exception messages). Returns where each was found; empty means clean.
/// </summary>
public static class PrivacyScan
{
    public static async Task<IReadOnlyList<string>> FindCprsAsync(StorageClients clients, IEnumerable<string> cprs, IEnumerable<(string Where, string Text)>? extraTexts = null)
    {
        var needles = cprs.SelectMany(Forms).Distinct().ToList();
        var findings = new List<string>();
        void Check(string where, string? text)
        {
            if (text is null) return;
            foreach (var n in needles)
                if (text.Contains(n, StringComparison.Ordinal)) findings.Add($"{where} contains a CPR ({n[..2]}…)");
        }

        await foreach (var table in clients.Tables.QueryAsync())
        {
            Check($"table name {table.Name}", table.Name);
            await foreach (var e in clients.Table(table.Name).QueryAsync<TableEntity>())
                foreach (var (key, value) in e)
                    Check($"table {table.Name} ({e.PartitionKey[..Math.Min(8, e.PartitionKey.Length)]}…, {e.RowKey}) property {key}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        await foreach (var container in clients.Blobs.GetBlobContainersAsync())
        {
            var containerClient = clients.Container(container.Name);
            await foreach (var blob in containerClient.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }))
            {
                Check($"blob name {container.Name}/{blob.Name}", blob.Name);
                foreach (var (k, v) in blob.Metadata) Check($"blob metadata {container.Name}/{blob.Name} {k}", k + "=" + v);
                if (IsRawDelivery(container.Name, blob.Name)) continue;
                var content = await containerClient.GetBlobClient(blob.Name).DownloadContentAsync();
                Check($"blob content {container.Name}/{blob.Name}", Encoding.UTF8.GetString(content.Value.Content.ToArray()));
            }
        }

        // Every message of every queue, not the first 32 a peek shows: each is received and kept invisible for the rest of
        // the test, so the loop ends when all have been seen (the scan runs at the end of a test: taking them off is fine).
        // The clients decode base64 as the Functions host does; a message that is not base64 fails the scan loudly.
        await foreach (var queue in clients.Queues.GetQueuesAsync())
        {
            var client = clients.Queue(queue.Name);
            while ((await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(30))).Value is { Length: > 0 } batch)
                foreach (var m in batch) Check($"queue {queue.Name} message {m.MessageId}", m.Body.ToString());
        }

        foreach (var (where, text) in extraTexts ?? []) Check(where, text);
        return findings;
    }

    /// <summary>Raw register deliveries hold CPR numbers by nature: the evidence archive, and files the jobcenter dropped
    /// in the inbox (a file rejected whole stays there for correction). Their names and metadata are still scanned, and
    /// the error reports Impact60 writes beside them in the inbox are scanned in full.</summary>
    private static bool IsRawDelivery(string container, string blob) =>
        container == StorageNames.Containers.Evidence
        || (container == StorageNames.Containers.RegisterInbox && !blob.EndsWith(".error.txt", StringComparison.Ordinal));

    /// <summary>Both ways a CPR is written.</summary>
    public static IEnumerable<string> Forms(string cpr)
    {
        var digits = cpr.Replace("-", "", StringComparison.Ordinal);
        yield return digits;
        yield return $"{digits[..6]}-{digits[6..]}";
    }

    /// <summary>An evidence blob must keep the delivery as received: this checks the scan's exception is really needed.</summary>
    public static bool ContainsAny(string text, IEnumerable<string> cprs) =>
        cprs.SelectMany(Forms).Any(n => text.Contains(n, StringComparison.Ordinal));
}
