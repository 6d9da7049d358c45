using System.Text.Json;
using Azure.Storage.Queues.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Pipeline;
using Impact60.Application.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Impact60.Functions.Functions;

/// <summary>
/// Ingests an extract file dropped in the <c>register-inbox</c> container (queue <c>ingest</c>, message
/// <c>{"blobName":"weeks-2021-06.csv"}</c>). A queue rather than a blob trigger: on Flex Consumption blob triggers need
/// Event Grid anyway, and a queue message can equally come from an Event Grid subscription, the CLI or an operator.
/// Then queues verification for the participants the file changed.
/// </summary>
public sealed class RegisterInboxIngest(InboxProcessor inbox, NightlyRun nightly, StorageClients storage, TimeProvider clock, ILogger<RegisterInboxIngest> logger)
{
    [Function(nameof(RegisterInboxIngest))]
    public async Task Run([QueueTrigger(StorageNames.Queues.Ingest, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken)
    {
        string blobName;
        try { blobName = IngestMessage.FromJson(message.Body.ToString()).BlobName; }
        catch (FormatException e)
        {
            await QueueFailures.PoisonNowAsync(storage.Queue(StorageNames.Queues.IngestPoison), message, e.Message, logger, cancellationToken);
            return;
        }
        try
        {
            var today = RunDate.Today(clock);
            var outcome = await inbox.ProcessAsync(blobName, today, cancellationToken);
            if (outcome.Result is { } result)
                await nightly.VerifyChangedAsync(result.ChangedParticipants, today, cancellationToken);
            logger.LogInformation("Inbox {BlobName}: {Status} {Summary}", blobName, outcome.Status, outcome.Result?.ToString() ?? outcome.Error);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            QueueFailures.LogIfLastAttempt(message, StorageNames.Queues.Ingest, e, logger);
            throw;
        }
    }
}
