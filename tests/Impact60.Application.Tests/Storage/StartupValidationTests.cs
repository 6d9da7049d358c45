using Impact60.Application.Hosting;
using Impact60.Application.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Tests.Storage;

/// <summary>A bad setting stops the host at start-up with a message naming the setting, not at 02:00 the first night.</summary>
public sealed class StartupValidationTests
{
    private const string Azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private static async Task<OptionsValidationException> StartFailsAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddImpact60Ingestion(builder.Configuration);
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task Given_no_pseudonymisation_key_when_the_host_starts_then_it_fails_naming_the_setting()
    {
        var failure = await StartFailsAsync(new() { ["AzureWebJobsStorage"] = Azurite });

        Assert.Contains("The pseudonymisation key is missing: set 'Pseudonymisation__Key'", failure.Message);
    }

    [Fact]
    public async Task Given_a_pseudonymisation_key_of_16_bytes_when_the_host_starts_then_it_fails_saying_it_must_be_32()
    {
        var failure = await StartFailsAsync(new() { ["AzureWebJobsStorage"] = Azurite, ["Pseudonymisation:Key"] = Convert.ToBase64String(new byte[16]) });

        Assert.Contains("is 16 bytes; it must be at least 32", failure.Message);
    }

    [Fact]
    public async Task Given_no_storage_settings_when_the_host_starts_then_it_fails_naming_both_ways_to_configure_storage()
    {
        var failure = await StartFailsAsync(new() { ["Pseudonymisation__Key"] = StorageTestHost.TestKey });

        Assert.Contains("AzureWebJobsStorage__blobServiceUri", failure.Message);
        Assert.Contains("'AzureWebJobsStorage' to a connection string", failure.Message);
    }

    [Fact]
    public async Task Given_valid_settings_when_the_host_starts_then_it_starts()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azurite, ["Pseudonymisation__Key"] = StorageTestHost.TestKey });
        builder.Services.AddImpact60Ingestion(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<Impact60.Domain.Primitives.Pseudonymizer>());
        await host.StopAsync();
    }
}
