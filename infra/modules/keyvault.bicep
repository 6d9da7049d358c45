// Key Vault for the app's three secrets (SendGridApiKey, PseudonymisationKey, RegisterApiKey). No secret value
// is in the templates: the operator sets them after the first deployment (infra/README.md); the Function App
// reads them through Key Vault references with its user-assigned identity.
// Corresponds to the Azure Verified Module avm/res/key-vault/vault.

@description('Name of the Key Vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Access by Azure RBAC role assignments only (no access policies to drift out of review).
    enableRbacAuthorization: true
    // A deleted secret (the pseudonymisation key above all) can be recovered for 90 days, and purge protection
    // stops anyone, including us, from destroying it for good before then.
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

output id string = vault.id
output name string = vault.name
