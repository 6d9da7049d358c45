using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Impact60.Fuzz.Tests.Harness;

/// <summary>
/// Structural JSON mutations: the input is parsed into a small tree of its own (which, unlike <c>JsonNode</c>, keeps
/// duplicate keys and any number literal as written), one node is changed, and the tree is written back compactly.
/// Input that does not parse gets a byte inserted instead, so every operation still changes something.
/// </summary>
public static class JsonMutators
{
    private abstract class Node;

    private sealed class Obj : Node
    {
        public List<KeyValuePair<string, Node>> Props { get; } = [];
    }

    private sealed class Arr : Node
    {
        public List<Node> Items { get; } = [];
    }

    /// <summary>A scalar, or any text written as it is (huge numbers, deep nesting).</summary>
    private sealed class Raw(string text) : Node
    {
        public string Text { get; } = text;
        public bool IsString => Text.StartsWith('"');
    }

    /// <summary>Where a node sits: the container and the index in it (a null container: the root).</summary>
    private readonly record struct Slot(Node? Container, int Index, Node Value);

    public static byte[] Apply(byte[] input, Op op, FuzzLimits limits)
    {
        Node root;
        try
        {
            using var document = JsonDocument.Parse(input, new JsonDocumentOptions { MaxDepth = 256 });
            root = FromElement(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or JSON whose strings are not UTF-8 (System.Text.Json finds that only when a string is read).
            return [.. input.AsSpan(0, (int)(op.A % (uint)(input.Length + 1))), (byte)"{}[]\",:"[(int)(op.B % 7)], .. input.AsSpan((int)(op.A % (uint)(input.Length + 1)))];
        }
        var slots = new List<Slot>();
        Collect(null, 0, root, slots);
        root = Mutate(root, slots, op, limits);
        var sb = new StringBuilder(input.Length + 64);
        Write(root, sb);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>
    /// For <see cref="Minimizer"/>: the document with one array item or property taken out, or one long string halved, in
    /// document order; nothing when the input does not parse.
    /// </summary>
    public static IEnumerable<byte[]> Reductions(byte[] input)
    {
        Node root;
        try
        {
            using var document = JsonDocument.Parse(input, new JsonDocumentOptions { MaxDepth = 256 });
            root = FromElement(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            yield break;
        }
        var slots = new List<Slot>();
        Collect(null, 0, root, slots);
        foreach (var slot in slots)
        {
            switch (slot.Container)
            {
                case Obj o:
                    var prop = o.Props[slot.Index];
                    o.Props.RemoveAt(slot.Index);
                    yield return Bytes(root);
                    o.Props.Insert(slot.Index, prop);
                    break;
                case Arr a:
                    var item = a.Items[slot.Index];
                    a.Items.RemoveAt(slot.Index);
                    yield return Bytes(root);
                    a.Items.Insert(slot.Index, item);
                    break;
            }
            if (slot.Value is Raw { IsString: true } r && r.Text.Length > 10 && slot.Container is not null && !r.Text.Contains('\\', StringComparison.Ordinal))
            {
                var half = new Raw(r.Text[..(r.Text.Length / 2)] + "\"");
                Replace(root, slot, half);
                yield return Bytes(root);
                Replace(root, slot, r);
            }
        }
    }

    private static byte[] Bytes(Node root)
    {
        var sb = new StringBuilder();
        Write(root, sb);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static Node FromElement(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var o = new Obj();
                foreach (var p in e.EnumerateObject()) o.Props.Add(new(p.Name, FromElement(p.Value)));
                return o;
            case JsonValueKind.Array:
                var a = new Arr();
                foreach (var item in e.EnumerateArray()) a.Items.Add(FromElement(item));
                return a;
            default:
                return new Raw(e.GetRawText());
        }
    }

    private static void Collect(Node? container, int index, Node node, List<Slot> slots)
    {
        slots.Add(new Slot(container, index, node));
        switch (node)
        {
            case Obj o:
                for (var i = 0; i < o.Props.Count; i++) Collect(o, i, o.Props[i].Value, slots);
                break;
            case Arr a:
                for (var i = 0; i < a.Items.Count; i++) Collect(a, i, a.Items[i], slots);
                break;
        }
    }

    /// <summary>Puts <paramref name="value"/> in <paramref name="slot"/>; returns the (possibly new) root.</summary>
    private static Node Replace(Node root, Slot slot, Node value)
    {
        switch (slot.Container)
        {
            case null: return value;
            case Obj o: o.Props[slot.Index] = new(o.Props[slot.Index].Key, value); break;
            case Arr a: a.Items[slot.Index] = value; break;
        }
        return root;
    }

    private static readonly string[] WrongTypes = ["null", "true", "0", "\"\"", "{}", "[]", "\"text\"", "-1", "false", "[null]"];

    private static readonly string[] Numbers =
    [
        "7.9e28", "79228162514264337593543950335", "79228162514264337593543950336", "1e400", "-1e400", "1e-400",
        "123456789012345678901234567890", "2147483648", "-2147483649", "0.001", "796.005", "-0", "1E+2", "0.5e1",
        "9999999999999999999999999999999999999999e-9999", "4.9e-324", "1.0", "-796",
    ];

    private static readonly string[] Strings =
    [
        "", " ", "\\u0000", "\\ud800", "0103999915", "010399-9915", "2019-W14 ", "9999-12-31", "0001-01-01", "2100-W53", "1899-W52",
        "1900-W01", "2999-W52", "\\u001b[31mred", "..\\\\..\\\\x", "/abs", "a/../b", "2019-04-08T02:00:00+99:00", "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00+14:00", "2099-01-01T00:00:00Z", "+1", "130 ", "１２３", "٣", "2019-02-29", "2020-02-29", "1989-12-31",
        "2101-01-01", "2019-W00", "2019-W54", "19-W14", "Full ", "full", "I60F", "register-inbox", "\\u2028", "\\u202e",
    ];

    private static Node Mutate(Node root, List<Slot> slots, Op op, FuzzLimits limits)
    {
        var n = Math.Abs(op.N);
        switch (op.Kind)
        {
            case OpKind.JsonDropKey:
            {
                var props = Props(slots);
                if (props.Count == 0) break;
                var (o, i) = props[(int)(op.A % (uint)props.Count)];
                o.Props.RemoveAt(i);
                break;
            }
            case OpKind.JsonDuplicateKey:
            {
                var props = Props(slots);
                if (props.Count == 0) break;
                var (o, i) = props[(int)(op.A % (uint)props.Count)];
                var value = (op.B % 3) switch
                {
                    0 => o.Props[i].Value,
                    1 => new Raw("null"),
                    _ => new Raw("\"x\""),
                };
                o.Props.Insert((op.B / 3 % 2) == 0 ? i + 1 : o.Props.Count, new(o.Props[i].Key, value));
                break;
            }
            case OpKind.JsonWrongType:
                return Replace(root, slots[(int)(op.A % (uint)slots.Count)], new Raw(WrongTypes[op.B % (uint)WrongTypes.Length]));
            case OpKind.JsonDeepNesting:
            {
                var slot = slots[(int)(op.A % (uint)slots.Count)];
                var depth = Math.Clamp(n, 2, limits.MaxNesting);
                var inner = new StringBuilder();
                Write(slot.Value, inner);
                var text = (op.B % 2) == 0
                    ? new string('[', depth) + inner + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + inner + new string('}', depth);
                return Replace(root, slot, new Raw(text));
            }
            case OpKind.JsonHugeNumber:
                return Replace(root, slots[(int)(op.A % (uint)slots.Count)], new Raw(Numbers[op.B % (uint)Numbers.Length]));
            case OpKind.JsonUnknownKeys:
            {
                var objects = slots.Select(s => s.Value).OfType<Obj>().ToList();
                if (objects.Count == 0) break;
                var o = objects[(int)(op.A % (uint)objects.Count)];
                var count = Math.Min(Math.Clamp(n, 1, limits.MaxJsonKeys), limits.MaxInputBytes / 16);
                for (var i = 0; i < count; i++)
                    o.Props.Add(new(string.Create(CultureInfo.InvariantCulture, $"k{i}"), (op.B % 2) == 0 ? new Raw(i.ToString(CultureInfo.InvariantCulture)) : new Raw("\"x\"")));
                break;
            }
            case OpKind.JsonRepeatElement:
            {
                var arrays = slots.Select(s => s.Value).OfType<Arr>().Where(a => a.Items.Count > 0).ToList();
                if (arrays.Count == 0) break;
                var a = arrays[(int)(op.A % (uint)arrays.Count)];
                var element = a.Items[(int)(op.B % (uint)a.Items.Count)];
                var size = new StringBuilder();
                Write(element, size);
                var count = Math.Min(Math.Clamp(n, 1, limits.MaxJsonRepeat), Math.Max(1, limits.MaxInputBytes / (size.Length + 1)));
                a.Items.AddRange(Enumerable.Repeat(element, count));
                break;
            }
            case OpKind.JsonCopyValue:
            {
                var strings = slots.Where(s => s.Value is Raw { IsString: true } && s.Container is not null).ToList();
                if (strings.Count < 2) break;
                var from = strings[(int)(op.A % (uint)strings.Count)];
                var to = strings[(int)(op.B % (uint)strings.Count)];
                return Replace(root, to, from.Value);
            }
            case OpKind.JsonStringValue:
            {
                var strings = slots.Where(s => s.Value is Raw { IsString: true }).ToList();
                if (strings.Count == 0) break;
                var slot = strings[(int)(op.A % (uint)strings.Count)];
                var choice = op.B % (uint)(Strings.Length + 2);
                string text;
                if (choice < Strings.Length) text = Strings[choice];
                else
                {
                    var size = Math.Clamp(n, 1, limits.MaxHugeBytes);
                    text = new string(choice == Strings.Length ? 'A' : '7', size);
                }
                return Replace(root, slot, new Raw("\"" + text + "\""));
            }
            case OpKind.JsonRemoveElement:
            {
                var containers = slots.Where(s => s.Value is Obj or Arr).ToList();
                if (containers.Count == 0) break;
                var c = containers[(int)(op.A % (uint)containers.Count)].Value;
                var clear = (op.B % 4) == 0;
                if (c is Arr a && a.Items.Count > 0)
                {
                    if (clear) a.Items.Clear();
                    else a.Items.RemoveAt((int)(op.B % (uint)a.Items.Count));
                }
                else if (c is Obj o && o.Props.Count > 0)
                {
                    if (clear) o.Props.Clear();
                    else o.Props.RemoveAt((int)(op.B % (uint)o.Props.Count));
                }
                break;
            }
            case OpKind.JsonReplaceRoot:
            {
                var inner = new StringBuilder();
                Write(root, inner);
                return (op.B % 6) switch
                {
                    0 => new Raw("[]"),
                    1 => new Raw("null"),
                    2 => new Raw("\"x\""),
                    3 => new Raw("[" + inner + "]"),
                    4 => new Raw("{\"items\":" + inner + "}"),
                    _ => new Raw(inner + " " + inner),
                };
            }
        }
        return root;
    }

    private static List<(Obj Obj, int Index)> Props(List<Slot> slots) =>
        slots.Select(s => s.Value).OfType<Obj>().SelectMany(o => Enumerable.Range(0, o.Props.Count).Select(i => (o, i))).ToList();

    private static void Write(Node node, StringBuilder sb)
    {
        switch (node)
        {
            case Raw r:
                sb.Append(r.Text);
                break;
            case Arr a:
                sb.Append('[');
                for (var i = 0; i < a.Items.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(a.Items[i], sb);
                }
                sb.Append(']');
                break;
            case Obj o:
                sb.Append('{');
                for (var i = 0; i < o.Props.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(JsonSerializer.Serialize(o.Props[i].Key)).Append(':');
                    Write(o.Props[i].Value, sb);
                }
                sb.Append('}');
                break;
        }
    }
}
