using System.Net.Http.Headers;
using Azure.Core;
using Microsoft.Extensions.Options;

namespace Impact60.Application.RegisterApi;

/// <summary>Adds a Microsoft Entra bearer token for the register's scope; the token is cached until 5 minutes before it expires.</summary>
internal sealed class EntraTokenHandler(TokenCredential credential, IOptions<RegisterApiOptions> options, TimeProvider time) : DelegatingHandler
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private AccessToken? _token;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is not { } cached || cached.ExpiresOn <= time.GetUtcNow().AddMinutes(5))
                _token = cached = await credential.GetTokenAsync(new TokenRequestContext([options.Value.Scope!]), cancellationToken).ConfigureAwait(false);
            return cached.Token;
        }
        finally
        {
            _lock.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _lock.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Adds the register's API key header.</summary>
internal sealed class ApiKeyHandler(IOptions<RegisterApiOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(options.Value.ApiKeyHeader);
        request.Headers.Add(options.Value.ApiKeyHeader, options.Value.ApiKey);
        return base.SendAsync(request, cancellationToken);
    }
}
