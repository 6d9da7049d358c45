// The app's storage account (also the Functions host storage and the Flex Consumption deployment store).
// Secure by default: no shared keys (identity only), TLS 1.2, HTTPS only, no anonymous blob access.
// Corresponds to the Azure Verified Module avm/res/storage/storage-account.
//
// The container, queue and table names must equal Impact60.Application/Configuration/StorageNames.cs;
// tests/Impact60.Infra.Tests compares the compiled template with that class.

@description('Name of the storage account (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Days a blob in the evidence and documents containers cannot be changed or deleted (WORM).')
param retentionDays int

@description('True for private networking: the firewall denies every public caller except the addresses below and trusted Azure services.')
param vnetEnabled bool

@description('Public IPv4 addresses or CIDR ranges let through the firewall when vnetEnabled (the jobcenter\'s uploader, operators).')
param allowedIpRanges array

@description('Container for the inbox events Event Grid could not deliver (infra/modules/eventgrid-subscription.bicep).')
param deadLetterContainerName string

// Containers whose blobs may change or be removed (inbox drops, quarantine reports, the deployment package).
var containerNames = [
  'register-inbox'
  'quarantine'
  'deployments'
]

// Raw register deliveries and issued invoices/credit notes are bookkeeping records (regnskabsmateriale):
// these containers keep every blob unchangeable for the retention period.
var wormContainerNames = [
  'evidence'
  'documents'
]

// Every trigger queue has its poison queue created up front, so the poison-queue alert and the operator's
// replay have something to look at before the first failure.
var queueNames = [
  'verify'
  'verify-poison'
  'notices'
  'notices-poison'
  'ingest'
  'ingest-poison'
]

var tableNames = [
  'Referrals'
  'RegisterWeeks'
  'Deliveries'
  'Cursors'
  'Entitlements'
  'Ledger'
  'DocumentNumbers'
  'NoticesSent'
]

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    // Identity only: a leaked account key or SAS is worthless because neither is accepted.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    allowCrossTenantReplication: false
    accessTier: 'Hot'
    // With private networking the app reaches the account through its private endpoints and the firewall denies
    // every other caller but the listed addresses and trusted Azure services. Public network access stays
    // "Enabled" (from selected networks) rather than "Disabled" on purpose: Disabled would also switch off the
    // trusted-services exception, and Event Grid, which is not in our network, delivers the inbox's BlobCreated
    // events to the ingest queue and writes dead letters into this account through exactly that exception, with
    // the system topic's system-assigned identity (a user-assigned identity is refused there).
    publicNetworkAccess: 'Enabled'
    networkAcls: vnetEnabled
      ? {
          defaultAction: 'Deny'
          bypass: 'AzureServices'
          ipRules: map(allowedIpRanges, range => {
            value: range
            action: 'Allow'
          })
          virtualNetworkRules: []
        }
      : {
          defaultAction: 'Allow'
          bypass: 'AzureServices'
        }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Every overwrite keeps the previous version; together with the WORM policy below nothing is lost.
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: 30
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 30
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource wormContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = [
  for containerName in wormContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// Time-based retention (container-level WORM). Bogføringsloven § 12: bookkeeping material is kept for 5 years
// from the end of the financial year it concerns, so a record written on 1 January must survive that year plus
// 5 more: 6 calendar years, and six consecutive years can hold two leap days (2027-2032: 2028 and 2032), so
// 6 * 365 + 2 = 2192 days by default. Azure creates a policy Unlocked; lock it once after the first deployment
// (infra/README.md, "Lock the retention policies") so nobody can shorten or remove it.
// Not the app's: Event Grid writes an inbox event here when it gives up delivering it to the ingest queue.
resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource immutabilityPolicies 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2026-09-01' = [
  for (containerName, i) in wormContainerNames: {
    parent: wormContainers[i]
    name: 'default'
    properties: {
      immutabilityPeriodSinceCreationInDays: retentionDays
      allowProtectedAppendWrites: false
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2026-09-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-09-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2026-09-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-09-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

output id string = storage.id
output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
