// The Event Grid system topic of the storage account: the source of the BlobCreated events that announce a file
// the jobcenter dropped into the register inbox (the subscription is infra/modules/eventgrid-subscription.bicep).
// Corresponds to the Azure Verified Module avm/res/event-grid/system-topic.
//
// Its system-assigned identity delivers the events (no SAS, no key: the storage account refuses shared keys).
// System-assigned rather than the app's user-assigned identity: Event Grid can deliver to a storage account that
// later gets a firewall ("trusted Azure services") only with a system-assigned identity, and the app's identity
// need not be able to do what Event Grid does, nor the other way round.

@description('Name of the system topic.')
param name string

@description('Azure region; a system topic lives in the region of its source, the storage account.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the storage account whose blob events the topic publishes.')
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output id string = topic.id
output name string = topic.name
output principalId string = topic.identity.principalId
