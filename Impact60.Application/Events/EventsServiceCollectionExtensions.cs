using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Impact60.Application.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Impact60.Application.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISettlementEventPublisher"/>. In Azure: ONE <see cref="ServiceBusClient"/>, identity-based
    /// from <see cref="AppSettingNames.ServiceBusNamespace"/> with <see cref="DefaultAzureCredential"/> (user-assigned
    /// identity from <see cref="AppSettingNames.ServiceBusClientId"/>), and a sender for
    /// <see cref="SettlementEventPublisher.Topic"/>. On a developer's machine a connection string in
    /// <see cref="AppSettingNames.ServiceBusConnectionString"/> works too. With neither (the local demo), messages go to
    /// files through <see cref="LocalEventSink"/> in <see cref="EventsOptions.OutboxFolder"/>.
    /// </summary>
    /// <param name="configureOutbox">Sets <see cref="EventsOptions.OutboxFolder"/> (the demo passes its output folder);
    /// not read from app settings, since only the local demo uses it.</param>
    public static IServiceCollection AddImpact60Events(this IServiceCollection services, IConfiguration configuration,
        Action<EventsOptions>? configureOutbox = null)
    {
        var options = services.AddOptions<EventsOptions>();
        if (configureOutbox is not null) options.Configure(configureOutbox);

        var ns = Read(configuration, AppSettingNames.ServiceBusNamespace);
        var connectionString = Read(configuration, AppSettingNames.ServiceBusConnectionString);

        if (ns is not null)
        {
            var clientId = Read(configuration, AppSettingNames.ServiceBusClientId);
            // Creating the client does not connect: the first send opens the AMQP link and fetches the token.
            services.TryAddSingleton(_ => new ServiceBusClient(ns,
                new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId })));
        }
        else if (connectionString is not null)
        {
            services.TryAddSingleton(_ => new ServiceBusClient(connectionString));
        }
        else
        {
            services.TryAddSingleton<LocalEventSink>();
            services.TryAddSingleton<ISettlementEventPublisher>(sp => sp.GetRequiredService<LocalEventSink>());
            return services;
        }

        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceBusClient>().CreateSender(SettlementEventPublisher.Topic));
        services.TryAddSingleton<ISettlementEventPublisher, SettlementEventPublisher>();
        return services;
    }

    // App settings use "__" as the section separator; IConfiguration may hold either form.
    private static string? Read(IConfiguration configuration, string name) =>
        (configuration[name.Replace("__", ":", StringComparison.Ordinal)] ?? configuration[name]) is { Length: > 0 } v && !string.IsNullOrWhiteSpace(v)
            ? v.Trim()
            : null;
}
