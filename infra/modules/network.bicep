// Private networking (main.bicep's vnetEnabled): a virtual network the Function App is integrated into, private
// endpoints for storage (blob, queue, table), Key Vault and Service Bus with their private DNS zones, and a NAT
// gateway that gives the app's outbound calls (register API, SendGrid, Application Insights) one fixed public IP.
// What changes, what it costs and how to deploy with it: infra/README.md, "Private networking".
// Corresponds to the Azure Verified Modules avm/res/network/virtual-network, network-security-group,
// nat-gateway, public-ip-address, private-endpoint and private-dns-zone.

@description('Name of the virtual network.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Address space of the virtual network (at least a /23: a /24 for the app, one for the private endpoints).')
param addressPrefix string

@description('Name of the subnet the Function App is integrated into (delegated to Microsoft.App/environments).')
param appSubnetName string

@description('Name of the subnet that holds the private endpoints.')
param privateEndpointSubnetName string

@description('Name of the NAT gateway (and, with suffix -ip, of its public IP).')
param natGatewayName string

@description('Resource id of the storage account (private endpoints for blob, queue and table).')
param storageAccountId string

@description('Resource id of the Key Vault.')
param keyVaultId string

@description('Resource id of the Service Bus namespace (Premium: private endpoints need it).')
param serviceBusNamespaceId string

// One private endpoint per sub-resource, each with the zone its host name resolves through. The zone names are
// the documented privatelink zones; storage's follows the cloud's storage suffix (core.windows.net in Azure).
var endpoints = [
  {
    name: 'blob'
    target: 'storage'
    groupId: 'blob'
    zone: 'privatelink.blob.${environment().suffixes.storage}'
  }
  {
    name: 'queue'
    target: 'storage'
    groupId: 'queue'
    zone: 'privatelink.queue.${environment().suffixes.storage}'
  }
  {
    name: 'table'
    target: 'storage'
    groupId: 'table'
    zone: 'privatelink.table.${environment().suffixes.storage}'
  }
  {
    name: 'vault'
    target: 'keyVault'
    groupId: 'vault'
    zone: 'privatelink.vaultcore.azure.net'
  }
  {
    name: 'servicebus'
    target: 'serviceBus'
    groupId: 'namespace'
    zone: 'privatelink.servicebus.windows.net'
  }
]

// No custom rules: the defaults allow traffic inside the virtual network and outbound, and deny inbound from the
// internet. Attached so an organisation's own rules have a place to go.
resource appNsg 'Microsoft.Network/networkSecurityGroups@2026-03-01' = {
  name: 'nsg-${name}-${appSubnetName}'
  location: location
  tags: tags
}

resource privateEndpointNsg 'Microsoft.Network/networkSecurityGroups@2026-03-01' = {
  name: 'nsg-${name}-${privateEndpointSubnetName}'
  location: location
  tags: tags
}

// New subnets have no default outbound internet access: the app's calls to the register API, SendGrid and
// Application Insights leave through this gateway, from one static address the jobcenter can allow-list.
resource natPublicIp 'Microsoft.Network/publicIPAddresses@2026-03-01' = {
  name: '${natGatewayName}-ip'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2026-03-01' = {
  name: natGatewayName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [
      {
        id: natPublicIp.id
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2026-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        // Flex Consumption integrates through a subnet delegated to Microsoft.App/environments (not
        // Microsoft.Web/serverFarms as the other plans); one plan per subnet; a /24 leaves room for every instance.
        name: appSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          defaultOutboundAccess: false
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          natGateway: {
            id: natGateway.id
          }
          networkSecurityGroup: {
            id: appNsg.id
          }
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          defaultOutboundAccess: false
          privateEndpointNetworkPolicies: 'Enabled'
          networkSecurityGroup: {
            id: privateEndpointNsg.id
          }
        }
      }
    ]
  }

  resource privateEndpointSubnet 'subnets' existing = {
    name: privateEndpointSubnetName
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for endpoint in endpoints: {
    name: endpoint.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (endpoint, i) in endpoints: {
    parent: zones[i]
    name: name
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2026-03-01' = [
  for endpoint in endpoints: {
    name: 'pe-${endpoint.name}-${name}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: vnet::privateEndpointSubnet.id
      }
      privateLinkServiceConnections: [
        {
          name: endpoint.name
          properties: {
            privateLinkServiceId: endpoint.target == 'storage'
              ? storageAccountId
              : endpoint.target == 'keyVault' ? keyVaultId : serviceBusNamespaceId
            groupIds: [
              endpoint.groupId
            ]
          }
        }
      ]
    }
  }
]

// Registers each endpoint's private address in its zone, so the usual host names resolve to it inside the network.
resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2026-03-01' = [
  for (endpoint, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: endpoint.name
          properties: {
            privateDnsZoneId: zones[i].id
          }
        }
      ]
    }
  }
]

output outboundIpAddress string = natPublicIp.properties.ipAddress
