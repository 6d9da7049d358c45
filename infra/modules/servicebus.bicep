// Service Bus namespace with the "settlements" topic the parties' systems subscribe to.
// Standard tier: topics and duplicate detection need it (Basic has queues only).
// Corresponds to the Azure Verified Module avm/res/service-bus/namespace.

@description('Name of the Service Bus namespace.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the topic that carries SettlementIssued events.')
param topicName string

// One subscription per party that consumes SettlementIssued events.
var subscriptionNames = [
  'fokus'
  'funds'
  'finance'
]

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // Entra ID only: SAS keys and connection strings are refused.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2026-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    // A settlement re-published after a retry (same MessageId) reaches the parties once.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P7D'
    defaultMessageTimeToLive: 'P14D'
    supportOrdering: true
  }
}

resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2026-01-01' = [
  for subscriptionName in subscriptionNames: {
    parent: topic
    name: subscriptionName
    properties: {
      maxDeliveryCount: 10
      deadLetteringOnMessageExpiration: true
      defaultMessageTimeToLive: 'P14D'
    }
  }
]

output id string = namespace.id
output name string = namespace.name
output topicName string = topic.name
// The host name only (e.g. sb-x.servicebus.windows.net), derived from the endpoint so no cloud suffix is hard-coded.
output fullyQualifiedNamespace string = split(split(split(namespace.properties.serviceBusEndpoint, '//')[1], '/')[0], ':')[0]
