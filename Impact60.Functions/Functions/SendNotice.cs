using Azure.Storage.Queues.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Notices;
using Impact60.Application.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Impact60.Functions.Functions;

/// <summary>
/// Sends one settlement notice (queue <c>notices</c>). The sent-once record makes a retry or a duplicate message send
/// nothing; SendGrid's 429 and 5xx are thrown so the queue retries and, if they persist, poisons the message.
/// A notice the provider rejects for good (4xx) also ends in the poison queue, at once, with the reason.
/// </summary>
public sealed class SendNotice(NoticeDispatcher dispatcher, StorageClients storage, ILogger<SendNotice> logger)
{
    [Function(nameof(SendNotice))]
    public async Task Run([QueueTrigger(StorageNames.Queues.Notices, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken)
    {
        NoticeMessage notice;
        try { notice = NoticeMessage.FromJson(message.Body.ToString()); }
        catch (FormatException e)
        {
            await QueueFailures.PoisonNowAsync(storage.Queue(StorageNames.Queues.NoticesPoison), message, e.Message, logger, cancellationToken);
            return;
        }
        try
        {
            var outcome = await dispatcher.DispatchAsync(notice, cancellationToken);
            logger.LogInformation("Notice {Key}: {Outcome}", notice.Key.IdempotencyKey, outcome);
        }
        catch (NoticeRejectedException e)
        {
            await QueueFailures.PoisonNowAsync(storage.Queue(StorageNames.Queues.NoticesPoison), message, e.Message, logger, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            QueueFailures.LogIfLastAttempt(message, StorageNames.Queues.Notices, e, logger);
            throw;
        }
    }
}
