using System.Globalization;
using Microsoft.Extensions.Options;

namespace Impact60.Application.RegisterApi;

/// <summary>The register API failed after every retry, or answered something that is not a page.</summary>
public sealed class RegisterApiException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Typed client for the jobcenter register API (REGISTER.md). Returns the raw bytes of each response so that the
/// evidence archive keeps exactly what the register said. Retries, timeouts and the circuit breaker are the
/// resilience pipeline's (registered in DI); authentication is a message handler chosen by <c>Register__AuthMode</c>.
/// </summary>
public sealed class RegisterApiClient(HttpClient http, IOptions<RegisterApiOptions> options)
{
    public Task<byte[]> GetReferralsAsync(CancellationToken cancellationToken = default) =>
        GetAsync($"v1/programmes/{Uri.EscapeDataString(options.Value.Programme)}/referrals", "referrals", cancellationToken);

    /// <param name="changedSince">The cursor: items changed at or after this instant (null: everything).</param>
    /// <param name="pageToken">The previous page's <c>nextPageToken</c> (null: the first page).</param>
    public Task<byte[]> GetWeeksPageAsync(DateTimeOffset? changedSince, string? pageToken, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (changedSince is { } since)
            query.Add("changedSince=" + Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)));
        if (!string.IsNullOrEmpty(pageToken))
            query.Add("pageToken=" + Uri.EscapeDataString(pageToken));
        var path = $"v1/programmes/{Uri.EscapeDataString(options.Value.Programme)}/weeks" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return GetAsync(path, "weeks", cancellationToken);
    }

    private async Task<byte[]> GetAsync(string relative, string what, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(new Uri(options.Value.BaseUrl!, relative), cancellationToken).ConfigureAwait(false);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException e)
        {
            throw new RegisterApiException($"The {what} request was not sent: the register API failed repeatedly and the circuit breaker is open; it lets a request through again after a pause.", e);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                   || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new RegisterApiException($"The register API did not answer the {what} request after all retries: {e.Message}", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new RegisterApiException($"The register API answered the {what} request with {(int)response.StatusCode} {response.ReasonPhrase} after all retries.");
            return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
