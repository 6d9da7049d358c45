namespace Impact60.Application.Notices;

/// <summary>
/// Hands a rendered e-mail to the outside world. <paramref name="idempotencyKey"/> travels with the e-mail (SendGrid
/// custom arg / file name) so a duplicate can be recognised; it is built from settlement id and recipient kind only.
/// </summary>
public interface INoticeSender
{
    /// <returns>The provider's id for the sent message (SendGrid's <c>X-Message-Id</c>, the .eml file name), or null when the provider gives none.</returns>
    /// <exception cref="TransientNoticeException">Worth trying again later (rate limit, provider down, network).</exception>
    /// <exception cref="NoticeRejectedException">The provider refused the e-mail; trying again will not help.</exception>
    Task<string?> SendAsync(RenderedEmail email, string idempotencyKey, CancellationToken ct);
}

/// <summary>
/// A failure worth retrying: the queue's retry runs the message again and, after its limit, poisons it.
/// <see cref="RetryAfter"/> is how long the provider asked us to wait (SendGrid's <c>Retry-After</c> on a 429), when it said.
/// </summary>
public sealed class TransientNoticeException(string message, Exception? inner = null, TimeSpan? retryAfter = null) : Exception(message, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>The provider refused the e-mail (a 4xx other than 429). Retrying the same e-mail will not help.</summary>
public sealed class NoticeRejectedException(int statusCode, string providerError)
    : Exception($"The e-mail provider rejected the notice with HTTP {statusCode}: {providerError}")
{
    public int StatusCode { get; } = statusCode;
    public string ProviderError { get; } = providerError;
}
