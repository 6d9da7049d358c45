using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Impact60.Application.Configuration;
using Microsoft.Extensions.Configuration;

namespace Impact60.Application.Storage;

/// <summary>
/// The one place that builds the Azure Storage clients (Tables, Blobs, Queues), once, for the whole app.
/// In Azure the app uses its managed identity (<c>AzureWebJobsStorage__blobServiceUri</c> etc.); a connection
/// string in <c>AzureWebJobsStorage</c> is for local runs against Azurite only.
/// </summary>
public sealed class StorageClients
{
    /// <summary>The value of <c>AzureWebJobsStorage__credential</c> that asks for the app's managed identity (as the Functions host reads it).</summary>
    public const string ManagedIdentity = "managedidentity";

    public StorageClients(TableServiceClient tables, BlobServiceClient blobs, QueueServiceClient queues, TokenCredential? credential = null)
    {
        Tables = tables;
        Blobs = blobs;
        Queues = queues;
        Credential = credential;
    }

    /// <summary>The identity the clients authenticate with; null for a connection string (shared key, local only).</summary>
    public TokenCredential? Credential { get; }

    public TableServiceClient Tables { get; }
    public BlobServiceClient Blobs { get; }
    public QueueServiceClient Queues { get; }

    public TableClient Table(string name) => Tables.GetTableClient(name);
    public BlobContainerClient Container(string name) => Blobs.GetBlobContainerClient(name);
    public QueueClient Queue(string name) => Queues.GetQueueClient(name);

    // Base64 so that messages we enqueue are read by the Functions queue trigger, whose default encoding it is.
    private static QueueClientOptions QueueOptions => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    public static StorageClients FromConnectionString(string connectionString) =>
        new(new TableServiceClient(connectionString),
            new BlobServiceClient(connectionString),
            new QueueServiceClient(connectionString, QueueOptions));

    public static StorageClients FromConfiguration(IConfiguration configuration)
    {
        var connectionString = AppSettings.Read(configuration, AppSettingNames.Storage);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            if (!connectionString.Contains('='))
                throw new InvalidOperationException(
                    $"'{AppSettingNames.Storage}' must be a storage connection string (locally: UseDevelopmentStorage=true or Azurite's); in Azure leave it unset and set '{AppSettingNames.StorageBlobServiceUri}', '{AppSettingNames.StorageQueueServiceUri}' and '{AppSettingNames.StorageTableServiceUri}'.");
            return FromConnectionString(connectionString);
        }

        var blobUri = AppSettings.Read(configuration, AppSettingNames.StorageBlobServiceUri);
        var queueUri = AppSettings.Read(configuration, AppSettingNames.StorageQueueServiceUri);
        var tableUri = AppSettings.Read(configuration, AppSettingNames.StorageTableServiceUri);
        if (string.IsNullOrWhiteSpace(blobUri) || string.IsNullOrWhiteSpace(queueUri) || string.IsNullOrWhiteSpace(tableUri))
            throw new InvalidOperationException(
                $"Storage is not configured: set '{AppSettingNames.StorageBlobServiceUri}', '{AppSettingNames.StorageQueueServiceUri}' and '{AppSettingNames.StorageTableServiceUri}' (managed identity, in Azure) or '{AppSettingNames.Storage}' to a connection string (locally).");

        var credential = IdentityCredential(
            AppSettings.Read(configuration, AppSettingNames.StorageCredential), AppSettings.Read(configuration, AppSettingNames.StorageClientId));
        return new StorageClients(
            new TableServiceClient(ParseUri(tableUri, AppSettingNames.StorageTableServiceUri), credential),
            new BlobServiceClient(ParseUri(blobUri, AppSettingNames.StorageBlobServiceUri), credential),
            new QueueServiceClient(ParseUri(queueUri, AppSettingNames.StorageQueueServiceUri), credential, QueueOptions),
            credential);
    }

    /// <summary>
    /// The Functions host's convention: <c>__credential</c> = <c>managedidentity</c> is the app's managed identity, the
    /// user-assigned one when <c>__clientId</c> is set (what the Bicep deploys). Unset (e.g. an operator's CLI against Azure):
    /// DefaultAzureCredential, which also finds an <c>az login</c>.
    /// </summary>
    private static TokenCredential IdentityCredential(string? credential, string? clientId)
    {
        var userAssigned = string.IsNullOrWhiteSpace(clientId) ? null : clientId.Trim();
        if (string.IsNullOrWhiteSpace(credential))
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = userAssigned });
        if (!credential.Trim().Equals(ManagedIdentity, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"'{AppSettingNames.StorageCredential}' must be '{ManagedIdentity}' (or unset), not '{credential}'.");
        return new ManagedIdentityCredential(userAssigned is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(userAssigned));
    }

    private static Uri ParseUri(string value, string setting) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"'{setting}' must be an absolute URI, e.g. https://<account>.blob.core.windows.net.");

    /// <summary>Creates every table, container and queue Impact60 uses, if missing. For local runs and tests (Bicep creates them in Azure).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        var tasks = new List<Task>();
        tasks.AddRange(Names(typeof(StorageNames.Tables)).Select(n => Tables.CreateTableIfNotExistsAsync(n, cancellationToken)));
        tasks.AddRange(Names(typeof(StorageNames.Containers)).Select(n => Container(n).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        tasks.AddRange(Names(typeof(StorageNames.Queues)).Select(n => Queue(n).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static IEnumerable<string> Names(Type holder) =>
        holder.GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
}

/// <summary>Reads an app setting by its deployed name (<c>Section__Key</c>) whether the configuration source kept the
/// double underscore or turned it into a section separator (environment variables do).</summary>
public static class AppSettings
{
    public static string? Read(IConfiguration configuration, string appSettingName) =>
        configuration[appSettingName.Replace("__", ":", StringComparison.Ordinal)] ?? configuration[appSettingName];
}
