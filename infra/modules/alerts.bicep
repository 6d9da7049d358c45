// Alerts that page a person, all to one action group (e-mail):
//  1. a message landed in a poison queue  (Storage queue write logs in Log Analytics);
//  2. a function invocation failed        (Application Insights requests, success == false);
//  3. no successful nightly run in 26 hours (Application Insights requests of NightlyRegisterPull);
//  4. a dropped register file could not be announced on the ingest queue (Event Grid dead-lettered its event).
// Corresponds to the Azure Verified Modules avm/res/insights/action-group, avm/res/insights/scheduled-query-rule
// and avm/res/insights/metric-alert.

@description('Prefix for the alert rule names.')
param namePrefix string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('E-mail address that receives the alerts.')
param alertEmail string

@description('Resource id of the Log Analytics workspace (holds the storage queue logs).')
param workspaceId string

@description('Resource id of Application Insights (holds the function requests).')
param applicationInsightsId string

// Must be the [Function] name of the timer on %NightlySchedule%: tests/Impact60.Infra.Tests reads it from the
// Functions app's functions.metadata, so a rename of the function fails the build, not the alert.
@description('Name of the nightly function whose successful run is expected every night.')
param nightlyFunctionName string = 'NightlyRegisterPull'

@description('Resource id of the storage account\'s Event Grid system topic (inbox events).')
param inboxTopicId string

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'impact60'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// Why storage logs and not a metric or the app's log: storage queue metrics have no per-queue dimension (a
// message count cannot tell verify-poison from verify), and traces in Application Insights are sampled
// (host.json samples everything but requests and exceptions), so a log line can be missed. Every message put
// on a "-poison" queue, by the Functions host after maxDequeueCount failures or by the app, is a PutMessage
// request in StorageQueueLogs; the queue name is the first segment of the request path.
// Not also on queue depth: the storage account's QueueMessageCount metric is one number for all queues (no
// per-queue dimension), so it cannot say "verify-poison is not empty"; a message left in a poison queue was
// alerted when it arrived, and a backlog on a trigger queue shows as failed or missing function runs.
resource poisonQueueAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-poison-queue'
  location: location
  tags: tags
  properties: {
    displayName: 'Impact60: message moved to a poison queue'
    description: 'A queue message failed its retries and was moved to a -poison queue. Inspect it and replay it with the operator CLI.'
    severity: 1
    enabled: true
    scopes: [
      workspaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    // StorageQueueLogs only exists in the workspace after the first queue write is logged, so the query cannot
    // be validated at deployment time of a fresh environment.
    skipQueryValidation: true
    criteria: {
      allOf: [
        {
          query: '''
StorageQueueLogs
| where OperationName == "PutMessage" and toint(StatusCode) == 201
| extend Queue = tostring(split(tostring(parse_url(Uri).Path), "/")[1])
| where Queue endswith "-poison"
| project TimeGenerated, Queue
'''
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'Queue'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// Requests are excluded from sampling in host.json, so every failed invocation is counted.
resource functionFailureAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-function-failures'
  location: location
  tags: tags
  properties: {
    displayName: 'Impact60: function invocation failed'
    description: 'At least one function invocation failed. See the exception in Application Insights.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '''
requests
| where success == false
| project timestamp, name, resultCode, operation_Id
'''
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'name'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// The nightly pull runs at 01:00 UTC; 26 hours leaves two hours of slack (runs and retries that take long, the
// DST shift of the Danish clock) before saying "no successful run since yesterday". The window is 2 days (the
// longest a log alert allows) and the query itself narrows it to 26 hours; zero rows gives a count of 0, so the
// rule fires when the run did not happen at all, not only when it failed.
resource nightlyMissingAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-nightly-missing'
  location: location
  tags: tags
  properties: {
    displayName: 'Impact60: no successful nightly register pull in 26 hours'
    description: 'The nightly register pull has not succeeded for 26 hours: participant weeks are not being updated.'
    severity: 1
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'P2D'
    criteria: {
      allOf: [
        {
          query: 'requests\n| where timestamp > ago(26h)\n| where name == "${nightlyFunctionName}" and success == true\n'
          timeAggregation: 'Count'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// Event Grid retries delivery to the ingest queue for 24 hours, then writes the event to the dead-letter
// container (infra/modules/eventgrid-subscription.bicep). The file is still in the inbox but nothing will ingest
// it until someone announces it again, so one dead letter is worth a page.
resource inboxDeadLetterAlert 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: '${namePrefix}-inbox-dead-letter'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid could not put an inbox file\'s event on the ingest queue and dead-lettered it: the file was not ingested. See infra/README.md, "Register inbox".'
    severity: 1
    enabled: true
    scopes: [
      inboxTopicId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadLetteredEvents'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          metricName: 'DeadLetteredCount'
          timeAggregation: 'Total'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id
