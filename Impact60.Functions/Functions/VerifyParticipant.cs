using Azure.Storage.Queues.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Pipeline;
using Impact60.Application.Storage;
using Impact60.Application.Verification;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Impact60.Functions.Functions;

/// <summary>Recomputes one participant's entitlement from scratch and stores it (queue <c>verify</c>).</summary>
public sealed class VerifyParticipant(VerificationService verification, StorageClients storage, ILogger<VerifyParticipant> logger)
{
    [Function(nameof(VerifyParticipant))]
    public async Task Run([QueueTrigger(StorageNames.Queues.Verify, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken)
    {
        VerifyMessage verify;
        try { verify = VerifyMessage.FromJson(message.Body.ToString()); }
        catch (FormatException e)
        {
            await QueueFailures.PoisonNowAsync(storage.Queue(StorageNames.Queues.VerifyPoison), message, e.Message, logger, cancellationToken);
            return;
        }
        try
        {
            var result = await verification.VerifyAsync(verify.ReferralId, verify.AsOf, cancellationToken);
            logger.LogInformation("Verified {ReferralId} as of {AsOf}: {Amount} entitled", verify.ReferralId, verify.AsOf, result?.Amount);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            QueueFailures.LogIfLastAttempt(message, StorageNames.Queues.Verify, e, logger);
            throw;
        }
    }
}
