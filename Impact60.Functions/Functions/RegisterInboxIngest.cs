using Azure.Storage.Queues.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Pipeline;
using Impact60.Application.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Impact60.Functions.Functions;

/// <summary>
/// Ingests an extract file dropped in the <c>register-inbox</c> container, from queue <c>ingest</c>. In Azure the storage
/// account's Event Grid system topic puts one <c>Microsoft.Storage.BlobCreated</c> event per uploaded blob on the queue;
/// the CLI and operators put <c>{"blobName":"weeks-2021-06.csv"}</c> (<see cref="IngestMessage"/> reads both).
/// A queue trigger rather than a blob trigger: Flex Consumption supports only the Event Grid-based blob trigger, and a
/// queue in between gives retries, a poison queue and replay (<c>./impact60 replay --queue ingest</c>) for free.
/// Events not meant for ingestion (another container, the error reports this function writes) are logged and completed.
/// Then queues verification for the participants the file changed. Blob names are logged masked: the jobcenter may put a
/// CPR number in a file name.
/// </summary>
public sealed class RegisterInboxIngest(InboxProcessor inbox, NightlyRun nightly, StorageClients storage, TimeProvider clock, ILogger<RegisterInboxIngest> logger)
{
    [Function(nameof(RegisterInboxIngest))]
    public async Task Run([QueueTrigger(StorageNames.Queues.Ingest, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken)
    {
        IngestRequest request;
        try { request = IngestMessage.Read(message.Body.ToString()); }
        catch (FormatException e)
        {
            await QueueFailures.PoisonNowAsync(storage.Queue(StorageNames.Queues.IngestPoison), message, e.Message, logger, cancellationToken);
            return;
        }
        if (request.Message is not { } ingest)
        {
            logger.LogInformation("Message {MessageId} on {Queue} completed without ingesting: {Reason}", message.MessageId, StorageNames.Queues.Ingest, request.Ignored);
            return;
        }

        // The blob name is the jobcenter's: masked, escaped and cut for the log. The summary's delivery id is ours (hex): as it is.
        var source = SafeText.Show(Cpr.MaskAll(ingest.BlobName), 260);
        try
        {
            var today = RunDate.Today(clock);
            var outcome = await inbox.ProcessAsync(ingest.BlobName, today, cancellationToken);
            if (outcome.Result is { } result)
                await nightly.VerifyChangedAsync(result.ChangedParticipants, today, cancellationToken);
            logger.LogInformation("Inbox {Source}: {Status} {Summary}", source, outcome.Status, outcome.Result?.ToString() ?? outcome.Error);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            QueueFailures.LogIfLastAttempt(message, StorageNames.Queues.Ingest, e, logger);
            throw;
        }
    }
}
