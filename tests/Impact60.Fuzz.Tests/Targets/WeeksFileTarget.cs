using System.Globalization;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Text;
using Impact60.Fuzz.Tests.Harness;

namespace Impact60.Fuzz.Tests.Targets;

/// <summary>
/// <c>WeeksFile.Read</c>, seeded with the long-form or the wide-form samples (mutations may turn one into the other).
/// Invariants: only <see cref="RegisterFileException"/> escapes (invalid UTF-8 must be one); otherwise
/// <list type="bullet">
/// <item>long form: every data line ends as exactly one week or one rejection; unknown columns are listed on line 1;</item>
/// <item>wide form: of the H header columns, K are read (y_YYWW naming a week not in the future, as
/// <see cref="WeeksFile.TryParseWideColumn"/> reads it); the others but cpr are ignored and listed on line 1. A data line
/// whose field count is not H, that holds a control or invisible character (<see cref="SafeText.IsUnsafe"/>) in any field,
/// or whose cpr field is not a CPR, is rejected whole (exactly one rejection, no week); any
/// other data line ends as K weeks and bad cells together (weeks + rejections = K), so the total of weeks is
/// Σ (K − rejections of the line);</item>
/// <item>blank lines end as nothing; weeks are of a person, plausible and not in the future; rejections CPR-free and
/// safe to show; memory and allocation within <see cref="Bounds"/> (time by hand).</item>
/// </list>
/// </summary>
public sealed class WeeksFileTarget(WeeksFileForm form) : FuzzTarget
{
    public override string Name => form == WeeksFileForm.Long ? "weeks-long" : "weeks-wide";

    public override IReadOnlyList<Seed> Seeds { get; } = CreateSeeds(form);

    private static Seed[] CreateSeeds(WeeksFileForm form)
    {
        if (form == WeeksFileForm.Wide)
        {
            var dream = Load("samples/weeks-2022-01-dream.csv");
            return [dream, Head(dream, 6)];
        }
        var june = Load("samples/weeks-2021-06.csv");
        var revision = Load("samples/weeks-2022-02-revision.csv");
        return [june, revision, Head(june, 40), Head(revision, 12)];
    }

    public override OpKind[] Ops => TextOps;

    public override int BoundedCases => form == WeeksFileForm.Long ? 250 : 500;

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
        var weeks = new List<RegisterWeek>();
        RegisterFileException? refused = null;

        probe.Begin(input.Length);
        try
        {
            foreach (var week in WeeksFile.Read(new ProbeStream(input, probe), "weeks.csv", Invariants.Pseudonymizer, Invariants.LatestAllowedWeek, log))
            {
                weeks.Add(week);
                probe.Tick();
            }
        }
        catch (RegisterFileException e)
        {
            refused = e;
        }
        probe.End(weeks, log, refused);

        if (refused is not null)
        {
            Invariants.CprFree(refused.Message, "a refusal message");
            probe.AssertBounds();
            return CaseOutcome.Refusal;
        }
        if (!model.ValidUtf8) throw new Violation("invalid UTF-8 accepted", "the file is not UTF-8, yet it was read, not refused whole");
        foreach (var w in weeks) Invariants.Week(w, "register week");
        if (tally.OutOfRange > 0)
            throw new Violation("rejection on a line that is not in the file", string.Create(CultureInfo.InvariantCulture, $"line {tally.FirstOutOfRange} of {model.LineCount}"));

        var expected = ExpectedWeeks(model, tally);
        if (weeks.Count != expected)
            throw new Violation("rows not accounted", string.Create(CultureInfo.InvariantCulture,
                $"{weeks.Count} weeks read, but the data lines less their rejections account for {expected} ({model.DataLines.Count()} data lines, {log.Total} rejections)"));
        probe.AssertBounds();
        return new CaseOutcome(false, weeks.Count, log.Total);
    }

    /// <summary>
    /// How many weeks a file read without refusal must have yielded, given the rejections per line; throws a
    /// <see cref="Violation"/> when the rejections themselves do not fit the file (see the class summary).
    /// </summary>
    public static long ExpectedWeeks(ExtractModel model, LineTally tally)
    {
        var isLong = model.Columns.Contains(WeeksFile.WeekColumn);
        var isWide = model.Columns.Any(c => c.StartsWith("y_", StringComparison.Ordinal));
        return (isLong, isWide) switch
        {
            (true, false) => AccountLong(model, tally),
            (false, true) => AccountWide(model, tally),
            _ => throw new Violation("a file of neither form read", $"header {Invariants.Show.Text(model.Lines.FirstOrDefault() ?? "")}"),
        };
    }

    private static long AccountLong(ExtractModel model, LineTally tally)
    {
        var unknown = model.Columns.Count(c => c is not (WeeksFile.CprColumn or WeeksFile.WeekColumn or WeeksFile.CodeColumn));
        HeaderAccounted(unknown, tally.RejectionsAt(1), "unknown column(s)");
        long expected = 0;
        for (var line = 2; line <= model.LineCount; line++)
        {
            var j = tally.RejectionsAt(line);
            if (!model.IsData(line))
            {
                if (j != 0) throw NotAccounted(model, line, $"a blank line has {j} rejection(s)");
                continue;
            }
            if (j > 1) throw NotAccounted(model, line, $"{j} rejections for one long-form line");
            expected += 1 - j;
        }
        return expected;
    }

    private static long AccountWide(ExtractModel model, LineTally tally)
    {
        var h = model.Columns.Length;
        var cprIndex = Array.IndexOf(model.Columns, WeeksFile.CprColumn);
        if (cprIndex < 0) throw new Violation("header not accounted", "a wide-form file without a cpr column was read");
        // The week columns read: y_YYWW naming a week that is not in the future. Every other column is ignored.
        var k = model.Columns.Where((c, i) => i != cprIndex && WeeksFile.TryParseWideColumn(c, out var week, out _) && week <= Invariants.LatestAllowedWeek).Count();
        HeaderAccounted(h - 1 - k, tally.RejectionsAt(1), "ignored column(s)");
        long expected = 0;
        for (var line = 2; line <= model.LineCount; line++)
        {
            var j = tally.RejectionsAt(line);
            if (!model.IsData(line))
            {
                if (j != 0) throw NotAccounted(model, line, $"a blank line has {j} rejection(s)");
                continue;
            }
            var fields = model.Fields(line);
            var whole = fields.Length != h ? $"{fields.Length} fields, header {h}"
                : SafeText.HasUnsafe(model.Lines[line - 1]) ? "a field holds a control or invisible character"
                : !Cpr.TryParse(fields[cprIndex].Trim(), out _, out _) ? "its cpr is not a CPR"
                : null;
            if (whole is not null && j != 1)
                throw NotAccounted(model, line, $"the row is bad as a whole ({whole}) but has {j} rejections, not one");
            if (whole is null && j > k)
                throw NotAccounted(model, line, $"{j} rejections for {k} week columns");
            if (whole is null) expected += k - j;
        }
        return expected;
    }

    /// <summary>Columns the reader ignores are listed on line 1: one rejection each, or fewer naming several; none if none.</summary>
    internal static void HeaderAccounted(int ignored, int rejections, string what)
    {
        if (ignored == 0 ? rejections != 0 : rejections < 1 || rejections > ignored)
            throw new Violation("header not accounted", string.Create(CultureInfo.InvariantCulture, $"{ignored} {what} but {rejections} rejection(s) on line 1"));
    }

    private static Violation NotAccounted(ExtractModel model, int line, string what) =>
        new("rows not accounted", string.Create(CultureInfo.InvariantCulture, $"line {line}: {what}: {Invariants.Show.Text(model.Lines[line - 1])}"));
}
