using System.Text;
using Impact60.Application.Pipeline;
using Impact60.Fuzz.Tests.Harness;

namespace Impact60.Fuzz.Tests.Targets;

/// <summary>
/// <c>IngestMessage.Read</c>, given the queue message body as the Functions host hands it over (the bytes as UTF-8 text).
/// Invariants: only <see cref="FormatException"/> escapes; a result is either a blob to ingest or a reason to ignore, never
/// both or neither; a blob name to ingest is usable (not blank, no "..", not rooted); reasons and exception messages are
/// CPR-free; memory and allocation within <see cref="Bounds"/> (time by hand).
/// </summary>
public sealed class IngestMessageTarget : FuzzTarget
{
    public override string Name => "ingest-message";

    public override IReadOnlyList<Seed> Seeds { get; } =
    [
        Load("ingest-blobname.json"), Load("eventgrid-blobcreated.json"), Load("eventgrid-url-only.json"), Load("eventgrid-other-container.json"),
        Load("eventgrid-error-report.json"), Load("cloudevent-blobcreated.json"),
    ];

    public override OpKind[] Ops => JsonOps;

    public override int BoundedCases => 1000;

    public override CaseOutcome Execute(byte[] input, Probe probe)
    {
        var body = Encoding.UTF8.GetString(input);
        IngestRequest? request = null;
        FormatException? refused = null;
        probe.Begin(input.Length);
        try
        {
            request = IngestMessage.Read(body);
        }
        catch (FormatException e)
        {
            refused = e;
        }
        probe.End(request, refused);

        if (refused is not null)
        {
            Invariants.CprFree(refused.Message, "a FormatException message");
            probe.AssertBounds();
            return CaseOutcome.Refusal;
        }
        if (request is null || (request.Message is null) == (request.Ignored is null))
            throw new Violation("neither a blob nor a reason", "IngestMessage.Read returned no blob to ingest and no reason to ignore (or both)");
        Invariants.CprFree(request.Ignored, "the reason an event is ignored");
        if (request.Message is { } m && (string.IsNullOrWhiteSpace(m.BlobName) || m.BlobName.Contains("..", StringComparison.Ordinal) || m.BlobName.StartsWith('/')))
            throw new Violation("unusable blob name accepted", Invariants.Show.Text(m.BlobName));
        probe.AssertBounds();
        return new CaseOutcome(false, request.Message is null ? 0 : 1, request.Ignored is null ? 0 : 1);
    }
}
