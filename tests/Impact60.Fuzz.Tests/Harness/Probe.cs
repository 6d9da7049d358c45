using System.Diagnostics;
using System.Globalization;

namespace Impact60.Fuzz.Tests.Harness;

/// <summary>
/// The stated bounds (docs/fuzzing.md "Memory, work and time bounds"): what reading one input may keep and cost.
/// </summary>
public static class Bounds
{
    /// <summary>
    /// Managed memory still held after the read, results and rejection log included, per byte of input. The densest valid
    /// input, a wide file of empty cells, is one byte per week, each week a 24-byte struct in a list that may have grown to
    /// twice its count: up to 48 B per byte (BoundsTests measures it).
    /// </summary>
    public const long MemoryPerInputByte = 64;

    /// <summary>Plus this much whatever the input (caches, the rejection log's 100 examples, JIT and runtime noise).</summary>
    public const long MemoryConstant = 16L << 20;

    /// <summary>
    /// Work: bytes allocated on the reading thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) from the start of
    /// the read to its end, per byte of input. What a reader allocates depends on its input and its code, not on the
    /// machine or its load, so this bound gives the same answer on every run. The bounded run's worst is about 260 B per
    /// byte (a wide file of many short lines); a reader that does a pass over the line or the header for every cell or
    /// column allocates thousands of bytes per byte.
    /// </summary>
    public const long AllocationPerInputByte = 2048;

    /// <summary>Plus this much whatever the input (the samples' few hundred KB allocate up to about 6 MB).</summary>
    public const long AllocationConstant = 64L << 20;

    /// <summary>Processor time per MB of input: checked only in runs by hand (FUZZ_SECONDS or FUZZ_TIME=1), never in the tests.</summary>
    public static readonly TimeSpan CpuPerMegabyte = TimeSpan.FromSeconds(2);

    /// <summary>Plus this much whatever the input.</summary>
    public static readonly TimeSpan CpuConstant = TimeSpan.FromSeconds(2);

    public static long Memory(long inputBytes) => MemoryPerInputByte * inputBytes + MemoryConstant;

    public static long Allocation(long inputBytes) => AllocationPerInputByte * inputBytes + AllocationConstant;

    public static TimeSpan Cpu(long inputBytes) => CpuConstant + CpuPerMegabyte * (inputBytes / (double)(1 << 20));

    public static string Describe(bool enforceTime) => string.Create(CultureInfo.InvariantCulture,
        $"memory ≤ {MemoryPerInputByte} B per input byte + {MemoryConstant >> 20} MB; allocation ≤ {AllocationPerInputByte:N0} B per input byte + {AllocationConstant >> 20} MB; processor time ≤ {CpuConstant.TotalSeconds:0} s + {CpuPerMegabyte.TotalSeconds:0} s per MB {(enforceTime ? "(enforced: a run by hand)" : "(reported, not enforced: set FUZZ_TIME=1 to enforce)")}");
}

/// <summary>An invariant of docs/fuzzing.md broken by one input: what (the finding's signature) and the particulars.</summary>
public sealed class Violation(string invariant, string detail) : Exception($"{invariant}: {detail}")
{
    public string Invariant { get; } = invariant;
    public string Detail { get; } = detail;
}

/// <summary>Thrown by <see cref="Probe.AssertBounds"/> in a quick measurement that allocated more than the memory bound: run the case again, precisely.</summary>
public sealed class MeasureAgain() : Exception("allocated more than the memory bound: measure retained memory precisely");

/// <summary>
/// Measures one case: bytes allocated by its thread, managed memory retained (<see cref="GC.GetTotalMemory"/> after a full
/// collection, before and after, with the results held) and processor time. Full collections cost more than most cases,
/// so by default a case is first measured quickly, by what its thread allocated: retained memory cannot exceed that, so
/// a case that allocated less than the memory bound is within it, and only one that allocated more is run again and
/// measured precisely (<c>FUZZ_PRECISE=1</c> measures every case precisely).
/// <para>
/// <see cref="Tick"/> is called from the rejection sink, the row loop and the input stream. It stops a case whose thread
/// has allocated more than <see cref="Bounds.Allocation"/>: a reader that is quadratic on an input (a pass over the whole
/// line for every cell) allocates in proportion, so it is stopped at the same point on every run, whatever the machine's
/// load. Processor time is measured and reported always, but checked only when <paramref name="enforceTime"/> (runs by
/// hand: tests do not time things).
/// </para>
/// </summary>
public sealed class Probe(bool precise, bool enforceTime = false)
{
    private readonly Stopwatch _wall = new();
    private long _before, _allocatedBefore;
    private long _allocationBudget;
    private bool _running;
    private TimeSpan _cpuStart;
    private TimeSpan _budget;
    private long _lastCheckTicks;

    public bool Precise => precise;
    public bool EnforcesTime => enforceTime;
    public long InputBytes { get; private set; }

    /// <summary>Memory retained, when measured <see cref="Precise"/>ly; otherwise -1.</summary>
    public long Retained { get; private set; } = -1;

    /// <summary>Bytes allocated by the case's thread: the work bound's measure, and an upper bound of what it can retain.</summary>
    public long Allocated { get; private set; }

    public TimeSpan Cpu { get; private set; }
    public TimeSpan Wall { get; private set; }

    public void Begin(long inputBytes)
    {
        InputBytes = inputBytes;
        _budget = Bounds.Cpu(inputBytes);
        _allocationBudget = Bounds.Allocation(inputBytes);
        if (precise) _before = GC.GetTotalMemory(forceFullCollection: true);
        _allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        _cpuStart = Environment.CpuUsage.TotalTime;
        _lastCheckTicks = 0;
        _running = true;
        _wall.Restart();
    }

    /// <summary>
    /// Stops the case (a <see cref="Violation"/> "allocation bound") once its thread has allocated more than its bound;
    /// checked on every call, so the stop does not depend on timing. With the time bound enforced, also looks at the
    /// processor time, at most every 20 ms of wall time ("time bound").
    /// </summary>
    public void Tick()
    {
        if (!_running) return;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - _allocatedBefore;
        if (allocated > _allocationBudget)
            throw new Violation("allocation bound", string.Create(CultureInfo.InvariantCulture,
                $"stopped after {allocated:N0} bytes allocated, bound {_allocationBudget:N0} for {InputBytes:N0} bytes of input"));
        if (!enforceTime) return;
        var now = _wall.ElapsedTicks;
        if (now - _lastCheckTicks < Stopwatch.Frequency / 50) return;
        _lastCheckTicks = now;
        var cpu = Environment.CpuUsage.TotalTime - _cpuStart;
        if (cpu > _budget)
            throw new Violation("time bound", string.Create(CultureInfo.InvariantCulture,
                $"stopped after {cpu.TotalSeconds:0.0} s of processor time ({_wall.Elapsed.TotalSeconds:0.0} s wall), bound {_budget.TotalSeconds:0.0} s for {InputBytes:N0} bytes"));
    }

    /// <summary>Ends the measurement; <paramref name="held"/> are the results, kept alive until memory is measured.</summary>
    public void End(params object?[] held)
    {
        _running = false;
        Wall = _wall.Elapsed;
        Cpu = Environment.CpuUsage.TotalTime - _cpuStart;
        Allocated = GC.GetAllocatedBytesForCurrentThread() - _allocatedBefore;
        if (precise) Retained = GC.GetTotalMemory(forceFullCollection: true) - _before;
        GC.KeepAlive(held);
    }

    /// <summary>
    /// Throws a <see cref="Violation"/> when the case kept more memory, allocated more or (when enforced) took more time
    /// than <see cref="Bounds"/> allow, or <see cref="MeasureAgain"/> when a quick measurement cannot tell.
    /// </summary>
    public void AssertBounds()
    {
        var bound = Bounds.Memory(InputBytes);
        if (!precise && Allocated > bound) throw new MeasureAgain();
        if (precise && Retained > bound)
            throw new Violation("memory bound", string.Create(CultureInfo.InvariantCulture,
                $"{Retained:N0} bytes retained for {InputBytes:N0} bytes of input ({(double)Retained / Math.Max(1, InputBytes):0.0} B per byte; bound {bound:N0})"));
        var work = Bounds.Allocation(InputBytes);
        if (Allocated > work)
            throw new Violation("allocation bound", string.Create(CultureInfo.InvariantCulture,
                $"{Allocated:N0} bytes allocated for {InputBytes:N0} bytes of input ({(double)Allocated / Math.Max(1, InputBytes):0.0} B per byte; bound {work:N0})"));
        if (enforceTime && Cpu > _budget)
            throw new Violation("time bound", string.Create(CultureInfo.InvariantCulture,
                $"{Cpu.TotalSeconds:0.00} s of processor time for {InputBytes:N0} bytes of input (bound {_budget.TotalSeconds:0.00} s)"));
    }
}

/// <summary>The input as a read-only stream that ticks the probe on every read.</summary>
public sealed class ProbeStream(byte[] bytes, Probe probe) : MemoryStream(bytes, writable: false)
{
    public override int Read(byte[] buffer, int offset, int count)
    {
        probe.Tick();
        return base.Read(buffer, offset, count);
    }

    public override int Read(Span<byte> buffer)
    {
        probe.Tick();
        return base.Read(buffer);
    }
}
