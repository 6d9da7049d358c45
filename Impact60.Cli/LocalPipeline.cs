using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Notices;
using Impact60.Application.Pipeline;
using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Application.Verification;

namespace Impact60.Cli;

/// <summary>
/// Runs the pipeline's queue work in this process, as the Functions host would: receive, handle with the same services
/// the functions call, delete on success. Used where no Functions host runs (the demo, an operator's re-run of a night).
/// A message that fails is left on the queue (it becomes visible again and the host, or the next drain, retries it).
/// </summary>
public sealed class LocalPipeline(CliHost host)
{
    private readonly StorageClients _storage = host.Get<StorageClients>();

    public NightlyRun Nightly => host.Get<NightlyRun>();
    public SettlementService Settlement => host.Get<SettlementService>();

    /// <summary>Puts an extract file in the register inbox and ingests it through the <c>ingest</c> queue.</summary>
    public async Task<IReadOnlyList<InboxOutcome>> DropAsync(string fileName, Stream content, DateOnly today, CancellationToken ct)
    {
        await _storage.Container(StorageNames.Containers.RegisterInbox).GetBlobClient(fileName).UploadAsync(content, overwrite: true, ct);
        await _storage.Queue(StorageNames.Queues.Ingest).SendMessageAsync(new IngestMessage(fileName).ToJson(), ct);
        return await DrainIngestAsync(today, ct);
    }

    public async Task<IReadOnlyList<InboxOutcome>> DrainIngestAsync(DateOnly today, CancellationToken ct)
    {
        var outcomes = new List<InboxOutcome>();
        var inbox = host.Get<InboxProcessor>();
        await DrainAsync(StorageNames.Queues.Ingest, 1, async (body, token) =>
        {
            var outcome = await inbox.ProcessAsync(IngestMessage.FromJson(body).BlobName, today, token);
            if (outcome.Result is { } r) await Nightly.VerifyChangedAsync(r.ChangedParticipants, today, token);
            lock (outcomes) outcomes.Add(outcome);
        }, ct);
        return outcomes;
    }

    /// <summary>
    /// Verifies every participant the <c>verify</c> queue asks for. One participant's failure never stops the others: a
    /// message that fails is reported and left on the queue to be retried (after its visibility timeout, by the host or
    /// the next drain), and after <see cref="MaxDequeueCount"/> attempts moved to <c>verify-poison</c>, as the Functions
    /// host does; a message that cannot be read goes there at once.
    /// </summary>
    public async Task<VerifyDrainResult> DrainVerifyAsync(CancellationToken ct)
    {
        var verification = host.Get<VerificationService>();
        var failed = new List<VerifyFailure>();
        var poison = _storage.Queue(StorageNames.Queues.VerifyPoison);
        var verified = await DrainAsync(StorageNames.Queues.Verify, 8, async (body, token) =>
        {
            var m = VerifyMessage.FromJson(body);
            await verification.VerifyAsync(m.ReferralId, m.AsOf, token);
        }, ct, async (message, error, token) =>
        {
            var unreadable = error is FormatException;
            var poisoned = unreadable || message.DequeueCount >= MaxDequeueCount;
            if (poisoned)
            {
                await poison.SendMessageAsync(message.Body.ToString(), token);
                await _storage.Queue(StorageNames.Queues.Verify).DeleteMessageAsync(message.MessageId, message.PopReceipt, token);
            }
            var failure = error switch
            {
                ParticipantComputationException p => new VerifyFailure(p.Failure.ReferralId, $"the computation failed: {p.Failure.Reason}", poisoned),
                FormatException => new VerifyFailure(null, $"the message cannot be read: {error.Message}", poisoned),
                _ => new VerifyFailure(TryReferralId(message.Body.ToString()), CliApp.Describe(error), poisoned),
            };
            lock (failed) failed.Add(failure);
        });
        return new VerifyDrainResult(verified, failed.OrderBy(f => f.ReferralId, StringComparer.Ordinal).ToList());
    }

    /// <summary>Keep in step with host.json <c>extensions.queues.maxDequeueCount</c>.</summary>
    public const int MaxDequeueCount = 5;

    private static string? TryReferralId(string body)
    {
        try { return VerifyMessage.FromJson(body).ReferralId; }
        catch (FormatException) { return null; }
    }

    public async Task<int> DrainNoticesAsync(CancellationToken ct)
    {
        var dispatcher = host.Get<NoticeDispatcher>();
        return await DrainAsync(StorageNames.Queues.Notices, 4, async (body, token) =>
            await dispatcher.DispatchAsync(NoticeMessage.FromJson(body), token), ct);
    }

    /// <summary>Moves every message of <c>{queue}-poison</c> back onto <c>{queue}</c> (after the cause is fixed).</summary>
    public async Task<int> ReplayPoisonAsync(string queue, CancellationToken ct)
    {
        var poison = _storage.Queue(queue + "-poison");
        var target = _storage.Queue(queue);
        var moved = 0;
        while (true)
        {
            var batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), ct)).Value;
            if (batch.Length == 0) return moved;
            foreach (var m in batch)
            {
                await target.SendMessageAsync(m.Body.ToString(), ct);
                await poison.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                moved++;
            }
        }
    }

    /// <param name="onFailure">
    /// Null: the first batch with a failure ends the drain, which throws (the failed messages stay on the queue). Given:
    /// each failed message is handed to it and the drain goes on with the rest; a failed message stays invisible for
    /// the receive's visibility timeout, so one drain sees it once.
    /// </param>
    private async Task<int> DrainAsync(string queueName, int parallel, Func<string, CancellationToken, Task> handle, CancellationToken ct,
        Func<QueueMessage, Exception, CancellationToken, Task>? onFailure = null)
    {
        QueueClient queue = _storage.Queue(queueName);
        var handled = 0;
        var failures = new List<Exception>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), ct)).Value;
            if (batch.Length == 0) break;
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (m, token) =>
            {
                try
                {
                    await handle(m.Body.ToString(), token);
                    await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, token);
                    Interlocked.Increment(ref handled);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (onFailure is not null) await onFailure(m, e, token);
                    else lock (failures) failures.Add(e);
                }
            });
            if (failures.Count > 0) break;
        }
        if (failures.Count > 0)
            throw new CannotRunException($"{failures.Count} message(s) on '{queueName}' failed and stay on the queue: {failures[0].Message}", failures[0]);
        return handled;
    }
}

/// <summary>What a drain of the <c>verify</c> queue did: how many participants were verified, and which failed and why.</summary>
public sealed record VerifyDrainResult(int Verified, IReadOnlyList<VerifyFailure> Failed);

/// <summary>
/// A verify message that failed: the referral id (null when the message cannot be read), why (masked where it comes from
/// the participant's computation), and whether it was moved to <c>verify-poison</c> (else it is retried).
/// </summary>
public sealed record VerifyFailure(string? ReferralId, string Reason, bool MovedToPoison)
{
    public override string ToString() =>
        $"{ReferralId ?? "(unreadable message)"}: {Reason}{(MovedToPoison ? "; moved to verify-poison" : "; left on the queue to be retried")}";
}
