// Log Analytics workspace and a workspace-based Application Insights with local (instrumentation key)
// authentication turned off: telemetry is accepted only with an Entra token (Monitoring Metrics Publisher).
// Corresponds to the Azure Verified Modules avm/res/operational-insights/workspace and avm/res/insights/component.

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Days Log Analytics keeps every table (the audit logs and Application Insights\' data alike).')
@minValue(30)
@maxValue(730)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      // Only Entra ID (RBAC) access to the data, no workspace shared keys for queries.
      disableLocalAuth: true
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // The instrumentation key alone can no longer send telemetry: the app authenticates with its identity
    // (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), so a leaked connection string cannot spoof our telemetry.
    DisableLocalAuth: true
  }
}

output workspaceId string = workspace.id
output applicationInsightsId string = applicationInsights.id
output applicationInsightsName string = applicationInsights.name
output connectionString string = applicationInsights.properties.ConnectionString
