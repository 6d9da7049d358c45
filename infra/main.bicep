// Impact60 in Azure: a Flex Consumption Function App with its storage (and the Event Grid wiring that turns a
// file dropped into the register inbox into an "ingest" message), Service Bus topic, Key Vault, monitoring,
// alerts, the audit logs (diagnostic settings to Log Analytics), an operations workbook and, as an option
// (vnetEnabled), private networking. Deployed into one resource group by `azd up` (azure.yaml) or
// `az deployment group create -g RG -f infra/main.bicep -p infra/main.parameters.json` (infra/README.md).
//
// Secure by default: no connection strings or keys anywhere (managed identity and Key Vault references),
// shared keys / SAS / local auth disabled on storage, Service Bus and App Insights, TLS 1.2, and each role
// assignment scoped to the one resource it is about.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (e.g. dev, prod); part of every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of every resource. Must offer Flex Consumption.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string = resourceGroup().location

@description('E-mail address that receives the alerts (poison queue, function failure, missed nightly run).')
param alertEmail string

@description('Base URL of the jobcenter register API.')
param registerBaseUrl string

@description('Entra scope of the register API token, e.g. api://<register-app-id>/.default.')
param registerScope string

@description('Register API authentication: Entra (token for the app\'s identity) or ApiKey (secret RegisterApiKey in Key Vault).')
@allowed([
  'Entra'
  'ApiKey'
])
param registerAuthMode string = 'Entra'

@description('Header that carries the register API key when registerAuthMode is ApiKey.')
param registerApiKeyHeader string = 'X-Api-Key'

@description('Sender address of the notices (must be a verified SendGrid sender).')
param noticesFrom string

@description('Language of the notices.')
@allowed([
  'da'
  'en'
])
param noticesLanguage string = 'da'

@description('SendGrid API host.')
param sendGridHost string = 'https://api.sendgrid.com'

// Schedules are NCRONTAB in UTC: Flex Consumption runs on Linux, where WEBSITE_TIME_ZONE is not supported.
// 01:00 UTC is 02:00 Danish winter time (CET) and 03:00 summer time (CEST); the register is final by then
// either way, so the hour moving with daylight saving time is accepted rather than adding a second trigger.
@description('NCRONTAB schedule (UTC) of the nightly register pull. Default: 01:00 UTC every day.')
param nightlySchedule string = '0 0 1 * * *'

@description('NCRONTAB schedule (UTC) of the monthly settlement. Default: 06:00 UTC on the 1st of each month.')
param settlementSchedule string = '0 0 6 1 * *'

@description('Path of the contract file, relative to the app root.')
param contractPath string = 'contracts/impact60.contract.json'

// Bogføringsloven § 12: bookkeeping material is kept for 5 years from the end of the financial year it
// concerns (here the calendar year). A document written on 1 January must therefore survive the rest of that
// year plus 5 more years: 6 calendar years, which can hold two leap days (a blob of 1 January 2027 must last
// to the end of 2032, past 29 February 2028 and 2032): 6 * 365 + 2 = 2192 days.
@description('Days raw register deliveries (evidence) and issued documents stay unchangeable (WORM).')
@minValue(1)
@maxValue(146000)
param retentionDays int = 2192

// The audit trail (Key Vault AuditEvent, blob reads and writes, Service Bus and Event Grid logs) and the telemetry
// live in the one workspace; a year lets an auditor look back over a whole financial year and its closing.
@description('Days the Log Analytics workspace keeps every log: audit logs, Functions logs and Application Insights telemetry (30-730).')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 365

// Private networking (infra/README.md, "Private networking"): off by default, because it costs a Service Bus
// Premium namespace and private endpoints, and because every caller from outside (the jobcenter's uploader, the
// operators, the parties' systems) must then be let in by address.
@description('Private networking: VNet integration, private endpoints for storage, Key Vault and Service Bus (Premium), a NAT gateway; azd reads it from IMPACT60_VNET_ENABLED.')
param vnetEnabled bool = false

@description('Address space of the virtual network when vnetEnabled (a /23 or larger).')
param vnetAddressPrefix string = '10.60.0.0/23'

@description('Public IPv4 addresses or CIDR ranges allowed through the storage firewall when vnetEnabled: the jobcenter\'s uploader and operators.')
param storageAllowedIpRanges array = []

@description('Public IPv4 addresses or CIDR ranges allowed to reach Key Vault when vnetEnabled (operators setting secrets); empty: private endpoint only.')
param keyVaultAllowedIpRanges array = []

@description('Public IPv4 addresses or CIDR ranges allowed to reach Service Bus when vnetEnabled (the parties\' receiving systems); empty: private endpoint only.')
param serviceBusAllowedIpRanges array = []

// Named explicitly rather than taken from azd's AZURE_PRINCIPAL_ID (whoever runs the deployment): in CI that is
// the deploy workflow's identity, which must not be able to read or change the secrets.
@description('Object id of the operator (a person or, better, an operators group) who sets the Key Vault secrets; azd reads it from IMPACT60_OPERATOR_PRINCIPAL_ID; empty for none.')
param operatorPrincipalId string = ''

@description('Type of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

@description('Object id of the jobcenter\'s uploader that drops register files into the register-inbox container; azd reads it from IMPACT60_INBOX_UPLOADER_PRINCIPAL_ID; empty for none.')
param inboxUploaderPrincipalId string = ''

@description('Type of inboxUploaderPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param inboxUploaderPrincipalType string = 'ServicePrincipal'

var resourceToken = uniqueString(resourceGroup().id, environmentName)
// Names are computed here (not read from module outputs) so every resource id is known when the deployment
// starts: what-if can predict the role assignments and nothing short-circuits.
var names = {
  identity: 'id-impact60-${resourceToken}'
  logAnalytics: 'log-impact60-${resourceToken}'
  applicationInsights: 'appi-impact60-${resourceToken}'
  storageAccount: 'st${resourceToken}'
  serviceBus: 'sb-impact60-${resourceToken}'
  settlementsTopic: 'settlements'
  keyVault: 'kv-${resourceToken}'
  functionApp: 'func-impact60-${resourceToken}'
  plan: 'plan-impact60-${resourceToken}'
  deploymentContainer: 'deployments'
  // The register inbox and its queue (Impact60.Application/Configuration/StorageNames.cs), the processor's error
  // report suffix (InboxProcessor.ErrorSuffix) and the dead-letter container of the inbox events.
  inboxContainer: 'register-inbox'
  ingestQueue: 'ingest'
  errorReportSuffix: '.error.txt'
  inboxDeadLetterContainer: 'inbox-events-deadletter'
  inboxTopic: 'evgt-impact60-${resourceToken}'
  inboxSubscription: 'register-inbox-to-ingest'
  alertPrefix: 'impact60-${resourceToken}'
  vnet: 'vnet-impact60-${resourceToken}'
  appSubnet: 'app'
  privateEndpointSubnet: 'private-endpoints'
  natGateway: 'ng-impact60-${resourceToken}'
}
var tags = {
  'azd-env-name': environmentName
  application: 'impact60'
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storageAccount
    location: location
    tags: tags
    retentionDays: retentionDays
    deadLetterContainerName: names.inboxDeadLetterContainer
    vnetEnabled: vnetEnabled
    allowedIpRanges: storageAllowedIpRanges
  }
}

module inboxTopic 'modules/eventgrid-topic.bicep' = {
  name: 'eventgrid-topic'
  params: {
    name: names.inboxTopic
    location: location
    tags: tags
    storageAccountName: names.storageAccount
  }
  // The storage account is referred to by name: it must exist first.
  dependsOn: [
    storage
  ]
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: names.serviceBus
    topicName: names.settlementsTopic
    location: location
    tags: tags
    vnetEnabled: vnetEnabled
    allowedIpRanges: serviceBusAllowedIpRanges
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    vnetEnabled: vnetEnabled
    allowedIpRanges: keyVaultAllowedIpRanges
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  params: {
    name: names.vnet
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
    appSubnetName: names.appSubnet
    privateEndpointSubnetName: names.privateEndpointSubnet
    natGatewayName: names.natGateway
    storageAccountId: resourceId('Microsoft.Storage/storageAccounts', names.storageAccount)
    keyVaultId: resourceId('Microsoft.KeyVault/vaults', names.keyVault)
    serviceBusNamespaceId: resourceId('Microsoft.ServiceBus/namespaces', names.serviceBus)
  }
  // The private endpoints' targets are referred to by id: they must exist first.
  dependsOn: [
    storage
    keyVault
    serviceBus
  ]
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    // The principal id exists only once the identity does; it is part of each role assignment's name
    // (guid(scope, principalId, roleId)) so a re-created identity gets new assignments instead of a conflict.
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    // Like the app's: known only once the topic exists.
    #disable-next-line what-if-short-circuiting
    inboxEventsPrincipalId: inboxTopic.outputs.principalId
    inboxUploaderPrincipalId: inboxUploaderPrincipalId
    inboxUploaderPrincipalType: inboxUploaderPrincipalType
    storageAccountName: names.storageAccount
    inboxContainerName: names.inboxContainer
    deadLetterContainerName: names.inboxDeadLetterContainer
    serviceBusNamespaceName: names.serviceBus
    topicName: names.settlementsTopic
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
  }
  // The resources are referred to by name, so say explicitly that they must exist first (storage and monitoring
  // come before the inbox topic, whose identity this module needs anyway).
  dependsOn: [
    serviceBus
    keyVault
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: names.deploymentContainer
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: keyVault.outputs.name
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    nightlySchedule: nightlySchedule
    settlementSchedule: settlementSchedule
    contractPath: contractPath
    registerBaseUrl: registerBaseUrl
    registerAuthMode: registerAuthMode
    registerScope: registerScope
    registerApiKeyHeader: registerApiKeyHeader
    sendGridHost: sendGridHost
    noticesFrom: noticesFrom
    noticesLanguage: noticesLanguage
    virtualNetworkSubnetId: vnetEnabled ? resourceId('Microsoft.Network/virtualNetworks/subnets', names.vnet, names.appSubnet) : ''
  }
  // The app starts (and its host touches storage, Key Vault and App Insights) as soon as it exists: grant the
  // identity its roles first, and with private networking let it reach them through the private endpoints.
  dependsOn: [
    roles
    network
  ]
}

// Every file dropped into the inbox becomes an "ingest" message. After the roles: the delivery identity must be
// allowed to send before the subscription exists.
module inboxSubscription 'modules/eventgrid-subscription.bicep' = {
  name: 'eventgrid-subscription'
  params: {
    name: names.inboxSubscription
    systemTopicName: names.inboxTopic
    storageAccountName: names.storageAccount
    inboxContainerName: names.inboxContainer
    ingestQueueName: names.ingestQueue
    errorReportSuffix: names.errorReportSuffix
    deadLetterContainerName: names.inboxDeadLetterContainer
  }
  dependsOn: [
    roles
  ]
}

// Resource logs to the workspace: the audit trail and the logs the poison-queue alert and the workbook read.
module diagnostics 'modules/diagnostics.bicep' = {
  name: 'diagnostics'
  params: {
    workspaceId: monitoring.outputs.workspaceId
    storageAccountName: names.storageAccount
    keyVaultName: names.keyVault
    functionAppName: names.functionApp
    serviceBusNamespaceName: names.serviceBus
    serviceBusPremium: vnetEnabled
    inboxTopicName: names.inboxTopic
  }
  // Every resource is referred to by name: they must exist first (the Function App comes after storage, Key Vault
  // and Service Bus; the topic after storage).
  dependsOn: [
    functionApp
    inboxTopic
  ]
}

// The operations workbook, linked to Application Insights (infra/README.md, "Workbook").
module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  params: {
    location: location
    tags: tags
    applicationInsightsName: names.applicationInsights
    logAnalyticsName: names.logAnalytics
  }
  // Both are referred to by name: they must exist first.
  dependsOn: [
    monitoring
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    namePrefix: names.alertPrefix
    location: location
    tags: tags
    alertEmail: alertEmail
    workspaceId: monitoring.outputs.workspaceId
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    inboxTopicId: inboxTopic.outputs.id
  }
}

// Read by azd (and the deploy workflow) after provisioning.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
// With private networking: the one public address the app's outbound calls come from (for the jobcenter's allow-list).
output AZURE_OUTBOUND_IP_ADDRESS string = network.?outputs.outboundIpAddress ?? ''
