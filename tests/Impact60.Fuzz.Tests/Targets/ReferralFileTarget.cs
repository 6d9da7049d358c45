using System.Globalization;
using Impact60.Domain.Register;
using Impact60.Fuzz.Tests.Harness;

namespace Impact60.Fuzz.Tests.Targets;

/// <summary>
/// <c>ReferralFile.ReadRows</c>. Invariants: only <see cref="RegisterFileException"/> escapes (a whole-file refusal; any
/// invalid UTF-8 must be one); otherwise every data line ends as exactly one row or one rejection, unknown header
/// columns are listed on line 1 (one rejection each, or fewer naming several), and nothing else; rows have plausible dates and no CPR-shaped identifier;
/// rejections are CPR-free and safe to show; memory and allocation within <see cref="Bounds"/> (time by hand).
/// </summary>
public sealed class ReferralFileTarget : FuzzTarget
{
    private static readonly string[] Known = ["referral_id", "cpr", "referred_on", "course_start", "course_end", "fokus_ref", "business"];

    public override string Name => "referrals";

    public override IReadOnlyList<Seed> Seeds { get; } = CreateSeeds();

    private static Seed[] CreateSeeds()
    {
        var sample = Load("samples/referrals.csv");
        return [sample, Head(sample, 6)];
    }

    public override OpKind[] Ops => TextOps;

    public override int BoundedCases => 500;

    public override CaseOutcome Execute(byte[] input, Probe probe)
    {
        var model = ExtractModel.Of(input);
        var tally = new LineTally(model.LineCount);
        var log = new RejectionLog(onEach: r =>
        {
            probe.Tick();
            tally.Rejection(r.Line);
            Invariants.Rejection(r);
        });
        var rows = new List<ReferralRow>();
        RegisterFileException? refused = null;

        probe.Begin(input.Length);
        try
        {
            foreach (var row in ReferralFile.ReadRows(new ProbeStream(input, probe), "referrals.csv", Invariants.Pseudonymizer, log))
            {
                rows.Add(row);
                probe.Tick();
            }
        }
        catch (RegisterFileException e)
        {
            refused = e;
        }
        probe.End(rows, log, refused);

        if (refused is not null)
        {
            Invariants.CprFree(refused.Message, "a refusal message");
            probe.AssertBounds();
            return CaseOutcome.Refusal;
        }
        if (!model.ValidUtf8) throw new Violation("invalid UTF-8 accepted", "the file is not UTF-8, yet it was read, not refused whole");

        foreach (var row in rows)
        {
            tally.Row(row.Line);
            Invariants.Referral(row.Referral, "referral row");
            Invariants.CprFree(row.MaskedRawLine, "a referral row's masked raw line");
        }
        if (tally.OutOfRange > 0)
            throw new Violation("row or rejection on a line that is not in the file", string.Create(CultureInfo.InvariantCulture, $"line {tally.FirstOutOfRange} of {model.LineCount}"));

        if (tally.RowsAt(1) != 0) throw new Violation("header not accounted", "a row from line 1, the header");
        WeeksFileTarget.HeaderAccounted(model.Columns.Count(c => !Known.Contains(c)), tally.RejectionsAt(1), "unknown column(s)");
        for (var line = 2; line <= model.LineCount; line++)
        {
            var (r, j) = (tally.RowsAt(line), tally.RejectionsAt(line));
            if (model.IsData(line) ? r + j != 1 : r + j != 0)
                throw new Violation("rows not accounted", string.Create(CultureInfo.InvariantCulture,
                    $"line {line} ({(model.IsData(line) ? "a data line" : "blank")}) ended as {r} row(s) and {j} rejection(s); a data line must end as exactly one of them, a blank line as none: {Invariants.Show.Text(model.Lines[line - 1])}"));
        }
        probe.AssertBounds();
        return new CaseOutcome(false, rows.Count, log.Total);
    }
}
