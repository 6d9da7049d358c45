using Azure.Messaging.ServiceBus;
using Impact60.Application.Configuration;
using Impact60.Application.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Impact60.Application.Tests.Events;

/// <summary>
/// Given the app settings, when events are registered, then Azure gets one identity-based ServiceBusClient, a developer's
/// machine a connection string, and the demo the outbox. Constructing a ServiceBusClient does not connect.
/// </summary>
public sealed class EventsServiceCollectionExtensionsTests
{
    private const string Namespace = "sb-impact60-test.servicebus.windows.net";
    private const string EmulatorConnectionString =
        "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

    private static ServiceProvider Build(Dictionary<string, string?> settings, string? outbox = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddImpact60Events(configuration, outbox is null ? null : o => o.OutboxFolder = outbox)
            .BuildServiceProvider();
    }

    [Theory]
    [InlineData(AppSettingNames.ServiceBusNamespace)]                 // as written in app settings
    [InlineData("ServiceBusConnection:fullyQualifiedNamespace")]      // as the environment provider maps "__"
    public async Task Given_the_namespace_setting_when_resolved_then_one_identity_based_client_sends_to_the_settlements_topic(string key)
    {
        await using var sp = Build(new() { [key] = Namespace, [AppSettingNames.ServiceBusClientId] = "00000000-0000-0000-0000-000000000001" });

        var client = sp.GetRequiredService<ServiceBusClient>();
        Assert.Equal(Namespace, client.FullyQualifiedNamespace);
        Assert.Same(client, sp.GetRequiredService<ServiceBusClient>());
        Assert.Equal(SettlementEventPublisher.Topic, sp.GetRequiredService<ServiceBusSender>().EntityPath);
        Assert.IsType<SettlementEventPublisher>(sp.GetRequiredService<ISettlementEventPublisher>());
    }

    [Fact]
    public async Task Given_both_namespace_and_connection_string_when_resolved_then_the_identity_path_wins()
    {
        await using var sp = Build(new()
        {
            [AppSettingNames.ServiceBusNamespace] = Namespace,
            [AppSettingNames.ServiceBusConnectionString] = EmulatorConnectionString,
        });

        Assert.Equal(Namespace, sp.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public async Task Given_only_a_connection_string_when_resolved_then_the_client_uses_it()
    {
        await using var sp = Build(new() { [AppSettingNames.ServiceBusConnectionString] = EmulatorConnectionString });

        Assert.Equal("localhost", sp.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.IsType<SettlementEventPublisher>(sp.GetRequiredService<ISettlementEventPublisher>());
    }

    [Fact]
    public async Task Given_no_service_bus_setting_when_resolved_then_the_outbox_sink_writes_to_the_given_folder()
    {
        var outbox = Path.Combine(Path.GetTempPath(), "impact60-demo-out", "events");
        await using var sp = Build(new() { [AppSettingNames.ServiceBusNamespace] = "  " }, outbox);

        var sink = Assert.IsType<LocalEventSink>(sp.GetRequiredService<ISettlementEventPublisher>());
        Assert.Equal(outbox, sink.Folder);
        Assert.Null(sp.GetService<ServiceBusClient>());
    }
}
