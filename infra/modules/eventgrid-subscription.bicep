// Blob drop wiring: every blob the jobcenter writes into the register inbox becomes one message on the "ingest"
// queue, which the RegisterInboxIngest function consumes. A queue, not a blob trigger, gives retries, a poison
// queue and the same door for the CLI and an operator (Impact60.Functions/Functions/RegisterInboxIngest.cs).
// Corresponds to the event subscriptions of the Azure Verified Module avm/res/event-grid/system-topic.
//
// The message is the Event Grid event itself (EventGridSchema: subject /blobServices/default/containers/
// register-inbox/blobs/<name>, data.url), written base64-encoded as the Functions queue trigger expects.
// Delivery uses the topic's system-assigned identity (Storage Queue Data Message Sender, infra/modules/roles.bicep);
// this module is deployed after that role assignment so the first event is not refused.

@description('Name of the event subscription.')
param name string

@description('Name of the storage account\'s Event Grid system topic.')
param systemTopicName string

@description('Name of the storage account that holds the inbox container and the ingest queue.')
param storageAccountName string

@description('Container the jobcenter drops register files into.')
param inboxContainerName string

@description('Queue that receives one message per dropped file.')
param ingestQueueName string

@description('Suffix of the error reports the processor writes beside a rejected file; those are not ingested.')
param errorReportSuffix string

@description('Container that keeps events Event Grid could not deliver (dead letters).')
param deadLetterContainerName string

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource ingestSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: name
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: storage.id
          queueName: ingestQueueName
          // Never expire: a drop nobody processed for a week (app stopped) must still be there when it restarts.
          queueMessageTimeToLiveInSeconds: -1
        }
      }
    }
    filter: {
      // Created only: the processor deletes an ingested file, and that must not announce anything.
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      // Only the inbox, not evidence, documents or the host's own containers.
      subjectBeginsWith: '/blobServices/default/containers/${inboxContainerName}/blobs/'
      // The processor's own "<file>.error.txt" report beside a rejected file is not a delivery; without this
      // filter every rejection would queue a message (which the processor would then skip).
      advancedFilters: [
        {
          operatorType: 'StringNotEndsWith'
          key: 'subject'
          values: [
            errorReportSuffix
          ]
        }
      ]
    }
    // Event Grid's defaults, written out: retried with backoff for up to 24 hours, then dead-lettered below.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    // An event that could not be delivered is kept as a blob (and raises the dead-letter alert), so a drop is
    // never lost silently; the file itself stays in the inbox and can be announced again by putting a message on
    // the ingest queue (infra/README.md, "Register inbox").
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output id string = ingestSubscription.id
