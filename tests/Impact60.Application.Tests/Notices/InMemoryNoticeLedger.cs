using System.Collections.Concurrent;
using Impact60.Application.Notices;

namespace Impact60.Application.Tests.Notices;

/// <summary>Unit-test stand-in for the pipeline's Azure Tables ledger (NoticesSent).</summary>
internal sealed class InMemoryNoticeLedger : INoticeLedger
{
    public ConcurrentDictionary<NoticeKey, string?> Sent { get; } = new();

    public Task<bool> WasSentAsync(NoticeKey key, CancellationToken ct) => Task.FromResult(Sent.ContainsKey(key));

    public Task MarkSentAsync(NoticeKey key, string? providerMessageId, CancellationToken ct)
    {
        Sent[key] = providerMessageId;
        return Task.CompletedTask;
    }
}

/// <summary>Unit-test stand-in for the pipeline's content source: serves prepared notices by key.</summary>
internal sealed class PreparedNoticeContent(params NoticeContent[] contents) : INoticeContentSource
{
    public int Loads { get; private set; }

    public Task<NoticeContent> LoadAsync(NoticeMessage message, CancellationToken ct)
    {
        Loads++;
        return Task.FromResult(contents.Single(c => c.Notice.Key == message.Key));
    }
}
