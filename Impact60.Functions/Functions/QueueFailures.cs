using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Impact60.Functions.Functions;

/// <summary>
/// How the queue functions fail. A message that cannot be read (bad JSON, a missing field) will never succeed, so it goes
/// straight to <c>{queue}-poison</c> with the reason logged. Any other failure is thrown, so the host retries it up to
/// <c>maxDequeueCount</c> (host.json) and then moves it to the poison queue itself; the last attempt logs the reason.
/// </summary>
public static class QueueFailures
{
    /// <summary>Keep in step with host.json extensions.queues.maxDequeueCount.</summary>
    public const int MaxDequeueCount = 5;

    public static async Task PoisonNowAsync(QueueClient poisonQueue, QueueMessage message, string reason, ILogger logger, CancellationToken ct)
    {
        logger.LogError("Message {MessageId} on {Queue} cannot be read and is moved to {PoisonQueue}: {Reason}",
            message.MessageId, poisonQueue.Name.Replace("-poison", "", StringComparison.Ordinal), poisonQueue.Name, reason);
        await poisonQueue.SendMessageAsync(message.Body.ToString(), ct);
    }

    public static void LogIfLastAttempt(QueueMessage message, string queue, Exception e, ILogger logger)
    {
        if (message.DequeueCount >= MaxDequeueCount)
            logger.LogError(e, "Message {MessageId} on {Queue} failed {Count} times and moves to {Queue}-poison: {Reason}",
                message.MessageId, queue, message.DequeueCount, queue, e.Message);
        else
            logger.LogWarning(e, "Message {MessageId} on {Queue} failed (attempt {Count} of {Max}); it will be retried: {Reason}",
                message.MessageId, queue, message.DequeueCount, MaxDequeueCount, e.Message);
    }
}
