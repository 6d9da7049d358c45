using Azure;
using Azure.Storage.Queues.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Pipeline;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Functions.Functions;
using Impact60.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using static Impact60.Functions.Tests.Infrastructure.Scenario;

namespace Impact60.Functions.Tests;

/// <summary>
/// How the queue functions fail (QueueFailures): a message that can never be read goes to the poison queue at once with the
/// reason; any other failure is thrown for the host to retry, and the last attempt says that the message now moves to poison.
/// </summary>
[Collection("Azurite")]
public sealed class PoisonTests(AzuriteFixture azurite)
{
    private static Task RunAsync(FunctionsTestHost host, string function, QueueMessage message) => function switch
    {
        nameof(VerifyParticipant) => host.Function<VerifyParticipant>().Run(message, CancellationToken.None),
        nameof(RegisterInboxIngest) => host.Function<RegisterInboxIngest>().Run(message, CancellationToken.None),
        nameof(SendNotice) => host.Function<SendNotice>().Run(message, CancellationToken.None),
        _ => throw new ArgumentOutOfRangeException(nameof(function), function, null),
    };

    [Theory]
    [InlineData(nameof(VerifyParticipant), "verify", "not json", "verify message is not JSON")]
    [InlineData(nameof(VerifyParticipant), "verify", """{"referralId":"JC-2018-0001","asOf":"01-08-2019"}""", "has asOf '01-08-2019', not a date yyyy-MM-dd")]
    [InlineData(nameof(VerifyParticipant), "verify", """{"referralId":"JC-2018-0001","asOf":"2019-08-01","cpr":"x"}""", "verify message is not JSON")]
    [InlineData(nameof(RegisterInboxIngest), "ingest", """{"blobName":"../evidence/x.csv"}""", "ingest message needs a blobName")]
    [InlineData(nameof(SendNotice), "notices", "{}", "Notice message needs both settlementId and recipient.")]
    [InlineData(nameof(SendNotice), "notices", "not json", "Notice message is not valid JSON")]
    [InlineData(nameof(SendNotice), "notices", """{"settlementId":"2019-07","recipient":"Mayor"}""", "Notice recipient 'Mayor' is not Fokus, Fund:{name} or Jobcenter.")]
    public async Task Given_a_message_that_cannot_be_read_when_the_function_runs_then_it_goes_to_the_poison_queue_at_once_with_the_reason_logged_and_does_not_throw(
        string function, string queue, string body, string reason)
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);

        Assert.False(string.IsNullOrWhiteSpace(reason), "every case names the reason it expects");
        await RunAsync(host, function, Message(body, dequeueCount: 1));

        var poisoned = await DrainAsync(host, queue + "-poison");
        Assert.Equal([body], poisoned.Select(m => m.Body.ToString()));
        var error = Assert.Single(host.Logs, r => r.Level == LogLevel.Error);
        Assert.Contains($"on {queue} cannot be read and is moved to {queue}-poison: ", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.Empty(await DrainAsync(host, queue)); // nothing half-done: no message requeued
    }

    [Fact]
    public async Task Given_a_readable_message_whose_processing_fails_at_the_last_dequeue_when_VerifyParticipant_runs_then_it_logs_that_the_message_moves_to_verify_poison_and_rethrows()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAsync(host);
        await DrainAsync(host, StorageNames.Queues.Verify);
        // A real storage fault: the table the entitlement is written to is gone.
        await host.Storage.Tables.DeleteTableAsync(StorageNames.Tables.Entitlements);
        var message = Message(new VerifyMessage(ReferralId, AsOf).ToJson(), dequeueCount: QueueFailures.MaxDequeueCount);

        var thrown = await Assert.ThrowsAsync<RequestFailedException>(() => host.Function<VerifyParticipant>().Run(message, CancellationToken.None));

        var error = Assert.Single(host.Logs, r => r.Level == LogLevel.Error);
        Assert.Contains($"failed {QueueFailures.MaxDequeueCount} times and moves to verify-poison", error.Message);
        Assert.Same(thrown, error.Exception);
        // The host, not the function, moves it: the function must not have put a copy there itself.
        Assert.Empty(await DrainAsync(host, StorageNames.Queues.VerifyPoison));
    }

    [Fact]
    public async Task Given_a_readable_message_whose_processing_fails_before_the_last_dequeue_when_VerifyParticipant_runs_then_it_warns_of_a_retry_and_rethrows()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, FirstOfAugust);
        await IngestAsync(host);
        await DrainAsync(host, StorageNames.Queues.Verify);
        await host.Storage.Tables.DeleteTableAsync(StorageNames.Tables.Entitlements);
        var message = Message(new VerifyMessage(ReferralId, AsOf).ToJson(), dequeueCount: 1);

        await Assert.ThrowsAsync<RequestFailedException>(() => host.Function<VerifyParticipant>().Run(message, CancellationToken.None));

        Assert.DoesNotContain(host.Logs, r => r.Level == LogLevel.Error);
        var warning = Assert.Single(host.Logs, r => r.Level == LogLevel.Warning && r.Message.Contains("on verify failed", StringComparison.Ordinal));
        Assert.Contains($"(attempt 1 of {QueueFailures.MaxDequeueCount}); it will be retried", warning.Message);
        Assert.Empty(await DrainAsync(host, StorageNames.Queues.VerifyPoison));
    }
}
