using System.Reflection;
using System.Text.Json.Nodes;
using Impact60.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Impact60.Infra.Tests.Support;

/// <summary>
/// What the code reads when it runs with the app settings infra/main.bicep deploys: the Functions app's composition
/// root (<see cref="FunctionsComposition.AddImpact60Functions"/>, exactly what Program.cs calls) is run against a
/// <see cref="RecordingConfiguration"/> that holds every deployed setting with a plausible value; then the host's
/// start-up validation (ValidateOnStart) runs, every registered service is resolved and every function class is
/// activated, as the first invocations would. Every key read on the way is recorded.
/// <para>
/// This sees every read made while composing and starting the app, which is where this code reads configuration
/// (settings are bound into options at start-up). A read made only inside a function body, at invocation time,
/// would not be seen: read configuration through options instead.
/// </para>
/// </summary>
public sealed class AppSettingReads
{
    private AppSettingReads(IReadOnlySet<string> reads, IReadOnlyDictionary<string, string> azureLikeValues)
    {
        Reads = reads;
        AzureLikeValues = azureLikeValues;
    }

    /// <summary>Every key the code read, as app setting names (<c>Section__Key</c>), compared ignoring case like .NET configuration.</summary>
    public IReadOnlySet<string> Reads { get; }

    /// <summary>The values the run was given, one per deployed setting.</summary>
    public IReadOnlyDictionary<string, string> AzureLikeValues { get; }

    /// <summary>Runs the app's composition with the given settings and records what it reads.</summary>
    public static AppSettingReads Observe(IReadOnlyDictionary<string, string> settings)
    {
        // Environment variables (what app settings become in Azure) turn "__" into the section separator.
        var inner = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
            .Build();
        var recording = new RecordingConfiguration(inner);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddImpact60Functions(recording);

        var problems = new List<string>();
        var provider = services.BuildServiceProvider();
        try
        {
            Try(problems, "start-up validation", () => provider.GetRequiredService<IStartupValidator>().Validate());
            foreach (var descriptor in services.Where(d => !d.ServiceType.ContainsGenericParameters))
            {
                Try(problems, descriptor.ServiceType.FullName!, () => (descriptor.IsKeyedService
                    ? provider.GetKeyedServices(descriptor.ServiceType, descriptor.ServiceKey)
                    : provider.GetServices(descriptor.ServiceType)).ToList());
            }

            foreach (var function in FunctionClasses())
            {
                Try(problems, function.FullName!, () => ActivatorUtilities.CreateInstance(provider, function));
            }
        }
        finally
        {
            provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "The app could not start with the deployed settings (a plausible value per setting, AppSettingReads):" +
                Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        return new AppSettingReads(recording.Reads, settings);
    }

    /// <summary>The classes the Functions worker activates: those with a [Function] method.</summary>
    public static IReadOnlyList<Type> FunctionClasses() =>
        typeof(FunctionsComposition).Assembly.GetTypes()
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                .Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .ToList();

    /// <summary>
    /// A value for each deployed setting as Azure would present it: the template's fixed value where it has one, a
    /// valid secret for a Key Vault reference, and for a value only known at deployment (an endpoint, a client id,
    /// a required parameter) a plausible one of the right form.
    /// </summary>
    public static IReadOnlyDictionary<string, string> AzureLikeSettings(ArmTemplate template, IReadOnlyDictionary<string, JsonNode?> deployed) =>
        deployed.ToDictionary(
            s => s.Key,
            s => TemplateChecks.KeyVaultSecretName(s.Value) is not null
                ? Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())
                : template.ResolveString(s.Value) ?? PlausibleValue(s.Key),
            StringComparer.OrdinalIgnoreCase);

    private static string PlausibleValue(string setting)
    {
        var last = setting.Split("__")[^1];
        return last switch
        {
            _ when last.EndsWith("ServiceUri", StringComparison.OrdinalIgnoreCase) => "https://stimpact60.example.net/",
            _ when last.EndsWith("Url", StringComparison.OrdinalIgnoreCase) => "https://register.example.dk/",
            _ when last.Equals("clientId", StringComparison.OrdinalIgnoreCase) || setting == "AZURE_CLIENT_ID" => "00000000-0000-0000-0000-0000000000c1",
            _ when last.Equals("fullyQualifiedNamespace", StringComparison.OrdinalIgnoreCase) => "sb-impact60.servicebus.windows.net",
            _ when last.Equals("From", StringComparison.OrdinalIgnoreCase) => "IMPACT60 <afregning@example.dk>",
            _ when last.Equals("Scope", StringComparison.OrdinalIgnoreCase) => "api://00000000-0000-0000-0000-0000000000a1/.default",
            _ => $"deployed-{setting}",
        };
    }

    private static void Try(List<string> problems, string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            problems.Add($"  {what}: {e.GetType().Name}: {e.Message}");
        }
    }
}
