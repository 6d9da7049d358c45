using Azure.Messaging.ServiceBus;

namespace Impact60.Application.Events;

/// <summary>
/// Publishes <see cref="SettlementIssued"/> to the Service Bus topic <see cref="Topic"/>. All messages of one
/// settlement go in one <c>SendMessagesAsync</c> call (one atomic send). If it fails, the caller retries the whole
/// publish: the messages are rebuilt byte-identical, and duplicate detection (7 days, infra/modules/servicebus.bicep)
/// drops the ones that had arrived.
/// </summary>
public sealed class SettlementEventPublisher(ServiceBusSender sender) : ISettlementEventPublisher
{
    /// <summary>The topic name; infra/main.bicep creates the same literal.</summary>
    public const string Topic = "settlements";

    public Task PublishAsync(SettlementIssued e, CancellationToken ct) =>
        sender.SendMessagesAsync(SettlementMessages.Build(e), ct);
}
