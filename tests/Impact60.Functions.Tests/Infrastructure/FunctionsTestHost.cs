using System.Reflection;
using System.Text;
using Impact60.Application.Configuration;
using Impact60.Application.Events;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Impact60.Functions.Tests.Infrastructure;

/// <summary>App settings as the Functions host hands them to the worker, and where the app's files are.</summary>
internal static class TestSettings
{
    /// <summary>A fixed 32-byte test key (tests only; production reads Key Vault).</summary>
    public static readonly string PseudonymisationKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("impact60-test-key-32-bytes-long!"));

    public static string RepositoryRoot { get; } = AzuriteLauncher.FindRepositoryRoot();

    public static string ContractPath { get; } = Path.Combine(RepositoryRoot, "samples", "impact60.contract.json");

    /// <summary>The deployed app settings by their deployed names (<c>Section__Key</c>).</summary>
    public static Dictionary<string, string?> AppSettings(string storageConnectionString, string pickupFolder) => new()
    {
        [AppSettingNames.Storage] = storageConnectionString,
        [AppSettingNames.PseudonymisationKey] = PseudonymisationKey,
        [AppSettingNames.ContractPath] = ContractPath,
        [AppSettingNames.NoticesPickupFolder] = pickupFolder,
        [AppSettingNames.NoticesFrom] = "IMPACT60 <impact60@example.dk>",
    };

    /// <summary>
    /// The configuration the worker sees: app settings arrive as environment variables, whose provider turns the
    /// <c>__</c> separator into <c>:</c> — so an in-memory source must hold them that way too.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> AsWorkerConfiguration(Dictionary<string, string?> appSettings) =>
        appSettings.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value));

    /// <summary>Every function class of the app: public classes with a method carrying [Function].</summary>
    public static IReadOnlyList<Type> FunctionClasses { get; } = typeof(FunctionsComposition).Assembly.GetExportedTypes()
        .Where(t => t.IsClass && t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();
}

/// <summary>
/// The Functions app's composition root (<see cref="FunctionsComposition.AddImpact60Functions"/>) pointed at the test's
/// Azurite, with a fake clock and captured logs. Functions are created as the worker creates them: per invocation, by
/// <see cref="ActivatorUtilities"/> from a scope of the container.
/// </summary>
internal sealed class FunctionsTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly DirectoryInfo _folder;

    private FunctionsTestHost(ServiceProvider provider, DirectoryInfo folder, FakeTimeProvider clock, StorageClients storage)
    {
        _provider = provider;
        _folder = folder;
        Clock = clock;
        Storage = storage;
    }

    public FakeTimeProvider Clock { get; }
    public StorageClients Storage { get; }
    public string PickupFolder => Path.Combine(_folder.FullName, "pickup");

    /// <param name="settings">Changes to the app settings (by their deployed names), e.g. a register API.</param>
    public static async Task<FunctionsTestHost> StartAsync(AzuriteFixture azurite, DateTimeOffset now, Action<Dictionary<string, string?>>? settings = null)
    {
        var storage = await azurite.CleanStorageAsync();
        var folder = Directory.CreateTempSubdirectory("impact60-functests-");
        var appSettings = TestSettings.AppSettings(azurite.ConnectionString, Path.Combine(folder.FullName, "pickup"));
        settings?.Invoke(appSettings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestSettings.AsWorkerConfiguration(appSettings)).Build();
        var clock = new FakeTimeProvider(now);

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddFakeLogging();
        services.AddSingleton<TimeProvider>(clock); // before the composition, whose TryAdd then keeps it
        services.AddImpact60Functions(configuration);
        // No Service Bus locally: the settlement event goes to files; keep them in the test's folder.
        services.Configure<EventsOptions>(o => o.OutboxFolder = Path.Combine(folder.FullName, "outbox"));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate(); // what the host does first on start
        return new FunctionsTestHost(provider, folder, clock, storage);
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();
    public T? TryGet<T>() where T : class => _provider.GetService<T>();

    /// <summary>A function instance as the worker makes one for an invocation.</summary>
    public T Function<T>() where T : class
    {
        var scope = _provider.CreateScope(); // disposed with the provider
        return ActivatorUtilities.CreateInstance<T>(scope.ServiceProvider);
    }

    public IReadOnlyList<FakeLogRecord> Logs => _provider.GetFakeLogCollector().GetSnapshot();

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
