using Impact60.Application.Pipeline;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>
/// The two shapes on the <c>ingest</c> queue. The Event Grid events are shaped as Azure Storage documents them
/// (learn.microsoft.com, "Azure Blob Storage as an Event Grid source", Event Grid event schema), for our account and container.
/// </summary>
public sealed class IngestMessageTests
{
    /// <summary>A Microsoft.Storage.BlobCreated event as the system topic delivers it (Event Grid schema), one per queue message.</summary>
    public static string BlobCreatedEvent(string subject, string url, string eventType = "Microsoft.Storage.BlobCreated") => $$"""
        {
          "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-impact60/providers/Microsoft.Storage/storageAccounts/stimpact60",
          "subject": "{{subject}}",
          "eventType": "{{eventType}}",
          "eventTime": "2021-07-01T06:12:03.9584103Z",
          "id": "831e1650-001e-001b-66ab-eeb76e069631",
          "data": {
            "api": "PutBlob",
            "clientRequestId": "6d79dbfb-0e37-4fc4-981f-442c9ca65760",
            "requestId": "831e1650-001e-001b-66ab-eeb76e000000",
            "eTag": "\"0x8D4BCC2E4835CD0\"",
            "contentType": "text/csv",
            "contentLength": 524288,
            "blobType": "BlockBlob",
            "url": "{{url}}",
            "sequencer": "00000000000004420000000000028963",
            "storageDiagnostics": { "batchId": "b68529f3-68cd-4744-baa4-3c0498ec19f0" }
          },
          "dataVersion": "",
          "metadataVersion": "1"
        }
        """;

    public static string InboxEvent(string blobName) => BlobCreatedEvent(
        $"/blobServices/default/containers/register-inbox/blobs/{blobName}",
        $"https://stimpact60.blob.core.windows.net/register-inbox/{Uri.EscapeDataString(blobName).Replace("%2F", "/", StringComparison.Ordinal)}");

    [Fact]
    public void Given_the_CLI_message_when_read_then_it_names_the_blob()
    {
        var request = IngestMessage.Read("""{"blobName":"2021/weeks-2021-06.csv"}""");

        Assert.Equal(new IngestMessage("2021/weeks-2021-06.csv"), request.Message);
        Assert.Null(request.Ignored);
        Assert.Equal(new IngestMessage("x.csv"), IngestMessage.FromJson(new IngestMessage("x.csv").ToJson()));
    }

    [Fact]
    public void Given_a_BlobCreated_event_for_a_file_in_a_folder_of_the_inbox_when_read_then_the_blob_name_comes_from_the_subject()
    {
        var request = IngestMessage.Read(InboxEvent("2021/weeks 2021-06.csv"));

        Assert.Equal(new IngestMessage("2021/weeks 2021-06.csv"), request.Message);
    }

    [Fact]
    public void Given_a_BlobCreated_event_without_a_subject_when_read_then_the_blob_name_is_the_unescaped_path_of_data_url()
    {
        var json = InboxEvent("2021/weeks 2021-06.csv").Replace("\"subject\": \"/blobServices/default/containers/register-inbox/blobs/2021/weeks 2021-06.csv\",", "", StringComparison.Ordinal);
        Assert.DoesNotContain("subject", json, StringComparison.Ordinal);

        Assert.Equal(new IngestMessage("2021/weeks 2021-06.csv"), IngestMessage.Read(json).Message);
    }

    [Fact]
    public void Given_a_BlobCreated_event_in_the_CloudEvents_schema_when_read_then_it_is_understood_too()
    {
        var json = """
            { "specversion": "1.0", "type": "Microsoft.Storage.BlobCreated", "source": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stimpact60",
              "id": "1", "time": "2021-07-01T06:12:03Z", "subject": "/blobServices/default/containers/register-inbox/blobs/referrals.csv",
              "data": { "api": "PutBlob", "url": "https://stimpact60.blob.core.windows.net/register-inbox/referrals.csv" } }
            """;

        Assert.Equal(new IngestMessage("referrals.csv"), IngestMessage.Read(json).Message);
    }

    [Theory]
    [InlineData("/blobServices/default/containers/quarantine/blobs/2021/x-rejections.csv", "https://stimpact60.blob.core.windows.net/quarantine/2021/x-rejections.csv",
        "Microsoft.Storage.BlobCreated", "Event Grid event 831e1650-001e-001b-66ab-eeb76e069631 is for container 'quarantine', not register-inbox: nothing to ingest")]
    [InlineData("/blobServices/default/containers/register-inbox/blobs/weeks.csv.error.txt", "https://stimpact60.blob.core.windows.net/register-inbox/weeks.csv.error.txt",
        "Microsoft.Storage.BlobCreated", "Event Grid event 831e1650-001e-001b-66ab-eeb76e069631 is for weeks.csv.error.txt, an error report Impact60 wrote itself: nothing to ingest")]
    [InlineData("/blobServices/default/containers/register-inbox/blobs/weeks-010190-1234.csv.1f3a9c0b.error.txt", "https://stimpact60.blob.core.windows.net/register-inbox/weeks-010190-1234.csv.1f3a9c0b.error.txt",
        "Microsoft.Storage.BlobCreated", "Event Grid event 831e1650-001e-001b-66ab-eeb76e069631 is for weeks-XXXXXX-XXXX.csv.1f3a9c0b.error.txt, an error report Impact60 wrote itself: nothing to ingest")]
    [InlineData("/blobServices/default/containers/register-inbox/blobs/weeks.csv", "https://stimpact60.blob.core.windows.net/register-inbox/weeks.csv",
        "Microsoft.Storage.BlobDeleted", "Event Grid event 831e1650-001e-001b-66ab-eeb76e069631 is Microsoft.Storage.BlobDeleted, not Microsoft.Storage.BlobCreated: nothing to ingest")]
    public void Given_an_event_not_meant_for_ingestion_when_read_then_it_is_ignored_with_the_reason_and_no_cpr(string subject, string url, string eventType, string reason)
    {
        var request = IngestMessage.Read(BlobCreatedEvent(subject, url, eventType));

        Assert.Null(request.Message);
        Assert.Equal(reason, request.Ignored);
        Assert.Equal(reason, Assert.Throws<FormatException>(() => IngestMessage.FromJson(BlobCreatedEvent(subject, url, eventType))).Message);
    }

    [Theory]
    [InlineData("not json", "ingest message is not JSON of the form {\"blobName\":\"…\"} nor an Event Grid event: ")]
    [InlineData("[{\"blobName\":\"x.csv\"}]", "ingest message must be a JSON object ({\"blobName\":\"…\"} or one Event Grid event), not a array")]
    [InlineData("{\"file\":\"x.csv\"}", "ingest message is neither {\"blobName\":\"…\"} nor an Event Grid Microsoft.Storage.BlobCreated event (no 'blobName', no 'eventType')")]
    [InlineData("{\"blobName\":\"x.csv\",\"cpr\":\"0101901234\"}", "ingest message is not JSON of the form {\"blobName\":\"…\"}: ")]
    [InlineData("{\"blobName\":\"../evidence/x.csv\"}", "ingest message needs a blobName (a blob of the register-inbox container)")]
    [InlineData("{\"blobName\":\"\"}", "ingest message needs a blobName (a blob of the register-inbox container)")]
    [InlineData("{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"id\":\"e1\",\"subject\":\"/blobs/x.csv\",\"data\":{\"url\":\"not a url\"}}",
        "Event Grid event e1 names no blob: 'subject' is not /blobServices/default/containers/<container>/blobs/<name> and 'data.url' is not a blob URL")]
    [InlineData("{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"id\":\"e2\",\"subject\":\"/blobServices/default/containers/register-inbox/blobs/../evidence/0101901234.csv\"}",
        "Event Grid event e2 names blob '../evidence/XXXXXX-XXXX.csv', which is not a blob of the register-inbox container")]
    public void Given_a_message_that_is_neither_shape_or_names_no_usable_blob_when_read_then_it_is_refused_with_a_clear_reason_without_any_cpr(string body, string reasonStart)
    {
        var refused = Assert.Throws<FormatException>(() => IngestMessage.Read(body));

        Assert.StartsWith(reasonStart, refused.Message);
        Assert.DoesNotContain("0101901234", refused.Message);
    }

    [Fact]
    public void Given_an_event_whose_id_type_container_and_blob_name_are_long_and_hold_cprs_and_escape_codes_when_read_then_every_reason_quotes_them_masked_escaped_and_cut()
    {
        var noise = "\\u001b[31m0101901234" + new string('x', 5_000);
        string Event(string container, string eventType, string name) => $$"""
            { "eventType": "{{eventType}}", "id": "{{noise}}", "subject": "/blobServices/default/containers/{{container}}/blobs/{{name}}" }
            """;

        var otherContainer = IngestMessage.Read(Event("c" + noise, "Microsoft.Storage.BlobCreated", "x.csv")).Ignored!;
        var otherType = IngestMessage.Read(Event("register-inbox", "T" + noise, "x.csv")).Ignored!;
        var unusable = Assert.Throws<FormatException>(() => IngestMessage.Read(Event("register-inbox", "Microsoft.Storage.BlobCreated", "../" + noise))).Message;
        var errorReport = IngestMessage.Read(Event("register-inbox", "Microsoft.Storage.BlobCreated", noise + ".error.txt")).Ignored!;

        foreach (var reason in new[] { otherContainer, otherType, unusable, errorReport })
        {
            Assert.True(reason.Length < 500, $"{reason.Length} characters: {reason[..200]}");
            Assert.DoesNotContain("0101901234", reason);
            Assert.DoesNotContain('\u001b', reason);
            Assert.Contains("\\u001B[31mXXXXXX-XXXX", reason);
            Assert.Contains("more characters)", reason);
        }
    }

    /// <summary>
    /// JSON may spell half a UTF-16 pair as an escape (<c>\ud800</c>): the parser takes it, reading the string throws
    /// InvalidOperationException (docs/fuzzing.md, F13). Such a message is unreadable, a <see cref="FormatException"/> like
    /// any other, so the function moves it to the poison queue at once instead of retrying it to the dequeue limit.
    /// </summary>
    [Theory]
    [InlineData("""{"eventType":"Microsoft.Storage.BlobCreated","data":{"url":"\ud800"}}""")]
    [InlineData("""{"eventType":"Microsoft.Storage.BlobCreated","subject":"/blobServices/default/containers/register-inbox/blobs/\udc00.csv"}""")]
    [InlineData("""{"eventType":"\ud800"}""")]
    [InlineData("""{"eventType":"Other","id":"\ud800"}""")]
    [InlineData("""{"\ud800":1,"eventType":"Microsoft.Storage.BlobCreated"}""")]
    [InlineData("""{"blobName":"\ud800.csv"}""")]
    public void Given_a_message_with_a_lone_surrogate_in_a_string_when_read_then_it_is_refused_as_unreadable(string body)
    {
        var refused = Assert.Throws<FormatException>(() => IngestMessage.Read(body));

        Assert.DoesNotContain('\ud800', refused.Message);
        Assert.DoesNotContain('\udc00', refused.Message);
    }

    /// <summary>
    /// The parser quotes an invalid literal in its message (docs/fuzzing.md, F14): <c>t</c> and a CPR is read as a broken
    /// <c>true</c>, and the message that says so is what the function logs as the reason it poisons the message.
    /// </summary>
    [Theory]
    [InlineData("t0101901234")]
    [InlineData("{\"blobName\":t0101901234}")]
    public void Given_a_message_that_is_an_invalid_literal_holding_a_cpr_when_refused_then_the_reason_masks_it(string body)
    {
        var refused = Assert.Throws<FormatException>(() => IngestMessage.Read(body));

        Assert.DoesNotContain("0101901234", refused.Message);
    }
}
