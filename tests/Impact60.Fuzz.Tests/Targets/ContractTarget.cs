using System.Text;
using Impact60.Domain.Contracts;
using Impact60.Fuzz.Tests.Harness;

namespace Impact60.Fuzz.Tests.Targets;

/// <summary>
/// <c>ContractLoader.Load</c>, given the text as the app reads it (<c>File.ReadAllText</c>: UTF-8, a BOM of UTF-8, UTF-16
/// or UTF-32 honoured). Invariants: only <see cref="ContractException"/> escapes; a contract that loads has plausible
/// dates (tariffs, suspensions, revenue plan); memory (the exception's error list included) and allocation within
/// <see cref="Bounds"/> (time by hand).
/// </summary>
public sealed class ContractTarget : FuzzTarget
{
    public override string Name => "contract";

    public override IReadOnlyList<Seed> Seeds { get; } = [Load("samples/impact60.contract.json"), Load("contract-variant.json")];

    public override OpKind[] Ops => JsonOps;

    public override int BoundedCases => 500;

    public override CaseOutcome Execute(byte[] input, Probe probe)
    {
        string text;
        using (var reader = new StreamReader(new MemoryStream(input), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            text = reader.ReadToEnd();

        Contract? contract = null;
        ContractException? refused = null;
        probe.Begin(input.Length);
        try
        {
            contract = ContractLoader.Load(text, "impact60.contract.json");
        }
        catch (ContractException e)
        {
            refused = e;
        }
        probe.End(contract, refused);

        if (contract is not null)
        {
            foreach (var t in contract.Tariffs) Invariants.Plausible(t.ValidFrom, "tariff validFrom");
            foreach (var s in contract.Suspensions)
            {
                Invariants.Plausible(s.From, "suspension from");
                Invariants.Plausible(s.To, "suspension to");
            }
            foreach (var r in contract.RevenuePlan) Invariants.Plausible(new DateOnly(r.Year, r.Month, 1), "revenue plan through");
        }
        probe.AssertBounds();
        return contract is null ? CaseOutcome.Refusal : new CaseOutcome(false, 1, 0);
    }
}
