using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Impact60.Application.Events;

namespace Impact60.Application.Tests.Events;

/// <summary>
/// Given a SettlementIssued event, when published through the real SDK <see cref="ServiceBusSender"/>, then one message
/// per document goes out in one send, with the document number as MessageId, so duplicate detection drops a retry.
/// </summary>
public sealed class SettlementEventPublisherTests
{
    [Fact]
    public async Task Given_three_documents_when_published_then_three_messages_go_in_one_send_with_the_document_numbers_as_ids()
    {
        var sender = new RecordingSender();
        using var cts = new CancellationTokenSource();

        await new SettlementEventPublisher(sender).PublishAsync(SampleSettlements.June(), cts.Token);

        var send = Assert.Single(sender.Sends);
        Assert.Equal(["2021-0001", "2021-0002", "2021-0003"], send.Select(m => m.MessageId));
        Assert.Equal(cts.Token, Assert.Single(sender.Tokens));
    }

    [Fact]
    public async Task Given_a_credit_note_when_published_then_its_message_has_the_contract_headers_and_properties()
    {
        var sender = new RecordingSender();

        await new SettlementEventPublisher(sender).PublishAsync(SampleSettlements.June(), CancellationToken.None);

        var credit = sender.All.Single(m => m.MessageId == "2021-0003");
        Assert.Equal("application/json", credit.ContentType);
        Assert.Equal("SettlementIssued", credit.Subject);
        Assert.Equal("2021-06", credit.CorrelationId);
        Assert.Equal("2021-06", credit.ApplicationProperties["settlementPeriod"]);
        Assert.Equal("2021-0003", credit.ApplicationProperties["documentNumber"]);
        Assert.Equal("creditNote", credit.ApplicationProperties["kind"]);
        Assert.Equal("invoice", sender.All.Single(m => m.MessageId == "2021-0001").ApplicationProperties["kind"]);
        Assert.All(sender.All, m => Assert.Equal("application/json", m.ContentType));
    }

    [Fact]
    public async Task Given_a_settlement_when_published_then_every_body_is_the_whole_settlement_with_two_decimal_amounts()
    {
        var sender = new RecordingSender();

        await new SettlementEventPublisher(sender).PublishAsync(SampleSettlements.June(), CancellationToken.None);

        var bodies = sender.All.Select(m => m.Body.ToArray()).ToList();
        Assert.All(bodies, b => Assert.Equal(bodies[0], b));
        using var json = JsonDocument.Parse(bodies[0]);
        var root = json.RootElement;
        Assert.Equal("2021-06", root.GetProperty("settlementPeriod").GetString());
        Assert.Equal(3, root.GetProperty("documents").GetArrayLength());
        var credit = root.GetProperty("documents")[2];
        Assert.Equal("2021-0003", credit.GetProperty("number").GetString());
        Assert.Equal("creditNote", credit.GetProperty("kind").GetString());
        Assert.Equal("3980.00", credit.GetProperty("totalExVat").GetRawText());
        Assert.Equal("995.00", credit.GetProperty("vat").GetRawText());
        Assert.Equal("4975.00", credit.GetProperty("payable").GetRawText());
        Assert.Equal("2021-0001", Assert.Single(credit.GetProperty("corrects").EnumerateArray()).GetString());
        Assert.Equal("2021-0003.pdf", credit.GetProperty("blobs").GetProperty("pdf").GetString());
        Assert.Equal("105155.00", root.GetProperty("totals").GetProperty("invoicedExVat").GetRawText());
    }

    [Fact]
    public async Task Given_the_same_settlement_published_twice_when_compared_then_ids_headers_and_body_bytes_are_identical()
    {
        // A retry rebuilds the event from the stored documents: a new object, the same facts.
        var first = new RecordingSender();
        var retry = new RecordingSender();

        await new SettlementEventPublisher(first).PublishAsync(SampleSettlements.June(), CancellationToken.None);
        await new SettlementEventPublisher(retry).PublishAsync(SampleSettlements.June(), CancellationToken.None);

        Assert.Equal(first.All.Count, retry.All.Count);
        foreach (var (a, b) in first.All.Zip(retry.All))
        {
            Assert.Equal(a.MessageId, b.MessageId);
            Assert.Equal(a.Body.ToArray(), b.Body.ToArray());
            Assert.Equal(a.CorrelationId, b.CorrelationId);
            Assert.Equal(a.Subject, b.Subject);
            Assert.Equal(a.ApplicationProperties.OrderBy(p => p.Key), b.ApplicationProperties.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public async Task Given_a_settlement_with_no_documents_when_published_then_one_message_named_after_the_period_goes_out()
    {
        var sender = new RecordingSender();

        await new SettlementEventPublisher(sender).PublishAsync(SampleSettlements.NothingToSettle(), CancellationToken.None);

        var message = Assert.Single(sender.All);
        Assert.Equal("settlement-2021-06", message.MessageId);
        Assert.Equal("2021-06", message.CorrelationId);
        Assert.Equal("2021-06", message.ApplicationProperties["settlementPeriod"]);
        Assert.False(message.ApplicationProperties.ContainsKey("documentNumber"));
        Assert.False(message.ApplicationProperties.ContainsKey("kind"));
        using var json = JsonDocument.Parse(message.Body.ToArray());
        Assert.Equal(0, json.RootElement.GetProperty("documents").GetArrayLength());
    }

    [Fact]
    public void The_topic_is_the_one_infra_creates() =>
        Assert.Contains("settlementsTopic: '" + SettlementEventPublisher.Topic + "'",
            File.ReadAllText(Path.Combine(RepoRoot(), "infra", "main.bicep")));

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Impact60.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Impact60.sln not found above the test output folder");
    }
}
