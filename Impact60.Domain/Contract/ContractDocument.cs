using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Impact60.Domain.Contracts;

/// <summary>
/// What the contract's JSON must be before its schema is applied, checked in one walk over the parsed document:
/// <list type="bullet">
/// <item>every string and property name is Unicode text: JSON may escape half of a surrogate pair (<c>"\ud800"</c>), which
/// no string can hold (reading it throws); the document is then refused with these errors alone;</item>
/// <item>no object has a property twice (the copy keeps the first, so the schema and the mapper read the same value);</item>
/// <item>no list is longer than the schema allows (<c>maxItems</c>, <c>maxProperties</c>), and no object has more than
/// <see cref="ContractLimits.MaxErrors"/> + 1 unknown properties: such a list is reported here and checked no further, the
/// surplus unknown properties only counted, so that validating a hostile file of 1 MiB costs what a valid one does, not a
/// result for each of its half a million entries.</item>
/// </list>
/// </summary>
internal sealed class ContractDocument
{
    private readonly ContractErrors _errors;
    private readonly List<Segment> _at = [];
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly Utf8JsonWriter _copy;
    private int _unreadable;
    private bool _shortened;

    private ContractDocument(ContractErrors errors)
    {
        _errors = errors;
        _copy = new Utf8JsonWriter(_buffer);
    }

    /// <summary>
    /// Checks <paramref name="root"/>; <paramref name="checkedRoot"/> is what the schema and the mapper are to read (a copy
    /// without the lists refused here and the second of a property written twice, with the same paths), or null when the text cannot be read. Dispose the result.
    /// </summary>
    public static IDisposable? Check(JsonElement root, ContractErrors errors, out JsonElement? checkedRoot)
    {
        var walk = new ContractDocument(errors);
        walk.Visit(root, ContractSchema.Root);
        walk._copy.Flush();
        checkedRoot = null;
        if (walk._unreadable > 0) return null;
        if (!walk._shortened)
        {
            checkedRoot = root;
            return null;
        }
        var copy = JsonDocument.Parse(walk._buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = ContractLimits.MaxDepth });
        checkedRoot = copy.RootElement;
        return copy;
    }

    private void Visit(JsonElement e, ContractSchemaNode? node)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                if (Readable(e)) e.WriteTo(_copy);
                else
                {
                    Unreadable(ContractLocation.Of(_at));
                    _copy.WriteNullValue(); // the copy is not used then; it only stays well-formed
                }
                break;
            case JsonValueKind.Array when node?.Count("maxItems") is { } max && e.GetArrayLength() > max:
                TooMany(e, node, "maxItems");
                _copy.WriteStartArray();
                _copy.WriteEndArray();
                break;
            case JsonValueKind.Array:
                _copy.WriteStartArray();
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (_unreadable > ContractLimits.MaxErrors) break;
                    _at.Add(new Segment(null, i++));
                    Visit(item, node?.Items);
                    _at.RemoveAt(_at.Count - 1);
                }
                _copy.WriteEndArray();
                break;
            case JsonValueKind.Object when node?.Count("maxProperties") is { } max && e.GetPropertyCount() > max:
                TooMany(e, node, "maxProperties");
                _copy.WriteStartObject();
                _copy.WriteEndObject();
                break;
            case JsonValueKind.Object:
                VisitObject(e, node);
                break;
            default:
                e.WriteTo(_copy);
                break;
        }
    }

    private void VisitObject(JsonElement e, ContractSchemaNode? node)
    {
        _copy.WriteStartObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unknown = 0;
        foreach (var property in e.EnumerateObject())
        {
            if (_unreadable > ContractLimits.MaxErrors) break;
            if (!TryName(property, out var name))
            {
                // Named by what the file says, escapes and all: the name itself cannot be read.
                _at.Add(new Segment(Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8PropertyName(property)), 0));
                Unreadable(ContractLocation.Of(_at));
                _at.RemoveAt(_at.Count - 1);
                continue;
            }
            var child = node?.Property(name);
            if (node is not null && child is null && ++unknown > ContractLimits.MaxErrors + 1)
            {
                // Enough unknown properties of this object are listed already: the others are counted, not checked.
                _errors.NoteNotListed();
                _shortened = true;
                continue;
            }
            _at.Add(new Segment(name, 0));
            if (!seen.Add(name))
            {
                // Left out of the copy: JSON Schema would check both values and the mapper read the last, so an error of
                // one could be worded from the other. What is read is the first; the second is only reported.
                _errors.Add(ContractLocation.Of(_at), () => "duplicate property", ErrorRank.Structure);
                _shortened = true;
                _at.RemoveAt(_at.Count - 1);
                continue;
            }
            _copy.WritePropertyName(name);
            Visit(property.Value, child?.Node);
            _at.RemoveAt(_at.Count - 1);
        }
        _copy.WriteEndObject();
    }

    private void TooMany(JsonElement e, ContractSchemaNode node, string keyword)
    {
        _shortened = true;
        _errors.Add(ContractLocation.Of(_at), () => ContractMessages.For(keyword, node, e), ErrorRank.Shape);
    }

    private void Unreadable(ContractLocation location)
    {
        if (++_unreadable > ContractLimits.MaxErrors) _errors.NoteNotListed();
        else _errors.Add(location, () => "is not valid Unicode text: it holds half of a UTF-16 surrogate pair (an escape from \\ud800 to \\udfff without its other half)", ErrorRank.Structure);
    }

    /// <summary>True when the string can be read; only one with escapes can hold half a surrogate pair.</summary>
    private static bool Readable(JsonElement e)
    {
        if (JsonMarshal.GetRawUtf8Value(e).IndexOf((byte)'\\') < 0) return true;
        try
        {
            _ = e.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }
}
