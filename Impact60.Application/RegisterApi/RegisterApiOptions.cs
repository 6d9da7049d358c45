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
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
