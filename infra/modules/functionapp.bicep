// The Function App on the Flex Consumption plan (FC1), running as the user-assigned identity.
// Every app setting is identity-based or a Key Vault reference; no connection string or key is stored.
// Corresponds to the Azure Verified Modules avm/res/web/serverfarm and avm/res/web/site.
//
// The app settings must be exactly what the code reads in Azure: tests/Impact60.Infra.Tests runs the app's
// composition root against these settings and records every key it reads, and reads functions.metadata for the
// host's %Setting% names and connections; a setting nothing reads, or a read setting missing here, fails it.

@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for every resource; the site also gets azd-service-name so `azd deploy` finds it.')
param tags object

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Blob endpoint of the storage account (https://<account>.blob.<suffix>/).')
param blobEndpoint string

@description('Queue endpoint of the storage account.')
param queueEndpoint string

@description('Table endpoint of the storage account.')
param tableEndpoint string

@description('Name of the blob container that holds the deployment package.')
param deploymentContainerName string

// Not usable to send telemetry once local auth is disabled, but kept out of the deployment history all the same.
@secure()
@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Name of the Key Vault the secret app settings refer to.')
param keyVaultName string

@description('Fully qualified Service Bus namespace (host name).')
param serviceBusNamespace string

@description('NCRONTAB schedule (UTC) of the nightly register pull.')
param nightlySchedule string

@description('NCRONTAB schedule (UTC) of the monthly settlement.')
param settlementSchedule string

@description('Path of the contract file, relative to the app root.')
param contractPath string

@description('Base URL of the jobcenter register API.')
param registerBaseUrl string

@description('Register API authentication: Entra (managed identity token) or ApiKey.')
param registerAuthMode string

@description('Entra scope of the register API token (e.g. api://<app-id>/.default).')
param registerScope string

@description('Header that carries the register API key when Register__AuthMode is ApiKey.')
param registerApiKeyHeader string

@description('SendGrid API host.')
param sendGridHost string

@description('Sender address of the notices.')
param noticesFrom string

@description('Language of the notices.')
param noticesLanguage string

@description('Resource id of the subnet (delegated to Microsoft.App/environments) the app is integrated into; empty for none.')
param virtualNetworkSubnetId string = ''

@description('Most instances the plan may scale out to.')
param maximumInstanceCount int = 40

@description('Memory per instance in MB.')
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references are resolved with the user-assigned identity (the default would be a system identity
    // this app does not have).
    keyVaultReferenceIdentity: identityId
    // Private networking: outbound traffic leaves through the integration subnet (private endpoints, NAT gateway).
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // A Linux app must route all traffic into the network for the platform to resolve Key Vault references
      // through the vault's private endpoint.
      vnetRouteAllEnabled: !empty(virtualNetworkSubnetId)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// No FTP or SCM basic-auth publishing: deployments go through Entra ID (azd / OIDC) only.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  // Secrets are Key Vault references (@Microsoft.KeyVault(...)), resolved by the platform with
  // keyVaultReferenceIdentity: the values never appear in the template, the parameters or the deployment history.
  properties: {
    // Host and app storage, identity-based (no AzureWebJobsStorage connection string).
    AzureWebJobsStorage__blobServiceUri: blobEndpoint
    AzureWebJobsStorage__queueServiceUri: queueEndpoint
    AzureWebJobsStorage__tableServiceUri: tableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId

    // Schedules: NCRONTAB in UTC (Flex Consumption on Linux ignores WEBSITE_TIME_ZONE).
    NightlySchedule: nightlySchedule
    SettlementSchedule: settlementSchedule

    Contract__Path: contractPath
    Pseudonymisation__Key: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=PseudonymisationKey)'

    Register__BaseUrl: registerBaseUrl
    Register__Programme: 'IMPACT60'
    Register__AuthMode: registerAuthMode
    Register__Scope: registerScope
    Register__ApiKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=RegisterApiKey)'
    Register__ApiKeyHeader: registerApiKeyHeader

    SendGrid__ApiKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=SendGridApiKey)'
    SendGrid__Host: sendGridHost
    Notices__From: noticesFrom
    Notices__Language: noticesLanguage

    // Service Bus, identity-based (no ServiceBusConnection connection string). Read by the app's own publisher
    // (a ServiceBusClient with DefaultAzureCredential for this client id), not by a Functions binding, so there
    // is no __credential setting: nothing would read it.
    ServiceBusConnection__fullyQualifiedNamespace: serviceBusNamespace
    ServiceBusConnection__clientId: identityClientId

    // DefaultAzureCredential (register API token) picks the user-assigned identity by this client id.
    AZURE_CLIENT_ID: identityClientId

    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    // Read by the platform: App Insights has local auth disabled, so telemetry is sent with the identity's token.
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
  }
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
