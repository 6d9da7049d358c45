// Service Bus namespace with the "settlements" topic the parties' systems subscribe to.
// Standard tier: topics and duplicate detection need it (Basic has queues only). With private networking Premium
// (one messaging unit): private endpoints and network rules exist only in Premium. The parties' systems receive
// from outside our network, so they are let in by address (allowedIpRanges); with none listed, public access is off
// and a party needs its own private endpoint (infra/README.md, "Private networking").
// Corresponds to the Azure Verified Module avm/res/service-bus/namespace.

@description('Name of the Service Bus namespace.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the topic that carries SettlementIssued events.')
param topicName string

@description('True for private networking: Premium tier, a private endpoint, public access only from the addresses below.')
param vnetEnabled bool

@description('Public IPv4 addresses or CIDR ranges of the parties\' receiving systems, let through when vnetEnabled; empty: public access disabled.')
param allowedIpRanges array

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
  sku: vnetEnabled
    ? {
        name: 'Premium'
        tier: 'Premium'
        capacity: 1
      }
    : {
        name: 'Standard'
        tier: 'Standard'
      }
  properties: {
    // Entra ID only: SAS keys and connection strings are refused.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: vnetEnabled && empty(allowedIpRanges) ? 'Disabled' : 'Enabled'
  }
}

// Premium only: deny every public caller but the parties' listed addresses (the app comes through the private
// endpoint). No trusted-services bypass: no Azure service needs to reach this namespace.
resource networkRules 'Microsoft.ServiceBus/namespaces/networkRuleSets@2026-01-01' = if (vnetEnabled) {
  parent: namespace
  name: 'default'
  properties: {
    publicNetworkAccess: empty(allowedIpRanges) ? 'Disabled' : 'Enabled'
    defaultAction: 'Deny'
    trustedServiceAccessEnabled: false
    ipRules: map(allowedIpRanges, range => {
      ipMask: range
      action: 'Allow'
    })
    virtualNetworkRules: []
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
