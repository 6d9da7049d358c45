// Least-privilege role assignments (the app's identity, the inbox's Event Grid topic, the operator and the
// jobcenter's uploader), each scoped to the one resource it is about
// (never the subscription or resource group), each named guid(scope, principalId, roleId) so redeploying is
// idempotent. Corresponds to the Azure Verified Module avm/ptn/authorization/resource-role-assignment.

@description('Principal (object) id of the app\'s user-assigned identity.')
param appPrincipalId string

@description('Object id of the operator (a person or an operators group) who sets the Key Vault secrets after deployment; named explicitly (azd: IMPACT60_OPERATOR_PRINCIPAL_ID), never taken from whoever deploys; empty for none.')
param operatorPrincipalId string = ''

@description('Type of the operator principal.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

@description('Principal (object) id of the system-assigned identity of the storage account\'s Event Grid system topic.')
param inboxEventsPrincipalId string

@description('Object id of the jobcenter\'s uploader that writes register files into the inbox (azd: IMPACT60_INBOX_UPLOADER_PRINCIPAL_ID); empty for none.')
param inboxUploaderPrincipalId string = ''

@description('Type of the uploader principal.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param inboxUploaderPrincipalType string = 'ServicePrincipal'

param storageAccountName string
param inboxContainerName string
param deadLetterContainerName string
param serviceBusNamespaceName string
param topicName string
param keyVaultName string
param applicationInsightsName string

// Built-in role definition ids (the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource inbox 'containers' existing = {
      name: inboxContainerName
    }

    resource deadLetters 'containers' existing = {
      name: deadLetterContainerName
    }
  }
}

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' existing = {
  name: serviceBusNamespaceName

  resource topic 'topics' existing = {
    name: topicName
  }
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Owner, not Contributor: the Functions host takes blob leases and manages its own containers
// (azure-webjobs-hosts, -secrets), and Flex Consumption reads the deployment package with this identity.
// Data-plane only: it cannot change the account or remove the WORM policies.
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Queue triggers read and delete messages, the app enqueues verify/notices/ingest, the host moves poison messages.
resource queueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Participant weeks, entitlements, the ledger and document numbers live in Tables.
resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The app only publishes SettlementIssued: send rights on the one topic, no receive, no management.
resource topicSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace::topic.id, appPrincipalId, roles.serviceBusDataSender)
  scope: namespace::topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault references: read secret values, nothing else (cannot list keys, set or delete secrets).
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// App Insights has local auth disabled: sending telemetry needs this role on the component.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The operator sets and rotates the three secrets after deployment (RBAC vault: even the subscription owner
// needs a data-plane role for that). Optional; only on this vault.
resource operatorSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}

// Event Grid puts one message on the "ingest" queue per file dropped into the inbox, with the topic's own
// identity (shared keys are off). Message Sender only adds messages: it cannot read, delete or peek at any queue.
// On the account, the scope Event Grid documents for Storage queue destinations (entity-level scope is
// documented only for Service Bus and Event Hubs); the identity belongs to the system topic and is used only by
// Event Grid for this topic's subscriptions.
resource inboxEventsQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, inboxEventsPrincipalId, roles.storageQueueDataMessageSender)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataMessageSender)
    principalId: inboxEventsPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// An event Event Grid could not deliver is written as a blob into the dead-letter container: write rights on
// that one container only (Storage Blob Data Contributor is the built-in role Event Grid documents for it).
resource inboxEventsDeadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::deadLetters.id, inboxEventsPrincipalId, roles.storageBlobDataContributor)
  scope: storage::blobService::deadLetters
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: inboxEventsPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The jobcenter's uploader writes register files into the inbox, and reads the "<file>.error.txt" report the
// processor leaves beside a rejected file. Optional; on the inbox container only, so it cannot see evidence,
// documents or any other container. Contributor is the narrowest built-in data role that can write (there is no
// write-only one, and a custom role would need subscription-level rights to create).
resource inboxUploader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(inboxUploaderPrincipalId)) {
  name: guid(storage::blobService::inbox.id, inboxUploaderPrincipalId, roles.storageBlobDataContributor)
  scope: storage::blobService::inbox
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: inboxUploaderPrincipalId
    principalType: inboxUploaderPrincipalType
  }
}
