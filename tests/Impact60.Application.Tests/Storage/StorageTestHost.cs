using System.Text;
using Impact60.Application.Hosting;
using Impact60.Application.Ingestion;
using Impact60.Application.RegisterApi;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Domain.Primitives;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Impact60.Application.Tests.Storage;

/// <summary>The app's real DI registration pointed at the test's Azurite (and WireMock), with logs captured.</summary>
internal sealed class StorageTestHost : IAsyncDisposable
{
    /// <summary>A fixed 32-byte test key (tests only; production reads Key Vault).</summary>
    public static readonly string TestKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("impact60-test-key-32-bytes-long!"));

    private readonly ServiceProvider _provider;

    private StorageTestHost(ServiceProvider provider) => _provider = provider;

    public static async Task<StorageTestHost> StartAsync(
        AzuriteFixture azurite, string? registerBaseUrl = null, int referralCap = 120,
        Action<Dictionary<string, string?>>? settingsOverride = null, Action<IServiceCollection>? servicesOverride = null,
        BeforeRequest? tablePolicy = null, Action<IngestionOptions>? ingestion = null)
    {
        await azurite.CleanStorageAsync();
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Pseudonymisation__Key"] = TestKey,
            ["Register__BaseUrl"] = registerBaseUrl ?? "http://127.0.0.1:9/",
            ["Register__AuthMode"] = "ApiKey",
            ["Register__ApiKey"] = RegisterApiKey,
        };
        settingsOverride?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddFakeLogging();
        servicesOverride?.Invoke(services);
        // Registered before the app's own (TryAdd) registration, which then keeps this one.
        if (tablePolicy is not null) services.AddSingleton(BeforeRequest.Clients(azurite.ConnectionString, tablePolicy));
        services.AddImpact60RegisterApi(configuration, r =>
        {
            r.MaxRetryAttempts = 3;
            r.BaseDelay = TimeSpan.FromMilliseconds(20);
            r.AttemptTimeout = TimeSpan.FromSeconds(1);
            r.TotalTimeout = TimeSpan.FromSeconds(30);
        });
        services.AddImpact60Ingestion(configuration, o =>
        {
            o.ReferralCap = referralCap;
            ingestion?.Invoke(o);
        });
        return new StorageTestHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
    }

    public const string RegisterApiKey = "test-api-key";

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();
    public StorageClients Clients => Get<StorageClients>();
    public RegisterIngestion Ingestion => Get<RegisterIngestion>();
    public ParticipantStore Participants => Get<ParticipantStore>();
    public Pseudonymizer Pseudonymizer => Get<Pseudonymizer>();

    /// <summary>Every captured log line with its exception text, for the privacy scan.</summary>
    public IEnumerable<(string Where, string Text)> LogLines =>
        _provider.GetFakeLogCollector().GetSnapshot().Select(r => ($"log {r.Category}", r.Message + " " + r.Exception));

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}

/// <summary>Register-like test data: CPR-shaped values that are valid dates, and the pseudonyms the app derives from them.</summary>
internal static class SampleRegister
{
    /// <summary>The i-th test CPR, written DDMMYY-SSSS (i below 9000).</summary>
    public static string Cpr(int i) => $"{1 + i % 28:00}{1 + i / 28 % 12:00}{50 + i % 40:00}-{1000 + i:0000}";

    public static Pseudonym PseudonymOf(Pseudonymizer p, string cpr) =>
        Domain.Primitives.Cpr.TryParse(cpr, out var c, out _) ? p.Of(c!) : throw new ArgumentException("bad test CPR");

    public static MemoryStream Csv(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));

    public static string ReferralLine(int i, string? cpr = null) =>
        $"JC-2018-{i:0000};{cpr ?? Cpr(i)};2018-09-27;2018-10-01;2019-03-29;F-{i:000};KaffeFair";

    public const string ReferralHeader = "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business";
    public const string WeeksHeader = "cpr;week;code";
}
