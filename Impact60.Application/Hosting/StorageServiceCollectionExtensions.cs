using Azure.Core;
using Azure.Identity;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.RegisterApi;
using Impact60.Application.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Hosting;

/// <summary>DI registration of storage, register ingestion and the register API. Each Azure client is built once.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Storage clients (from <c>AzureWebJobsStorage</c>…), the pseudonymisation key (<c>Pseudonymisation__Key</c>) and the
    /// stores. Both settings are validated at start-up (ValidateOnStart): a missing one stops the host with a clear message.
    /// </summary>
    public static IServiceCollection AddImpact60Storage(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<StorageSettingsCheck>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageSettingsCheck>>(new StorageSettingsValidator(configuration));
        services.TryAddSingleton(_ => StorageClients.FromConfiguration(configuration));

        services.AddOptions<PseudonymisationOptions>()
            .Configure(o => PseudonymisationOptions.Bind(o, configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PseudonymisationOptions>, PseudonymisationOptionsValidator>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<PseudonymisationOptions>>().Value.CreatePseudonymizer());

        services.TryAddSingleton<ParticipantStore>();
        services.TryAddSingleton<DeliveryLog>();
        services.TryAddSingleton<EvidenceArchive>();
        services.TryAddSingleton<QuarantineReports>();
        return services;
    }

    /// <summary>
    /// Register ingestion (files and inbox). <paramref name="configure"/> sets the contract's referral cap (no default: a
    /// referrals delivery is refused until it is set; <c>AddImpact60Pipeline</c> sets it from the contract).
    /// </summary>
    public static IServiceCollection AddImpact60Ingestion(this IServiceCollection services, IConfiguration configuration, Action<IngestionOptions>? configure = null)
    {
        services.AddImpact60Storage(configuration);
        var options = services.AddOptions<IngestionOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton<RegisterIngestion>();
        services.TryAddSingleton<InboxProcessor>();
        return services;
    }

    /// <summary>
    /// The register API client (typed HttpClient with the standard resilience pipeline: retries with exponential backoff
    /// that honour Retry-After, attempt and total timeouts, circuit breaker), its authentication, the cursor and the pull.
    /// </summary>
    public static IServiceCollection AddImpact60RegisterApi(
        this IServiceCollection services, IConfiguration configuration, Action<RegisterResilienceOptions>? resilience = null)
    {
        services.AddImpact60Ingestion(configuration);
        services.AddOptions<RegisterApiOptions>()
            .Configure(o => RegisterApiOptions.Bind(o, configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegisterApiOptions>, RegisterApiOptionsValidator>();
        var tuning = new RegisterResilienceOptions();
        resilience?.Invoke(tuning);

        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = AppSettings.Read(configuration, AppSettingNames.AzureClientId) is { Length: > 0 } id ? id : null,
        }));
        services.AddTransient<EntraTokenHandler>();
        services.AddTransient<ApiKeyHandler>();
        services.TryAddSingleton<PullCursor>();
        services.TryAddSingleton<RegisterPull>();

        services.AddHttpClient<RegisterApiClient>(http => http.Timeout = Timeout.InfiniteTimeSpan) // the pipeline's timeouts rule
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.MaxRetryAttempts = tuning.MaxRetryAttempts;
                o.Retry.Delay = tuning.BaseDelay;
                o.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
                o.Retry.UseJitter = true;
                o.Retry.ShouldRetryAfterHeader = true; // a 429's Retry-After is the wait, not our backoff
                o.AttemptTimeout.Timeout = tuning.AttemptTimeout;
                o.TotalRequestTimeout.Timeout = tuning.TotalTimeout;
                // Deliberate values, not the library's defaults (a minimum throughput of 100 attempts, which a nightly pull
                // of a few requests never reaches): see RegisterResilienceOptions for why each.
                o.CircuitBreaker.FailureRatio = tuning.CircuitFailureRatio;
                o.CircuitBreaker.MinimumThroughput = tuning.CircuitMinimumThroughput;
                o.CircuitBreaker.SamplingDuration = tuning.CircuitSamplingDuration;
                o.CircuitBreaker.BreakDuration = tuning.CircuitBreakDuration;
            })
            .Services.AddHttpClient<RegisterApiClient>()
            // Added after the resilience handler, so it runs inside it: every attempt carries a valid token or key.
            .AddHttpMessageHandler(sp => sp.GetRequiredService<IOptions<RegisterApiOptions>>().Value.AuthMode == RegisterAuthMode.ApiKey
                ? sp.GetRequiredService<ApiKeyHandler>()
                : sp.GetRequiredService<EntraTokenHandler>());
        return services;
    }

    private static bool TryBuildStorage(IConfiguration configuration, out string? error)
    {
        try
        {
            StorageClients.FromConfiguration(configuration);
            error = null;
            return true;
        }
        catch (InvalidOperationException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>A marker so that the storage settings are checked at start-up through the options validation machinery.</summary>
    internal sealed class StorageSettingsCheck;

    private sealed class StorageSettingsValidator(IConfiguration configuration) : IValidateOptions<StorageSettingsCheck>
    {
        public ValidateOptionsResult Validate(string? name, StorageSettingsCheck options) =>
            TryBuildStorage(configuration, out var error) ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(error!);
    }

    private sealed class RegisterApiOptionsValidator : IValidateOptions<RegisterApiOptions>
    {
        public ValidateOptionsResult Validate(string? name, RegisterApiOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
