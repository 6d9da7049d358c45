namespace Impact60.Application.Configuration;

/// <summary>
/// The app setting names the code reads, as constants. The infrastructure tests do not trust this list: they run
/// the app's composition against the settings infra/main.bicep deploys and record what it actually reads, and
/// check both ways (and that every name here is read by something). In app settings a section separator is
/// written <c>__</c> (e.g. <c>Register__BaseUrl</c>); in code it is read as <c>Register:BaseUrl</c>.
/// </summary>
public static class AppSettingNames
{
    // Storage: a connection string locally (UseDevelopmentStorage=true or Azurite's), identity-based in Azure.
    [LocalOnly] public const string Storage = "AzureWebJobsStorage";
    public const string StorageBlobServiceUri = "AzureWebJobsStorage__blobServiceUri";
    public const string StorageQueueServiceUri = "AzureWebJobsStorage__queueServiceUri";
    public const string StorageTableServiceUri = "AzureWebJobsStorage__tableServiceUri";
    public const string StorageCredential = "AzureWebJobsStorage__credential";
    public const string StorageClientId = "AzureWebJobsStorage__clientId";

    // Schedules (NCRONTAB, UTC): read by the Functions host through %...% in the trigger attributes.
    public const string NightlySchedule = "NightlySchedule";
    public const string SettlementSchedule = "SettlementSchedule";

    // The contract and the pseudonymisation key.
    public const string ContractPath = "Contract__Path";
    public const string PseudonymisationKey = "Pseudonymisation__Key";

    // The register API.
    public const string RegisterBaseUrl = "Register__BaseUrl";
    public const string RegisterProgramme = "Register__Programme";
    public const string RegisterAuthMode = "Register__AuthMode";
    public const string RegisterScope = "Register__Scope";
    public const string RegisterApiKey = "Register__ApiKey";
    public const string RegisterApiKeyHeader = "Register__ApiKeyHeader";

    // E-mail.
    public const string SendGridApiKey = "SendGrid__ApiKey";
    public const string SendGridHost = "SendGrid__Host";
    public const string NoticesFrom = "Notices__From";
    public const string NoticesLanguage = "Notices__Language";
    [LocalOnly] public const string NoticesPickupFolder = "Notices__PickupFolder";

    // Service Bus: identity-based in Azure (the app's own client, DefaultAzureCredential for this client id; no
    // Functions binding uses the connection, so no __credential), a connection string only locally.
    public const string ServiceBusNamespace = "ServiceBusConnection__fullyQualifiedNamespace";
    public const string ServiceBusClientId = "ServiceBusConnection__clientId";
    [LocalOnly] public const string ServiceBusConnectionString = "ServiceBusConnection";

    // Identity used by Azure.Identity's DefaultAzureCredential for the register API token.
    public const string AzureClientId = "AZURE_CLIENT_ID";
    public const string ApplicationInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";
}

/// <summary>
/// Marks an <see cref="AppSettingNames"/> entry that is only set on a developer's machine (a connection string to
/// Azurite, the e-mail pickup folder). Azure uses the identity-based settings instead, so infra/main.bicep must
/// not set these; the infrastructure tests check that it does not.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class LocalOnlyAttribute : Attribute;
