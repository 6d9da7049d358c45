using Microsoft.Extensions.Logging;

namespace Impact60.Application.Notices;

/// <summary>
/// The sent-once record, one entry per (settlement, recipient). The pipeline implements it over Azure Tables
/// (<c>NoticesSent</c>); <see cref="NoticeKey.SettlementId"/> and <see cref="NoticeKey.IdempotencyKey"/> are safe as
/// PartitionKey and RowKey.
/// </summary>
public interface INoticeLedger
{
    Task<bool> WasSentAsync(NoticeKey key, CancellationToken ct);
    Task MarkSentAsync(NoticeKey key, string? providerMessageId, CancellationToken ct);
}

/// <summary>
/// Loads a notice's content when its queue message is handled, from the settlement's stored results and the
/// contract's parties. The pipeline implements it; keeping content out of the message keeps person-level data out of
/// the queue. The returned notice's <see cref="Notice.Key"/> must be the message's key.
/// </summary>
public interface INoticeContentSource
{
    Task<NoticeContent> LoadAsync(NoticeMessage message, CancellationToken ct);
}

public enum DispatchOutcome
{
    Sent,
    AlreadySent,
}

/// <summary>
/// Handles one notice message: skip if the ledger says sent, else load, render, send, mark sent.
/// It does not retry: a <see cref="TransientNoticeException"/> propagates so the queue redelivers the message (and
/// poisons it after its limit), and nothing is marked sent. One retry mechanism, the queue's, so the attempt count
/// and the poison queue tell the whole story.
/// <para>
/// Window: if the process dies after the provider accepted the e-mail but before the ledger write, the redelivered
/// message sends again. The pickup folder closes that window itself (same file name); for SendGrid the idempotency
/// custom arg lets the duplicate be recognised in SendGrid's activity and event data.
/// </para>
/// </summary>
public sealed class NoticeDispatcher(
    INoticeContentSource contentSource,
    INoticeLedger ledger,
    INoticeSender sender,
    NoticeRenderer renderer,
    Recipient from,
    ILogger<NoticeDispatcher> logger)
{
    public async Task<DispatchOutcome> DispatchAsync(NoticeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = message.Key;
        if (await ledger.WasSentAsync(key, ct).ConfigureAwait(false))
        {
            logger.LogInformation("Notice {NoticeKey} was already sent; nothing to do.", key.IdempotencyKey);
            return DispatchOutcome.AlreadySent;
        }

        var content = await contentSource.LoadAsync(message, ct).ConfigureAwait(false);
        if (content.Notice.Key != key)
            throw new InvalidOperationException($"Notice content for {key} came back as {content.Notice.Key}; refusing to send the wrong notice.");

        var email = renderer.Render(content.Notice, content.To, from);
        var providerMessageId = await sender.SendAsync(email, key.IdempotencyKey, ct).ConfigureAwait(false);
        await ledger.MarkSentAsync(key, providerMessageId, ct).ConfigureAwait(false);
        logger.LogInformation("Notice {NoticeKey} sent ({Attachments} attachments).", key.IdempotencyKey, email.Attachments.Count);
        return DispatchOutcome.Sent;
    }
}
