using System.Globalization;

namespace Impact60.Fuzz.Tests.Harness;

/// <summary>What one mutation does to the input (docs/fuzzing.md "Mutators").</summary>
public enum OpKind
{
    // Bytes and lines: every target.
    BitFlip,
    InsertByte,
    DeleteBytes,
    Truncate,
    DuplicateLine,
    SwapLines,
    Separator,
    LineEndings,
    HugeField,
    ControlChar,
    Windows1252,
    Utf16,
    Bom,
    LongLine,
    Empty,
    HeaderOnly,
    DigitRun,
    WidenColumns,
    SwapFields,
    CprInField,
    Splice,
    ScaleUp,
    EdgeValue,

    // JSON structure: the JSON targets (applied to the parsed document; a byte insert when the input does not parse).
    JsonDropKey,
    JsonDuplicateKey,
    JsonWrongType,
    JsonDeepNesting,
    JsonHugeNumber,
    JsonUnknownKeys,
    JsonRepeatElement,
    JsonCopyValue,
    JsonStringValue,
    JsonRemoveElement,
    JsonReplaceRoot,
}

/// <summary>
/// One mutation: its kind and three numbers the mutator reads as it needs (a position as <c>A mod length</c>, a choice
/// from a list as <c>B mod count</c>, a size or count as <c>N</c>, clipped to the run's <see cref="FuzzLimits"/>).
/// CsCheck generates and shrinks them: fewer operations, smaller numbers.
/// </summary>
public readonly record struct Op(OpKind Kind, uint A, uint B, int N)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Kind}(a={A}, b={B}, n={N})");
}

/// <summary>A fuzz case: which seed, and the mutations applied to it in order (none: the seed as it is).</summary>
public sealed record FuzzCase(int SeedIndex, Op[] Ops)
{
    public string Describe(IReadOnlyList<Seed> seeds) =>
        $"seed '{seeds[SeedIndex].Name}'" + (Ops.Length == 0 ? ", unmodified" : ", then " + string.Join(" → ", Ops));
}

/// <summary>A starting input: a shipped sample or a small hand-made file.</summary>
public sealed record Seed(string Name, byte[] Bytes);

/// <summary>How far the mutators may go: the bounded CI run keeps inputs small enough to run thousands in seconds.</summary>
public sealed record FuzzLimits(int MaxHugeBytes, int MaxRepeat, int MaxColumns, int MaxJsonRepeat, int MaxJsonKeys, int MaxNesting, int MaxInputBytes)
{
    /// <summary>The bounded run in the tests: fields up to 512 KB, inputs up to 1 MB, wide headers up to 10,000 columns.</summary>
    public static readonly FuzzLimits Bounded = new(MaxHugeBytes: 512 << 10, MaxRepeat: 1_000, MaxColumns: 10_000, MaxJsonRepeat: 1_000, MaxJsonKeys: 5_000, MaxNesting: 5_000, MaxInputBytes: 1 << 20);

    /// <summary>The long run by hand: fields up to 4 MB, inputs up to 8 MB, wide headers up to 50,000 columns.</summary>
    public static readonly FuzzLimits Long = new(MaxHugeBytes: 4 << 20, MaxRepeat: 20_000, MaxColumns: 50_000, MaxJsonRepeat: 1_500, MaxJsonKeys: 50_000, MaxNesting: 100_000, MaxInputBytes: 8 << 20);

    /// <summary>The largest <see cref="Op.N"/> worth generating.</summary>
    public int MaxN => Math.Max(MaxHugeBytes, Math.Max(MaxColumns, MaxNesting));
}
