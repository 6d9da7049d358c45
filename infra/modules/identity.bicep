// The app's user-assigned managed identity: one identity for storage, Service Bus, Key Vault references,
// App Insights and the register API token, so access survives re-creating the Function App.
// Corresponds to the Azure Verified Module avm/res/managed-identity/user-assigned-identity.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
