using System.Text.Json;
using Impact60.Application.Events;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Tests.Events;

/// <summary>Given no Service Bus (the local demo), when a settlement is published, then each message lands once as a file in the outbox.</summary>
public sealed class LocalEventSinkTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "impact60-outbox-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private LocalEventSink Sink() => new(Options.Create(new EventsOptions { OutboxFolder = _folder }));

    [Fact]
    public async Task Given_three_documents_when_published_then_one_file_per_message_id_with_headers_and_body()
    {
        await Sink().PublishAsync(SampleSettlements.June(), CancellationToken.None);

        Assert.Equal(["2021-0001.json", "2021-0002.json", "2021-0003.json"],
            Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folder, "2021-0003.json")));
        var root = json.RootElement;
        Assert.Equal("2021-0003", root.GetProperty("messageId").GetString());
        Assert.Equal("SettlementIssued", root.GetProperty("subject").GetString());
        Assert.Equal("application/json", root.GetProperty("contentType").GetString());
        Assert.Equal("2021-06", root.GetProperty("correlationId").GetString());
        Assert.Equal("creditNote", root.GetProperty("applicationProperties").GetProperty("kind").GetString());
        Assert.Equal("2021-0003", root.GetProperty("applicationProperties").GetProperty("documentNumber").GetString());
        Assert.Equal("3980.00", root.GetProperty("body").GetProperty("totals").GetProperty("creditedExVat").GetRawText());
    }

    [Fact]
    public async Task Given_a_published_settlement_when_published_again_then_no_file_is_added_or_rewritten()
    {
        await Sink().PublishAsync(SampleSettlements.June(), CancellationToken.None);
        var before = Directory.GetFiles(_folder).ToDictionary(f => f, File.ReadAllBytes);

        // A retry that (wrongly) carries a different run date: the message already there stands, as on Service Bus.
        var retry = SettlementIssued.From("2021-06", SampleSettlements.AsOf.AddDays(1), "IMPACT60", SampleSettlements.JuneDocuments());
        await Sink().PublishAsync(retry, CancellationToken.None);

        var after = Directory.GetFiles(_folder);
        Assert.Equal(before.Keys.Order(), after.Order());
        Assert.All(after, f => Assert.Equal(before[f], File.ReadAllBytes(f)));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public async Task Given_a_settlement_with_no_documents_when_published_then_one_file_named_after_the_period()
    {
        await Sink().PublishAsync(SampleSettlements.NothingToSettle(), CancellationToken.None);

        Assert.Equal("settlement-2021-06.json", Path.GetFileName(Assert.Single(Directory.GetFiles(_folder))));
    }

    [Fact]
    public void Given_a_message_id_with_a_path_separator_when_asked_for_its_file_then_it_is_refused() =>
        Assert.Throws<ArgumentException>(() => Sink().PathFor("../2021-0001"));
}
