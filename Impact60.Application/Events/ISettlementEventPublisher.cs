namespace Impact60.Application.Events;

/// <summary>Announces an issued settlement to the parties' systems. Publishing the same event again is harmless.</summary>
public interface ISettlementEventPublisher
{
    Task PublishAsync(SettlementIssued e, CancellationToken ct);
}
