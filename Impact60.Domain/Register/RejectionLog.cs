using System.Collections;
using System.Text.RegularExpressions;

namespace Impact60.Domain.Register;

/// <summary>
/// A delivery's rejected rows, bounded: every rejection is counted, by kind of reason, and handed to <c>onEach</c> as it
/// happens (a report written while reading); only the first <see cref="ExampleLimit"/> are kept in memory as examples.
/// A file of millions of bad rows therefore costs the same memory as one with a hundred. The readers take any
/// <see cref="ICollection{Rejection}"/>; this is the one the ingestion and the CLI give them.
/// </summary>
/// <remarks>
/// The kind of a reason is the reason with its quoted values and numbers taken out ("week '…' is not an ISO week"), so
/// that "line 7: cpr '12' …" and "line 9: cpr '13' …" count as one kind. At most <see cref="KindLimit"/> kinds are told
/// apart; the rest count under <see cref="OtherKinds"/>. Enumerating the log enumerates the examples.
/// </remarks>
public sealed partial class RejectionLog : ICollection<Rejection>
{
    public const int DefaultExampleLimit = 100;
    public const int KindLimit = 50;
    public const string OtherKinds = "(other reasons)";

    private readonly List<Rejection> _examples = [];
    private readonly Dictionary<string, long> _byKind = new(StringComparer.Ordinal);
    private readonly Action<Rejection>? _onEach;

    public RejectionLog(int exampleLimit = DefaultExampleLimit, Action<Rejection>? onEach = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exampleLimit);
        ExampleLimit = exampleLimit;
        _onEach = onEach;
    }

    public int ExampleLimit { get; }

    /// <summary>Every rejection added, whether kept as an example or not.</summary>
    public long Total { get; private set; }

    /// <summary>The first <see cref="ExampleLimit"/> rejections, in the order they were added.</summary>
    public IReadOnlyList<Rejection> Examples => _examples;

    /// <summary>True when more were rejected than are kept as examples.</summary>
    public bool Truncated => Total > _examples.Count;

    /// <summary>Counts per kind of reason, most frequent first (ties by kind).</summary>
    public IReadOnlyList<(string Kind, long Count)> ByKind =>
        _byKind.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();

    public void Add(Rejection item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Total++;
        var kind = KindOf(item.Reason);
        if (!_byKind.ContainsKey(kind) && _byKind.Count >= KindLimit) kind = OtherKinds;
        _byKind[kind] = _byKind.GetValueOrDefault(kind) + 1;
        if (_examples.Count < ExampleLimit) _examples.Add(item);
        _onEach?.Invoke(item);
    }

    /// <summary>The reason with quoted values and numbers replaced, so rejections of one kind count together.</summary>
    public static string KindOf(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var kind = Quoted().Replace(reason, "'…'");
        kind = Numbers().Replace(kind, "N");
        return kind.Length <= 200 ? kind : kind[..200] + "…";
    }

    [GeneratedRegex("'[^']*'", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\d+", RegexOptions.CultureInvariant)]
    private static partial Regex Numbers();

    int ICollection<Rejection>.Count => (int)Math.Min(Total, int.MaxValue);
    bool ICollection<Rejection>.IsReadOnly => false;

    public void Clear()
    {
        Total = 0;
        _examples.Clear();
        _byKind.Clear();
    }

    bool ICollection<Rejection>.Contains(Rejection item) => _examples.Contains(item);
    void ICollection<Rejection>.CopyTo(Rejection[] array, int arrayIndex) => _examples.CopyTo(array, arrayIndex);
    bool ICollection<Rejection>.Remove(Rejection item) => throw new NotSupportedException("A rejection, once made, stays on the record.");
    public IEnumerator<Rejection> GetEnumerator() => _examples.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
