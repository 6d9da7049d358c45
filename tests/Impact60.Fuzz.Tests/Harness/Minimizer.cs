using System.Diagnostics;

namespace Impact60.Fuzz.Tests.Harness;

/// <summary>
/// Makes a failing input smaller while it still breaks the same invariant: first whole lines are taken out (halves,
/// quarters, ... single lines), then JSON items and properties, then runs of bytes down to single bytes. CsCheck shrinks
/// the mutations; this shrinks the bytes, so a finding comes with a reproducer small enough to read and paste into a test.
/// </summary>
public static class Minimizer
{
    public static byte[] Minimize(byte[] input, Func<byte[], bool> stillFails, TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        var current = input;
        bool Out() => clock.Elapsed > budget;

        bool progress;
        do
        {
            progress = false;
            foreach (var candidate in LineReductions(current).Concat(JsonMutators.Reductions(current)).Concat(ByteReductions(current)))
            {
                if (Out()) return current;
                if (candidate.Length >= current.Length || !stillFails(candidate)) continue;
                current = candidate;
                progress = true;
                break;
            }
        }
        while (progress && !Out());
        return current;
    }

    /// <summary>The input without a chunk of its lines, biggest chunks first.</summary>
    private static IEnumerable<byte[]> LineReductions(byte[] input)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < input.Length; i++)
            if (input[i] == (byte)'\n' && i + 1 < input.Length) starts.Add(i + 1);
        var lines = starts.Count;
        for (var chunk = lines / 2; chunk >= 1; chunk /= 2)
            for (var first = 0; first + chunk <= lines; first += chunk)
            {
                var from = starts[first];
                var to = first + chunk < lines ? starts[first + chunk] : input.Length;
                yield return [.. input.AsSpan(0, from), .. input.AsSpan(to)];
            }
    }

    /// <summary>The input without a run of bytes, biggest runs first; single bytes only for small inputs.</summary>
    private static IEnumerable<byte[]> ByteReductions(byte[] input)
    {
        var smallest = input.Length > 4096 ? input.Length / 256 : 1;
        for (var chunk = input.Length / 2; chunk >= Math.Max(1, smallest); chunk /= 2)
            for (var from = 0; from + chunk <= input.Length; from += chunk)
                yield return [.. input.AsSpan(0, from), .. input.AsSpan(from + chunk)];
    }
}
