using Impact60.Application.Configuration;
using Impact60.Application.Storage;
using Microsoft.Extensions.Configuration;

namespace Impact60.Application.RegisterApi;

public enum RegisterAuthMode
{
    /// <summary>Bearer token from Microsoft Entra ID (DefaultAzureCredential: the app's managed identity in Azure).</summary>
    Entra,
    /// <summary>A static key in a header (<c>Register__ApiKeyHeader</c>, default <c>X-Api-Key</c>).</summary>
    ApiKey,
}

/// <summary>The register API settings (<c>Register__*</c>).</summary>
public sealed class RegisterApiOptions
{
    public Uri? BaseUrl { get; set; }
    public string Programme { get; set; } = "IMPACT60";
    public RegisterAuthMode AuthMode { get; set; } = RegisterAuthMode.Entra;
    public string? Scope { get; set; }
    public string? ApiKey { get; set; }
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    internal static void Bind(RegisterApiOptions o, IConfiguration c)
    {
        if (AppSettings.Read(c, AppSettingNames.RegisterBaseUrl) is { Length: > 0 } baseUrl)
            o.BaseUrl = Uri.TryCreate(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute, out var uri)
                ? uri
                : throw new InvalidOperationException($"'{AppSettingNames.RegisterBaseUrl}' must be an absolute URL.");
        if (AppSettings.Read(c, AppSettingNames.RegisterProgramme) is { Length: > 0 } programme) o.Programme = programme;
        if (AppSettings.Read(c, AppSettingNames.RegisterAuthMode) is { Length: > 0 } mode)
            o.AuthMode = Enum.TryParse<RegisterAuthMode>(mode, ignoreCase: true, out var m)
                ? m
                : throw new InvalidOperationException($"'{AppSettingNames.RegisterAuthMode}' must be 'Entra' or 'ApiKey', not '{mode}'.");
        o.Scope = AppSettings.Read(c, AppSettingNames.RegisterScope) ?? o.Scope;
        o.ApiKey = AppSettings.Read(c, AppSettingNames.RegisterApiKey) ?? o.ApiKey;
        if (AppSettings.Read(c, AppSettingNames.RegisterApiKeyHeader) is { Length: > 0 } header) o.ApiKeyHeader = header;
    }

    internal IEnumerable<string> Problems()
    {
        if (BaseUrl is null) yield return $"'{AppSettingNames.RegisterBaseUrl}' is missing: the register API's base URL.";
        if (AuthMode == RegisterAuthMode.Entra && string.IsNullOrWhiteSpace(Scope))
            yield return $"'{AppSettingNames.RegisterScope}' is missing: the Entra scope of the register API (e.g. api://<app-id>/.default), needed when '{AppSettingNames.RegisterAuthMode}' is Entra.";
        if (AuthMode == RegisterAuthMode.ApiKey && string.IsNullOrWhiteSpace(ApiKey))
            yield return $"'{AppSettingNames.RegisterApiKey}' is missing, needed when '{AppSettingNames.RegisterAuthMode}' is ApiKey.";
    }
}

/// <summary>
/// How hard to try the register before failing the night. Not app settings: the defaults are for production;
/// tests shorten them through <c>AddImpact60RegisterApi(configuration, resilience =&gt; ...)</c>.
/// </summary>
public sealed class RegisterResilienceOptions
{
    public int MaxRetryAttempts { get; set; } = 6;
    /// <summary>First backoff delay; doubles per attempt (with jitter). A 429's Retry-After replaces it.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an open circuit refuses calls before letting one through to test the register again. Shorter
    /// than the nightly timer's retry delay (10 minutes), so the retried night finds the circuit closed or half-open.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The circuit opens when at least this share of the attempts in <see cref="CircuitSamplingDuration"/> failed
    /// (5xx, 408, 429, timeouts, connection errors) and there were at least <see cref="CircuitMinimumThroughput"/> of them.
    /// Nine in ten: the breaker is for a register that is down, not one that failed a page among good ones — after such a
    /// failure the operator's (or the timer's) rerun must be let through at once to resume from the cursor. It also
    /// means a request's own retries are never cut short by the breaker (with up to 8 retries, one good call in the window
    /// keeps the ratio below 0.9 until the last attempt): the breaker only stops the calls after.
    /// </summary>
    public double CircuitFailureRatio { get; set; } = 0.9;

    /// <summary>
    /// Not the library's default of 100 attempts: a night makes a handful of requests (referrals plus a few weeks pages),
    /// so 100 would never be reached and the breaker could never open. One request's full retry sequence
    /// (<see cref="MaxRetryAttempts"/> + 1) instead: once a whole sequence has failed with hardly a success around it, the
    /// register counts as down, and the next call (an operator's rerun straight after, another page) fails at once for
    /// <see cref="CircuitBreakDuration"/> instead of waiting out another sequence against it.
    /// </summary>
    public int CircuitMinimumThroughput => Math.Max(2, MaxRetryAttempts + 1);

    /// <summary>The window the failure ratio is measured over: the longest one request can take with all its retries
    /// (<see cref="TotalTimeout"/>), and at least twice the attempt timeout (which the resilience library requires).</summary>
    public TimeSpan CircuitSamplingDuration => TotalTimeout > AttemptTimeout * 2 ? TotalTimeout : AttemptTimeout * 2;
}
