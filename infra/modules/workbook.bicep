// The operations workbook ("Impact60 operations"), shared in the resource group and linked to Application Insights:
// nightly runs and the participants they changed, verification failures, poison messages per queue, settlements
// and their totals, notices, register delivery freshness. What each section shows: infra/README.md, "Workbook".
// Corresponds to the Azure Verified Module avm/res/insights/workbook.
//
// Each section's query is a .kql file beside this module (modules/workbook/), loaded at build time. They read the
// app's log lines as rendered messages (the templates are quoted at the top of each file, and
// tests/Impact60.Infra.Tests checks that each quoted template is still logged by the code) plus the Functions
// host's requests; the poison section reads the storage queue write log in the workspace.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the Application Insights component the workbook is linked to and queries.')
param applicationInsightsName string

@description('Name of the Log Analytics workspace that holds the storage queue write log.')
param logAnalyticsName string

var displayName = 'Impact60 operations'

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' existing = {
  name: logAnalyticsName
}

// A query item on Application Insights (traces, requests) over the time range picked at the top.
var appInsightsQuery = {
  version: 'KqlItem/1.0'
  size: 0
  timeContextFromParameter: 'TimeRange'
  queryType: 0
  resourceType: 'microsoft.insights/components'
  crossComponentResources: [
    applicationInsights.id
  ]
  visualization: 'table'
}

var workbook = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'title'
      content: {
        json: '## Impact60 operations\nThe nightly register pull, verification, settlements and notices. Sections read the app\'s log lines and the Functions host\'s requests in Application Insights (traces may be sampled, requests are not) and, for poison messages, the unsampled storage queue write log. See infra/README.md, "Workbook".'
      }
    }
    {
      type: 9
      name: 'parameters'
      content: {
        version: 'KqlParameterItem/1.0'
        style: 'pills'
        queryType: 0
        resourceType: 'microsoft.insights/components'
        parameters: [
          {
            id: 'b6b1d8a4-3f6e-4a51-9d0c-1f2e3a4b5c6d'
            version: 'KqlParameterItem/1.0'
            name: 'TimeRange'
            label: 'Time range'
            type: 4
            isRequired: true
            value: {
              durationMs: 2592000000
            }
            typeSettings: {
              selectableValues: [
                {
                  durationMs: 86400000
                }
                {
                  durationMs: 604800000
                }
                {
                  durationMs: 2592000000
                }
                {
                  durationMs: 7776000000
                }
              ]
            }
          }
        ]
      }
    }
    {
      type: 3
      name: 'nightly-runs'
      content: union(appInsightsQuery, {
        title: 'Nightly runs and the participants they changed'
        query: loadTextContent('workbook/nightly-runs.kql')
      })
    }
    {
      type: 3
      name: 'verification-failures'
      content: union(appInsightsQuery, {
        title: 'Verification failures'
        query: loadTextContent('workbook/verification-failures.kql')
      })
    }
    {
      type: 3
      name: 'poison-messages'
      content: {
        version: 'KqlItem/1.0'
        title: 'Poison messages per queue'
        query: loadTextContent('workbook/poison-messages.kql')
        size: 0
        timeContextFromParameter: 'TimeRange'
        queryType: 0
        resourceType: 'microsoft.operationalinsights/workspaces'
        crossComponentResources: [
          workspace.id
        ]
        visualization: 'table'
      }
    }
    {
      type: 3
      name: 'poison-reasons'
      content: union(appInsightsQuery, {
        title: 'Why messages went to a poison queue'
        query: loadTextContent('workbook/poison-reasons.kql')
      })
    }
    {
      type: 3
      name: 'settlements'
      content: union(appInsightsQuery, {
        title: 'Settlements and their totals'
        query: loadTextContent('workbook/settlements.kql')
      })
    }
    {
      type: 3
      name: 'notices'
      content: union(appInsightsQuery, {
        title: 'Notices'
        query: loadTextContent('workbook/notices.kql')
      })
    }
    {
      type: 3
      name: 'register-freshness'
      content: union(appInsightsQuery, {
        title: 'Register delivery freshness (last 30 days)'
        query: loadTextContent('workbook/register-freshness.kql')
        timeContextFromParameter: null
        timeContext: {
          durationMs: 2592000000
        }
      })
    }
  ]
  fallbackResourceIds: [
    applicationInsights.id
  ]
  '$schema': 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json'
}

resource operationsWorkbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name is a GUID; derived from the component so a redeployment updates the same workbook.
  name: guid(applicationInsights.id, 'impact60-operations-workbook')
  location: location
  tags: union(tags, {
    'hidden-title': displayName
  })
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    version: 'Notebook/1.0'
    sourceId: applicationInsights.id
    serializedData: string(workbook)
  }
}

output id string = operationsWorkbook.id
