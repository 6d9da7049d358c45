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

@description('True for private networking: reachable through its private endpoint only, and from the addresses below.')
param vnetEnabled bool

@description('Public IPv4 addresses or CIDR ranges of the operators who set the secrets, let through when vnetEnabled; empty: public access disabled.')
param allowedIpRanges array

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
    // Private networking: the app resolves its Key Vault references through the private endpoint (the site
    // routes all traffic into the network); public access is off, or limited to the operators' addresses so
    // they can set the secrets without being inside the network. No bypass for Azure services: none needs it.
    publicNetworkAccess: vnetEnabled && empty(allowedIpRanges) ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: vnetEnabled ? 'Deny' : 'Allow'
      bypass: 'None'
      ipRules: vnetEnabled
        ? map(allowedIpRanges, range => {
            value: range
          })
        : []
      virtualNetworkRules: []
    }
  }
}

output id string = vault.id
output name string = vault.name
