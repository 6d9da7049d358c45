using Azure.Identity;
using Impact60.Application.Configuration;
using Impact60.Application.Hosting;
using Impact60.Application.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Impact60.Application.Tests.Storage;

/// <summary>How the storage clients are built from the settings the Bicep deploys (identity-based, no connection string).</summary>
public sealed class StorageClientsTests
{
    /// <summary>The app settings as infra/main.bicep sets them for the app's user-assigned identity.</summary>
    private static Dictionary<string, string?> IdentitySettings() => new()
    {
        [AppSettingNames.StorageBlobServiceUri] = "https://stimpact60.blob.core.windows.net",
        [AppSettingNames.StorageQueueServiceUri] = "https://stimpact60.queue.core.windows.net",
        [AppSettingNames.StorageTableServiceUri] = "https://stimpact60.table.core.windows.net",
        [AppSettingNames.StorageCredential] = "managedidentity",
        [AppSettingNames.StorageClientId] = "6f1b7c34-0000-4000-8000-000000000001",
    };

    /// <summary>As the worker sees them: environment variables, whose provider turns <c>__</c> into <c>:</c>.</summary>
    private static IConfiguration AsEnvironment(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => kv.Value)).Build();

    [Fact]
    public void Given_the_identity_based_settings_and_no_connection_string_when_the_clients_are_built_then_each_points_at_its_service_with_the_managed_identity()
    {
        var clients = StorageClients.FromConfiguration(AsEnvironment(IdentitySettings()));

        Assert.Equal(new Uri("https://stimpact60.blob.core.windows.net"), clients.Blobs.Uri);
        Assert.Equal(new Uri("https://stimpact60.queue.core.windows.net"), clients.Queues.Uri);
        Assert.Equal(new Uri("https://stimpact60.table.core.windows.net"), clients.Tables.Uri);
        Assert.Equal("stimpact60", clients.Blobs.AccountName);
        Assert.Equal(new Uri("https://stimpact60.blob.core.windows.net/register-inbox"), clients.Container(StorageNames.Containers.RegisterInbox).Uri);
        Assert.Equal(new Uri("https://stimpact60.queue.core.windows.net/ingest"), clients.Queue(StorageNames.Queues.Ingest).Uri);
        Assert.IsType<ManagedIdentityCredential>(clients.Credential);
        // No shared key anywhere: the account disallows it in Azure (allowSharedKeyAccess: false).
        Assert.False(clients.Blobs.CanGenerateAccountSasUri);
    }

    [Fact]
    public void Given_the_settings_with_double_underscores_kept_when_the_clients_are_built_then_they_are_read_the_same()
    {
        var clients = StorageClients.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(IdentitySettings()).Build());

        Assert.Equal(new Uri("https://stimpact60.table.core.windows.net"), clients.Tables.Uri);
        Assert.IsType<ManagedIdentityCredential>(clients.Credential);
    }

    [Fact]
    public void Given_the_service_uris_without_a_credential_setting_when_the_clients_are_built_then_DefaultAzureCredential_is_used_for_an_operator_run()
    {
        var settings = IdentitySettings();
        settings.Remove(AppSettingNames.StorageCredential);

        var clients = StorageClients.FromConfiguration(AsEnvironment(settings));

        Assert.IsType<DefaultAzureCredential>(clients.Credential);
    }

    [Fact]
    public void Given_an_unknown_credential_setting_when_the_clients_are_built_then_it_fails_naming_the_setting()
    {
        var settings = IdentitySettings();
        settings[AppSettingNames.StorageCredential] = "connectionstring";

        var failure = Assert.Throws<InvalidOperationException>(() => StorageClients.FromConfiguration(AsEnvironment(settings)));

        Assert.Equal("'AzureWebJobsStorage__credential' must be 'managedidentity' (or unset), not 'connectionstring'.", failure.Message);
    }

    [Fact]
    public void Given_a_connection_string_when_the_clients_are_built_then_no_identity_is_used()
    {
        var clients = StorageClients.FromConfiguration(AsEnvironment(new() { [AppSettingNames.Storage] = "UseDevelopmentStorage=true" }));

        Assert.Null(clients.Credential);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), clients.Blobs.Uri);
    }

    [Fact]
    public async Task Given_only_the_identity_based_settings_and_the_key_when_the_host_starts_then_start_up_validation_passes_without_a_connection_string()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = IdentitySettings();
        settings[AppSettingNames.PseudonymisationKey] = StorageTestHost.TestKey;
        builder.Configuration.AddConfiguration(AsEnvironment(settings));
        builder.Services.AddImpact60Ingestion(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync(); // no network: building the clients contacts nothing

        Assert.Equal(new Uri("https://stimpact60.queue.core.windows.net"), host.Services.GetRequiredService<StorageClients>().Queues.Uri);
        await host.StopAsync();
    }
}
