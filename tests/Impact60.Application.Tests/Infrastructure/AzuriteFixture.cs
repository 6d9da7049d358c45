using Impact60.Application.Storage;

namespace Impact60.Application.Tests.Infrastructure;

/// <summary>
/// One real Azurite (in memory, loopback, free ports) for every test class in the "Azurite" collection, started once
/// and killed at the end. Isolation: xunit runs the classes of one collection one test at a time, and each test starts
/// from <see cref="CleanStorageAsync"/>, which deletes every table, container and queue and creates Impact60's again —
/// so no test sees another's data and production code keeps its real names (no test-only prefixes).
/// Fails (does not skip) when Azurite is not installed: run ./test.sh or scripts/setup.sh.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteLauncher? _azurite;

    public string ConnectionString => (_azurite ?? throw new InvalidOperationException("Azurite has not started.")).ConnectionString;

    public async Task InitializeAsync() => _azurite = await AzuriteLauncher.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    /// <summary>Empties the emulator and creates Impact60's tables, containers and queues.</summary>
    public async Task<StorageClients> CleanStorageAsync()
    {
        var clients = StorageClients.FromConnectionString(ConnectionString);
        await foreach (var t in clients.Tables.QueryAsync()) await clients.Tables.DeleteTableAsync(t.Name);
        await foreach (var c in clients.Blobs.GetBlobContainersAsync()) await clients.Blobs.DeleteBlobContainerAsync(c.Name);
        await foreach (var q in clients.Queues.GetQueuesAsync()) await clients.Queues.DeleteQueueAsync(q.Name);
        await clients.EnsureCreatedAsync();
        return clients;
    }
}

[CollectionDefinition("Azurite")]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
