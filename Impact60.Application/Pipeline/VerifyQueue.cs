using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Queues;
using Impact60.Application.Configuration;
using Impact60.Application.Storage;

namespace Impact60.Application.Pipeline;

/// <summary>
/// The <c>verify</c> queue message: recompute one participant's entitlement as of a run date. It names the referral id
/// (the jobcenter's, not personal data) — never a CPR — and is the same on every retry.
/// </summary>
public sealed record VerifyMessage(string ReferralId, DateOnly AsOf)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(new Wire(ReferralId, AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), Json);

    /// <summary>Reads a message strictly; anything else is a <see cref="FormatException"/> saying what is wrong (the message then ends in the poison queue).</summary>
    public static VerifyMessage FromJson(string json)
    {
        Wire? w;
        try { w = JsonSerializer.Deserialize<Wire>(json, Json); }
        catch (JsonException e)
        {
            throw new FormatException($"verify message is not JSON of the form {{\"referralId\":\"JC-…\",\"asOf\":\"yyyy-MM-dd\"}}: {e.Message}", e);
        }
        if (w is null || string.IsNullOrWhiteSpace(w.ReferralId))
            throw new FormatException("verify message has no referralId");
        if (!DateOnly.TryParseExact(w.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf))
            throw new FormatException($"verify message for {w.ReferralId} has asOf '{w.AsOf}', not a date yyyy-MM-dd");
        return new VerifyMessage(w.ReferralId, asOf);
    }

    private sealed record Wire(string ReferralId, string AsOf);
}

/// <summary>Puts <see cref="VerifyMessage"/>s on the <c>verify</c> queue.</summary>
public sealed class VerifyQueue(StorageClients clients)
{
    public QueueClient Queue { get; } = clients.Queue(StorageNames.Queues.Verify);

    public async Task<int> EnqueueAsync(IEnumerable<string> referralIds, DateOnly asOf, CancellationToken ct)
    {
        var count = 0;
        // Storage queues take one message per request; a few concurrent sends keep a large night short.
        await Parallel.ForEachAsync(referralIds.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (id, token) =>
            {
                await Queue.SendMessageAsync(new VerifyMessage(id, asOf).ToJson(), token);
                Interlocked.Increment(ref count);
            });
        return count;
    }
}
