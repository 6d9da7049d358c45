using Azure.Messaging.ServiceBus;

namespace Impact60.Application.Tests.Events;

/// <summary>
/// The real SDK <see cref="ServiceBusSender"/>, through its protected constructor meant for tests, recording each
/// send instead of opening an AMQP link (no Service Bus emulator runs here). What it records is exactly what the
/// SDK would put on the wire: the <see cref="ServiceBusMessage"/> objects.
/// </summary>
internal sealed class RecordingSender : ServiceBusSender
{
    public List<IReadOnlyList<ServiceBusMessage>> Sends { get; } = [];
    public List<CancellationToken> Tokens { get; } = [];

    public IReadOnlyList<ServiceBusMessage> All => Sends.SelectMany(s => s).ToList();

    public override string EntityPath => "settlements";

    public override Task SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken cancellationToken = default)
    {
        Sends.Add(messages.ToList());
        Tokens.Add(cancellationToken);
        return Task.CompletedTask;
    }

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default) =>
        SendMessagesAsync([message], cancellationToken);
}
