using Impact60.Application.Configuration;
using Impact60.Application.Events;
using Impact60.Application.Pipeline;
using Impact60.Application.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Impact60.Cli;

/// <summary>
/// The CLI's composition: the same pipeline the Functions app runs (<see cref="PipelineServiceCollectionExtensions.AddImpact60Pipeline"/>),
/// configured from environment variables with the app settings' names (e.g. <c>AzureWebJobsStorage</c>,
/// <c>Pseudonymisation__Key</c>), over defaults that suit a local run.
/// </summary>
public sealed class CliHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CliHost(ServiceProvider services, IConfiguration configuration)
    {
        _services = services;
        Configuration = configuration;
    }

    public IConfiguration Configuration { get; }
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();
    public IEnumerable<T> GetAll<T>() => _services.GetServices<T>();

    /// <summary>Local defaults: the contract shipped beside the CLI, notices to <c>out/emails</c>, Danish.</summary>
    public static Dictionary<string, string?> LocalDefaults(string outputFolder) => new()
    {
        [Key(AppSettingNames.ContractPath)] = Path.Combine(AppContext.BaseDirectory, "contracts", "impact60.contract.json"),
        [Key(AppSettingNames.NoticesPickupFolder)] = Path.Combine(outputFolder, "emails"),
        [Key(AppSettingNames.NoticesFrom)] = "impact60@example.dk",
        [Key(AppSettingNames.NoticesLanguage)] = "da",
    };

    /// <summary>
    /// The host of an operator command against the configured store: the app settings from the environment over the
    /// local defaults, notices to <c>{out}/emails</c> (when no SendGrid key is set), events to <c>{out}/events</c>
    /// (when no Service Bus is set).
    /// </summary>
    public static Task<CliHost> OpenStoreAsync(string? outFolder)
    {
        var output = Path.GetFullPath(outFolder ?? "out");
        return StartAsync(LocalDefaults(output), null, Path.Combine(output, "events"), LogLevel.Warning);
    }

    public static string Key(string appSetting) => appSetting.Replace("__", ":", StringComparison.Ordinal);

    public static async Task<CliHost> StartAsync(IDictionary<string, string?> defaults, IDictionary<string, string?>? overrides, string outboxFolder, LogLevel logLevel)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(defaults)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(logLevel));
        services.AddSingleton(TimeProvider.System);
        try
        {
            services.AddImpact60Pipeline(configuration);
        }
        catch (InvalidOperationException e)
        {
            throw new CannotRunException(e.Message.ReplaceLineEndings(" "));
        }
        services.Configure<EventsOptions>(o => o.OutboxFolder = outboxFolder);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false });
        try
        {
            // The same start-up checks the Functions host makes (ValidateOnStart): a bad setting stops here, not later.
            foreach (var validator in provider.GetServices<Microsoft.Extensions.Options.IStartupValidator>()) validator.Validate();
            await provider.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        }
        catch (Exception e) when (e is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException)
        {
            await provider.DisposeAsync();
            throw new CannotRunException(e.Message.ReplaceLineEndings(" "));
        }
        return new CliHost(provider, configuration);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
