using System.Globalization;
using Impact60.Domain.Text;

namespace Impact60.Domain.Contracts;

/// <summary>One step into a document: a property (or map key) by <see cref="Name"/>, or an array entry by <see cref="Index"/>.</summary>
internal readonly record struct Segment(string? Name, int Index);

/// <summary>
/// Where an error is: its JSON path as the operator reads it (<c>$.tariffs[1].validFrom</c>, a map key as
/// <c>$.classification.codes['651']</c>, names escaped and cut by <see cref="SafeText.Quote"/>), and its place in the
/// listing: in the order of the schema's properties, unknown properties of an object before its known ones, entries by
/// index.
/// </summary>
internal sealed class ContractLocation
{
    private ContractLocation(string path, string parentPath, long[] order) => (Path, ParentPath, Order) = (path, parentPath, order);

    public string Path { get; }
    public string ParentPath { get; }
    public long[] Order { get; }

    public static ContractLocation Of(IReadOnlyList<Segment> segments)
    {
        var path = "$";
        var parentPath = "$";
        var order = new long[segments.Count];
        ContractSchemaNode? node = ContractSchema.Root;
        for (var i = 0; i < segments.Count; i++)
        {
            parentPath = path;
            const long known = 1L << 32;
            if (segments[i].Name is { } name)
            {
                var property = node?.Property(name);
                path += node is { IsMap: true } ? $"['{SafeText.Quote(name)}']" : "." + SafeText.Quote(name);
                order[i] = property is { } p ? known | (uint)(node!.IsMap ? 0 : p.Order) : 0;
                node = property?.Node;
            }
            else
            {
                path += string.Create(CultureInfo.InvariantCulture, $"[{segments[i].Index}]");
                order[i] = known | (uint)segments[i].Index;
                node = node?.Items;
            }
        }
        return new ContractLocation(path, parentPath, order);
    }

    /// <summary>The location of a path the loader writes itself: <c>$.a.b[2].c</c> (names without dots or brackets).</summary>
    public static ContractLocation Parse(string path)
    {
        var segments = new List<Segment>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                segments.Add(new Segment(path[(i + 1)..end], 0));
                i = end;
            }
            else
            {
                var end = path.IndexOf(']', i);
                segments.Add(path[i + 1] == '\''
                    ? new Segment(path[(i + 2)..(end - 1)], 0)
                    : new Segment(null, int.Parse(path.AsSpan(i + 1, end - i - 1), CultureInfo.InvariantCulture)));
                i = end + 1;
            }
        }
        return Of(segments);
    }

    public static int Compare(ContractLocation a, ContractLocation b)
    {
        for (var i = 0; i < Math.Min(a.Order.Length, b.Order.Length); i++)
            if (a.Order[i] != b.Order[i]) return a.Order[i].CompareTo(b.Order[i]);
        return a.Order.Length.CompareTo(b.Order.Length);
    }
}
