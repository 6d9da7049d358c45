namespace Impact60.Fuzz.Tests.Harness;

/// <summary>How one case ended, for the run's statistics: refused whole, or taken with so many rows and rejections.</summary>
public readonly record struct CaseOutcome(bool Refused, long Rows, long Rejections)
{
    public static CaseOutcome Refusal => new(true, 0, 0);
}

/// <summary>Something fuzzed: its seeds, the mutators that suit it, and how to run one input and check it.</summary>
public abstract class FuzzTarget
{
    /// <summary>Short name: used in file names under findings/ and in the run table.</summary>
    public abstract string Name { get; }

    public abstract IReadOnlyList<Seed> Seeds { get; }

    /// <summary>The mutators drawn from, an operation repeated to weigh it more.</summary>
    public abstract OpKind[] Ops { get; }

    /// <summary>Cases in the bounded run of the tests.</summary>
    public abstract int BoundedCases { get; }

    /// <summary>
    /// Runs <paramref name="input"/> through the production code between <see cref="Probe.Begin"/> and <see cref="Probe.End"/>
    /// and checks the invariants; the documented exception is an outcome (a refusal), anything else escapes as a finding.
    /// </summary>
    public abstract CaseOutcome Execute(byte[] input, Probe probe);

    /// <summary>The byte- and line-level mutators, for every target.</summary>
    public static readonly OpKind[] TextOps =
    [
        OpKind.BitFlip, OpKind.BitFlip, OpKind.BitFlip, OpKind.InsertByte, OpKind.InsertByte, OpKind.DeleteBytes, OpKind.Truncate,
        OpKind.DuplicateLine, OpKind.SwapLines, OpKind.Separator, OpKind.Separator, OpKind.LineEndings, OpKind.HugeField,
        OpKind.ControlChar, OpKind.ControlChar, OpKind.Windows1252, OpKind.Utf16, OpKind.Bom, OpKind.LongLine, OpKind.Empty,
        OpKind.HeaderOnly, OpKind.DigitRun, OpKind.DigitRun, OpKind.WidenColumns, OpKind.WidenColumns, OpKind.SwapFields,
        OpKind.CprInField, OpKind.CprInField, OpKind.Splice, OpKind.ScaleUp, OpKind.ScaleUp,
        OpKind.EdgeValue, OpKind.EdgeValue, OpKind.EdgeValue,
    ];

    /// <summary>For JSON: byte mutators that make sense on JSON text, and the structural ones twice over.</summary>
    public static readonly OpKind[] JsonOps =
    [
        OpKind.BitFlip, OpKind.BitFlip, OpKind.InsertByte, OpKind.DeleteBytes, OpKind.Truncate, OpKind.HugeField, OpKind.ControlChar,
        OpKind.Windows1252, OpKind.Utf16, OpKind.Bom, OpKind.Empty, OpKind.DigitRun, OpKind.Splice,
        OpKind.JsonDropKey, OpKind.JsonDropKey, OpKind.JsonDuplicateKey, OpKind.JsonDuplicateKey, OpKind.JsonWrongType, OpKind.JsonWrongType,
        OpKind.JsonDeepNesting, OpKind.JsonHugeNumber, OpKind.JsonHugeNumber, OpKind.JsonUnknownKeys, OpKind.JsonRepeatElement,
        OpKind.JsonRepeatElement, OpKind.JsonCopyValue, OpKind.JsonCopyValue, OpKind.JsonStringValue, OpKind.JsonStringValue,
        OpKind.JsonStringValue, OpKind.JsonRemoveElement, OpKind.JsonReplaceRoot,
    ];

    protected static Seed Load(string relativePath) =>
        new(Path.GetFileName(relativePath), File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Seeds", relativePath)));

    /// <summary>The first <paramref name="lines"/> lines of a seed: a small seed runs many more cases per second.</summary>
    protected static Seed Head(Seed seed, int lines)
    {
        var end = 0;
        for (var n = 0; n < lines && end < seed.Bytes.Length; end++)
            if (seed.Bytes[end] == (byte)'\n') n++;
        return new Seed($"{seed.Name} (first {lines} lines)", seed.Bytes[..end]);
    }
}
