namespace Impact60.Application.Events;

/// <summary>
/// Local settings for events, set in code by the caller of <see cref="EventsServiceCollectionExtensions.AddImpact60Events"/>
/// (not an app setting: Azure never uses the outbox).
/// </summary>
public sealed class EventsOptions
{
    /// <summary>
    /// Where <see cref="LocalEventSink"/> writes messages when no Service Bus is configured (the local demo).
    /// Relative paths are taken from the current directory; unset means <c>outbox</c> there.
    /// </summary>
    public string? OutboxFolder { get; set; }

    public string ResolvedOutboxFolder => Path.GetFullPath(string.IsNullOrWhiteSpace(OutboxFolder) ? "outbox" : OutboxFolder);
}
