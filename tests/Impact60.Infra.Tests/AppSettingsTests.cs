using System.Reflection;
using Impact60.Application.Configuration;
using Impact60.Infra.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Impact60.Infra.Tests;

/// <summary>
/// The Function App's settings in Bicep and what the code reads cannot drift. "What the code reads" is observed, not
/// listed: the app's composition root runs against the deployed settings and every key it reads is recorded
/// (<see cref="AppSettingReads"/>), and the Functions host's own reads come from the functions.metadata the SDK
/// generates from the trigger attributes (<see cref="FunctionsMetadata"/>).
/// </summary>
[Collection(MainTemplateCollection.Name)]
public sealed class AppSettingsTests(CompiledMainTemplate main)
{
    /// <summary>Deployed for the platform (the Functions host and its telemetry), read by none of our code.</summary>
    private static readonly Dictionary<string, string> PlatformSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "the Functions host and worker send their telemetry to this component",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "App Insights has local auth off: the host authenticates its telemetry with the managed identity",
    };

    /// <summary>Read by the code in Azure too, but deliberately not deployed.</summary>
    private static readonly Dictionary<string, string> LocalOnlySettings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Notices__PickupFolder"] = "without SendGrid__ApiKey, notices are written as .eml files to this folder; Azure sends through SendGrid",
    };

    /// <summary>
    /// What the Functions host reads for an identity-based connection named C: C__credential and C__clientId (the
    /// user-assigned identity), plus the service URI of what the bindings on C touch. The host's own storage
    /// (AzureWebJobsStorage) needs the blob service for its leases, keys and timer schedule status.
    /// See "Common properties for identity-based connections" in the Azure Functions reference.
    /// </summary>
    private static readonly Dictionary<string, string> ServiceUriOfBinding = new(StringComparer.OrdinalIgnoreCase)
    {
        ["queueTrigger"] = "queueServiceUri",
        ["queue"] = "queueServiceUri",
        ["blobTrigger"] = "blobServiceUri",
        ["blob"] = "blobServiceUri",
        ["table"] = "tableServiceUri",
        ["serviceBusTrigger"] = "fullyQualifiedNamespace",
        ["serviceBus"] = "fullyQualifiedNamespace",
    };

    private static readonly Lock Gate = new();
    private static AppSettingReads? _observed;

    private IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?> Deployed => TemplateChecks.AppSettings(main.Arm);

    [Fact]
    public void Every_setting_the_host_resolves_from_a_trigger_attribute_is_deployed()
    {
        var referenced = FunctionsMetadata.ReferencedSettings;

        Assert.Contains("NightlySchedule", referenced); // not vacuous: the schedules are %...% references
        var missing = referenced.Where(s => !Deployed.ContainsKey(s)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_connection_the_host_uses_is_deployed_identity_based_for_the_apps_identity()
    {
        var deployed = Deployed;
        var connections = HostConnections();

        Assert.Contains(FunctionsMetadata.HostStorageConnection, connections.Keys);
        Assert.All(connections, c =>
        {
            Assert.False(deployed.ContainsKey(c.Key), $"{c.Key} is deployed as a connection string");
            Assert.Equal("managedidentity", deployed.GetValueOrDefault($"{c.Key}__credential")?.GetValue<string>());
            Assert.Equal("[parameters('identityClientId')]", deployed.GetValueOrDefault($"{c.Key}__clientId")?.GetValue<string>());
            Assert.All(c.Value, uri => Assert.True(deployed.ContainsKey($"{c.Key}__{uri}"), $"{c.Key}__{uri} is not deployed"));
        });
    }

    [Fact]
    public void Every_setting_the_code_reads_in_Azure_is_deployed()
    {
        var reads = Observed().Reads;

        // Not vacuous: the options binder and the storage, register and Service Bus set-up were all seen reading.
        Assert.Superset(
            new HashSet<string>(["Pseudonymisation__Key", "Contract__Path", "Register__Scope", "Notices__From", "SendGrid__Host",
                "AzureWebJobsStorage__tableServiceUri", "ServiceBusConnection__fullyQualifiedNamespace", "AZURE_CLIENT_ID"], StringComparer.OrdinalIgnoreCase),
            reads.ToHashSet(StringComparer.OrdinalIgnoreCase));
        Assert.Empty(ReadButNotDeployed(reads, Deployed.Keys));
    }

    [Fact]
    public void Every_deployed_setting_is_read_by_the_code_the_host_or_the_platform()
    {
        Assert.Empty(DeployedButUnread(Deployed.Keys, Observed().Reads));
    }

    [Fact]
    public void The_allow_lists_hold_only_names_that_need_them()
    {
        var reads = Observed().Reads;
        var deployed = Deployed;

        // A local-only name must still be read (else drop it from the list) and must not be deployed.
        Assert.All(LocalOnlySettings.Keys, n => Assert.True(reads.Contains(n) && !deployed.ContainsKey(n), $"{n}: {LocalOnlySettings[n]}"));
        // A platform name must be deployed and not read by our code (else it needs no exemption).
        Assert.All(PlatformSettings.Keys, n => Assert.True(deployed.ContainsKey(n) && !reads.Contains(n), $"{n}: {PlatformSettings[n]}"));
    }

    [Fact]
    public void AppSettingNames_holds_no_name_that_nothing_reads()
    {
        var used = Observed().Reads.Concat(HostReads()).Concat(PlatformSettings.Keys).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = typeof(AppSettingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

        Assert.NotEmpty(names);
        Assert.Empty(names.Where(n => !used.Contains(n.Value)).Select(n => $"AppSettingNames.{n.Key} = {n.Value}"));
    }

    [Fact]
    public void Local_only_settings_such_as_connection_strings_are_not_deployed()
    {
        var localOnly = typeof(AppSettingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.GetCustomAttribute<LocalOnlyAttribute>() is not null)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.Contains(AppSettingNames.Storage, localOnly);
        Assert.All(localOnly, n => Assert.False(Deployed.ContainsKey(n), $"{n} is local-only but deployed"));
    }

    [Fact]
    public void Given_a_setting_removed_from_the_bicep_then_the_drift_check_names_it()
    {
        // The same observation as above, with the register API key header and the Service Bus client id left out
        // of the deployed settings: the code still reads them, so the check must report both.
        var settings = AzureLikeSettings();
        var deployed = settings.Keys.Where(k => k is not "Register__ApiKeyHeader" and not "ServiceBusConnection__clientId").ToList();
        var reads = AppSettingReads.Observe(settings.Where(s => deployed.Contains(s.Key)).ToDictionary()).Reads;

        Assert.Equal(["Register__ApiKeyHeader", "ServiceBusConnection__clientId"], ReadButNotDeployed(reads, deployed).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Given_a_setting_nothing_reads_in_the_bicep_then_the_drift_check_names_it()
    {
        // What the audit found: ServiceBusConnection__credential was deployed, but the app's own Service Bus client
        // takes only the namespace and the client id, and no Functions binding uses that connection.
        var deployed = Deployed.Keys.Append("ServiceBusConnection__credential").Append("Register__Timeout");

        Assert.Equal(["Register__Timeout", "ServiceBusConnection__credential"],
            DeployedButUnread(deployed, Observed().Reads).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_recorder_sees_what_the_options_binder_reads_even_when_a_property_has_no_value()
    {
        var inner = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Archive:Days", (string?)"7")]).Build();
        var recording = new RecordingConfiguration(inner);

        var bound = recording.GetSection("Archive").Get<ArchiveOptions>();

        Assert.Equal(7, bound!.Days);
        Assert.Contains("Archive__Days", recording.Reads);
        Assert.Contains("Archive__Container", recording.Reads); // asked for, though it has no value
        Assert.DoesNotContain("Archive__Internal", recording.Reads); // not public: the binder leaves it alone
    }

    [Theory]
    [InlineData("NightlySchedule", "0 0 1 * * *")]
    [InlineData("SettlementSchedule", "0 0 6 1 * *")]
    [InlineData("Contract__Path", "contracts/impact60.contract.json")]
    [InlineData("Notices__Language", "da")]
    [InlineData("Register__AuthMode", "Entra")]
    [InlineData("SendGrid__Host", "https://api.sendgrid.com")]
    [InlineData("AzureWebJobsStorage__credential", "managedidentity")]
    public void Given_no_parameter_overrides_then_the_setting_has_its_default(string setting, string expected)
    {
        var (template, config) = main.Arm.ResourcesOfType("Microsoft.Web/sites/config").Single();

        Assert.Equal(expected, template.ResolveString(config["properties"]![setting]));
    }

    [Fact]
    public void The_identity_settings_all_name_the_same_user_assigned_identity()
    {
        var settings = Deployed;

        Assert.All(
            new[] { "AzureWebJobsStorage__clientId", "ServiceBusConnection__clientId", "AZURE_CLIENT_ID" },
            s => Assert.Equal("[parameters('identityClientId')]", settings[s]!.GetValue<string>()));
    }

    /// <summary>A read is covered when it is deployed, when it names a section the deployment sets settings under
    /// (AzureWebJobsStorage, read first as a connection string, is the section of AzureWebJobsStorage__*), or
    /// when it is a documented local-only setting.</summary>
    private static List<string> ReadButNotDeployed(IEnumerable<string> reads, IEnumerable<string> deployed)
    {
        var deployedSet = deployed.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return reads
            .Where(r => !deployedSet.Contains(r)
                        && !deployedSet.Any(d => d.StartsWith(r + "__", StringComparison.OrdinalIgnoreCase))
                        && !LocalOnlySettings.ContainsKey(r))
            .ToList();
    }

    private static List<string> DeployedButUnread(IEnumerable<string> deployed, IReadOnlySet<string> reads)
    {
        var used = reads.Concat(HostReads()).Concat(PlatformSettings.Keys).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return deployed.Where(d => !used.Contains(d)).ToList();
    }

    /// <summary>Each connection the host uses (bindings, and its own storage) with the service URIs its bindings need.</summary>
    private static Dictionary<string, HashSet<string>> HostConnections()
    {
        var connections = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase)
        {
            [FunctionsMetadata.HostStorageConnection] = ["blobServiceUri"],
        };
        foreach (var binding in FunctionsMetadata.Bindings.Where(b => ServiceUriOfBinding.ContainsKey(b.Type)))
        {
            var connection = binding.Connection ?? FunctionsMetadata.HostStorageConnection;
            if (!connections.TryGetValue(connection, out var uris))
            {
                connections[connection] = uris = [];
            }

            uris.Add(ServiceUriOfBinding[binding.Type]);
        }

        return connections;
    }

    /// <summary>Every setting the Functions host reads: the %...% references and the identity-based connection properties.</summary>
    private static IEnumerable<string> HostReads() =>
        FunctionsMetadata.ReferencedSettings.Concat(HostConnections().SelectMany(c =>
            c.Value.Append("credential").Append("clientId").Select(p => $"{c.Key}__{p}")));

    private IReadOnlyDictionary<string, string> AzureLikeSettings()
    {
        var (template, _) = main.Arm.ResourcesOfType("Microsoft.Web/sites/config").Single();
        return AppSettingReads.AzureLikeSettings(template, Deployed);
    }

    private AppSettingReads Observed()
    {
        lock (Gate)
        {
            return _observed ??= AppSettingReads.Observe(AzureLikeSettings());
        }
    }

    private sealed class ArchiveOptions
    {
        public int Days { get; set; }

        public string? Container { get; set; }

        internal string? Internal { get; set; }
    }
}
