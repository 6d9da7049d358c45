using System.Net;
using System.Text.Json;
using SendGrid;
using SendGrid.Helpers.Mail;
using SendGrid.Helpers.Reliability;

namespace Impact60.Application.Notices;

/// <summary>
/// Sends notices through SendGrid's v3 mail/send API with the official client. The client's own retry is switched
/// off (zero retries, and the HttpClient we hand it has no retry handler): the notice queue's redelivery is the one
/// retry mechanism, so attempts are counted in one place and end in the poison queue rather than in hidden loops.
/// <para>
/// SendGrid's <c>Retry-After</c> on a 429 is therefore not slept on here: nothing retries in this process. The queue's
/// visibility timeout is the wait between attempts (host.json <c>visibilityTimeout</c> 30 s, <c>maxDequeueCount</c> 5, so
/// about two minutes in all); a function invocation cannot set a per-message delay on failure, and sleeping in the
/// function would hold a queue worker and the message lease for the length of SendGrid's back-off. The asked-for wait is
/// carried on <see cref="TransientNoticeException.RetryAfter"/> and in its message, so the log of every attempt — and
/// of the one that moves the message to <c>notices-poison</c> — says how long SendGrid wanted; a rate limit that outlasts
/// the attempts ends in the poison queue, from which <c>./impact60 replay --queue notices</c> sends it once it has passed.
/// </para>
/// </summary>
public sealed class SendGridNoticeSender : INoticeSender, IDisposable
{
    /// <summary>The custom arg (and header) carrying the idempotency key. Settlement id and recipient kind only.</summary>
    public const string IdempotencyArg = "impact60_notice";
    public const string IdempotencyHeader = "X-Impact60-Notice";

    private const int MaxErrorTextLength = 500;
    private readonly SendGridClient _client;
    private readonly HttpClient _httpClient;
    private readonly HttpClient? _ownedHttpClient;

    /// <summary>With an HttpClient of its own (no handlers but the socket handler; connections renewed for DNS changes).</summary>
    public SendGridNoticeSender(SendGridOptions options)
        : this(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }), options)
    {
        _ownedHttpClient = _httpClient;
    }

    /// <summary>With the caller's HttpClient (tests; or a host that manages clients itself — without retry handlers).</summary>
    public SendGridNoticeSender(HttpClient httpClient, SendGridOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _httpClient = httpClient;
        if (string.IsNullOrWhiteSpace(options.ApiKey))
            throw new ArgumentException("SendGrid__ApiKey is not set.", nameof(options));
        _client = new SendGridClient(httpClient, new SendGridClientOptions
        {
            ApiKey = options.ApiKey,
            Host = string.IsNullOrWhiteSpace(options.Host) ? SendGridOptions.DefaultHost : options.Host.TrimEnd('/'),
            ReliabilitySettings = new ReliabilitySettings(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero),
            HttpErrorAsException = false,
        });
    }

    public void Dispose() => _ownedHttpClient?.Dispose();

    public async Task<string?> SendAsync(RenderedEmail email, string idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var message = ToSendGridMessage(email, idempotencyKey);

        Response response;
        try
        {
            response = await _client.SendEmailAsync(message, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new TransientNoticeException($"SendGrid could not be reached for notice {idempotencyKey}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TransientNoticeException($"SendGrid timed out for notice {idempotencyKey}.", e);
        }

        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
            return response.Headers?.TryGetValues("X-Message-Id", out var ids) == true ? ids.FirstOrDefault() : null;

        var error = await ErrorTextAsync(response, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
        {
            var retryAfter = RetryAfter(response);
            var wait = retryAfter is { } r ? $"; SendGrid asks to retry after {(int)Math.Ceiling(r.TotalSeconds)} s (Retry-After)" : "";
            throw new TransientNoticeException($"SendGrid answered HTTP {status} for notice {idempotencyKey}: {error}{wait}", retryAfter: retryAfter);
        }
        throw new NoticeRejectedException(status, error);
    }

    /// <summary>
    /// The <c>Retry-After</c> header as a wait: delta-seconds as given; an HTTP date relative to the response's own
    /// <c>Date</c> (the server's clock), or to now without one; never negative. Null when absent.
    /// </summary>
    internal static TimeSpan? RetryAfter(Response response)
    {
        var header = response.Headers?.RetryAfter;
        if (header is null) return null;
        if (header.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header.Date is { } date)
        {
            var wait = date - (response.Headers!.Date ?? DateTimeOffset.UtcNow);
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    internal static SendGridMessage ToSendGridMessage(RenderedEmail email, string idempotencyKey)
    {
        var message = new SendGridMessage
        {
            From = new EmailAddress(email.From.Email, NullIfEmpty(email.From.Name)),
            Subject = email.Subject,
            PlainTextContent = email.TextBody,
            HtmlContent = email.HtmlBody,
            CustomArgs = new Dictionary<string, string> { [IdempotencyArg] = idempotencyKey },
            Headers = new Dictionary<string, string> { [IdempotencyHeader] = idempotencyKey },
        };
        message.AddTo(new EmailAddress(email.To.Email, NullIfEmpty(email.To.Name)));
        foreach (var a in email.Attachments)
            message.AddAttachment(a.FileName, Convert.ToBase64String(a.Content), a.ContentType, "attachment");
        return message;
    }

    private static string? NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>
    /// SendGrid's own error text: the <c>message</c> (and <c>field</c>) of each entry in <c>errors</c>, shortened.
    /// Nothing of our request is echoed; a body that is not SendGrid's error JSON is reported by status only.
    /// </summary>
    private static async Task<string> ErrorTextAsync(Response response, CancellationToken ct)
    {
        try
        {
            if (response.Body is null) return "(no error text)";
            var body = await response.Body.ReadAsStringAsync(ct).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
                return "(no error text)";
            var parts = errors.EnumerateArray()
                .Select(e =>
                {
                    var msg = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    var field = e.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                    return field is null ? msg : $"{field}: {msg}";
                })
                .Where(s => !string.IsNullOrWhiteSpace(s));
            var text = string.Join("; ", parts);
            if (text.Length == 0) return "(no error text)";
            return text.Length <= MaxErrorTextLength ? text : text[..MaxErrorTextLength] + "…";
        }
        catch (JsonException)
        {
            return "(error body is not SendGrid's error JSON)";
        }
    }
}
