// Resource logs to the Log Analytics workspace: the audit trail an auditor queries (who read the pseudonymisation
// key, who read or wrote evidence blobs), the Functions host's own log, Service Bus and Event Grid failures, and
// the queue write log the poison-queue alert counts. How long each is kept and example queries: infra/README.md,
// "Audit logs". Corresponds to the diagnosticSettings of the Azure Verified Modules of each resource.
//
// Diagnostic settings are per service, not per container or secret: the blob setting logs every blob operation on
// the account (all containers, including the host's own), and the Key Vault one every vault operation.
//
// 2021-05-01-preview is the newest version of Microsoft.Insights/diagnosticSettings; its only GA version
// (2016-09-01) is the legacy "service diagnostic settings" API that fails for these resources, so
// use-recent-api-versions is silenced on each of these lines (infra/bicepconfig.json says when that is allowed).

@description('Resource id of the Log Analytics workspace that receives the logs.')
param workspaceId string

@description('Name of the storage account (blob and queue services).')
param storageAccountName string

@description('Name of the Key Vault that holds the pseudonymisation key.')
param keyVaultName string

@description('Name of the Function App.')
param functionAppName string

@description('Name of the Service Bus namespace.')
param serviceBusNamespaceName string

@description('True when the namespace is Premium: only Premium writes runtime audit logs (who sent what) and network filtering logs.')
param serviceBusPremium bool

@description('Name of the storage account\'s Event Grid system topic (inbox events).')
param inboxTopicName string

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'
  }

  resource queueService 'queueServices' existing = {
    name: 'default'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' existing = {
  name: serviceBusNamespaceName
}

resource inboxTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: inboxTopicName
}

// Every blob read, write and delete with the caller's identity (StorageBlobLogs): the evidence container holds the
// raw register deliveries with CPR numbers, documents the issued invoices. Blob names are logged as written; the
// jobcenter's inbox file names are theirs (infra/README.md, "Audit logs").
#disable-next-line use-recent-api-versions
resource blobAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-blob-access'
  scope: storage::blobService
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
  }
}

// Queue write logs (PutMessage, including the Functions host moving a message to a "-poison" queue) go to Log
// Analytics (StorageQueueLogs), where the poison-queue alert and the workbook count them. This is independent of
// the app's own logging and of Application Insights sampling.
#disable-next-line use-recent-api-versions
resource queueWrites 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'queue-writes'
  scope: storage::queueService
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'StorageWrite'
        enabled: true
      }
    ]
  }
}

// Every vault operation (AuditEvent, table AzureDiagnostics): SecretGet on PseudonymisationKey is the platform
// resolving the Key Vault reference with the app's identity, or a person reading the key.
#disable-next-line use-recent-api-versions
resource keyVaultAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-key-vault'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
  }
}

// The Functions host's and the app's log lines (FunctionAppLogs), unsampled, beside the Application Insights ones.
#disable-next-line use-recent-api-versions
resource functionLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'function-app-logs'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

// Management operations on the namespace (OperationalLogs: entities created, changed, deleted) in every tier; on
// Premium also every send and receive with its caller (RuntimeAuditLogs) and refused connections
// (VNetAndIPFilteringLogs). Resource-specific tables (AZMSOperationalLogs, AZMSRunTimeAuditLogs, AZMSVnetConnectionEvents).
#disable-next-line use-recent-api-versions
resource serviceBusAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-service-bus'
  scope: namespace
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: concat(
      [
        {
          category: 'OperationalLogs'
          enabled: true
        }
      ],
      serviceBusPremium
        ? [
            {
              category: 'RuntimeAuditLogs'
              enabled: true
            }
            {
              category: 'VNetAndIPFilteringLogs'
              enabled: true
            }
          ]
        : []
    )
  }
}

// An inbox event Event Grid could not deliver to the ingest queue, with the reason (AegDeliveryFailureLogs); the
// dead-letter alert says that it happened, this says why.
#disable-next-line use-recent-api-versions
resource inboxDeliveryFailures 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'delivery-failures'
  scope: inboxTopic
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        category: 'DeliveryFailures'
        enabled: true
      }
    ]
  }
}
