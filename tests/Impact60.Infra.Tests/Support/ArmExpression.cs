using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Impact60.Infra.Tests.Support;

/// <summary>
/// Evaluates the part of the ARM template expression language that decides what a deployment mode deploys:
/// literals, <c>parameters()</c>, <c>variables()</c>, <c>if()</c>, <c>not()</c>, <c>and()</c>, <c>or()</c>,
/// <c>equals()</c>, <c>empty()</c>, <c>length()</c>, <c>concat()</c>, <c>union()</c> of objects, <c>createObject()</c>, <c>createArray()</c>,
/// <c>map()</c> with a <c>lambda()</c>,
/// <c>string()</c>, <c>json()</c>, <c>true()</c>/<c>false()</c>/<c>null()</c>, property access and indexing.
/// Anything else (resource ids, references, environment()) is <see cref="Value.Unknown"/>: the tests treat it as
/// "not a fixed value", never as a guess. <c>if()</c> evaluates only the branch its condition picks, so a value
/// that depends on the mode is known in each mode even when the other branch is not.
/// </summary>
internal sealed class ArmExpression
{
    // As ARM writes JSON text: quotes escaped, nothing else (no \u0027 for an apostrophe).
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _text;
    private readonly Func<string, Value> _parameter;
    private readonly Func<string, Value> _variable;
    private readonly IReadOnlyDictionary<string, Value> _lambdaVariables;
    private int _position;

    private ArmExpression(string text, Func<string, Value> parameter, Func<string, Value> variable, IReadOnlyDictionary<string, Value>? lambdaVariables = null)
    {
        _text = text;
        _parameter = parameter;
        _variable = variable;
        _lambdaVariables = lambdaVariables ?? new Dictionary<string, Value>();
    }

    /// <summary>A value, or the fact that it cannot be known from the template and its parameters alone.</summary>
    public readonly record struct Value(JsonNode? Node, bool Known)
    {
        public static Value Unknown => new(null, false);

        public static Value Of(JsonNode? node) => new(node, true);

        public bool? AsBool => Known && Node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

        public string? AsString => Known && Node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    /// <summary>Evaluates the expression inside <c>[...]</c> (without the brackets).</summary>
    public static Value Evaluate(string expression, Func<string, Value> parameter, Func<string, Value> variable)
    {
        var parser = new ArmExpression(expression, parameter, variable);
        try
        {
            var value = parser.Expression(evaluate: true);
            parser.SkipSpace();
            return parser._position == parser._text.Length ? value : Value.Unknown;
        }
        catch (FormatException)
        {
            return Value.Unknown;
        }
    }

    private Value Expression(bool evaluate)
    {
        SkipSpace();
        Value value;
        if (Peek() == '\'')
        {
            value = Value.Of(JsonValue.Create(StringLiteral()));
        }
        else if (char.IsDigit(Peek()) || Peek() == '-')
        {
            value = Value.Of(JsonValue.Create(NumberLiteral()));
        }
        else
        {
            value = Call(evaluate);
        }

        while (true)
        {
            SkipSpace();
            if (Peek() == '.')
            {
                _position++;
                var property = Identifier();
                value = evaluate ? Member(value, property) : Value.Unknown;
            }
            else if (Peek() == '[')
            {
                _position++;
                var index = Expression(evaluate);
                Expect(']');
                value = evaluate ? Index(value, index) : Value.Unknown;
            }
            else
            {
                return evaluate ? value : Value.Unknown;
            }
        }
    }

    private Value Call(bool evaluate)
    {
        var name = Identifier();
        Expect('(');
        if (name.Equals("if", StringComparison.OrdinalIgnoreCase))
        {
            // Only the branch the condition picks is evaluated (as ARM does).
            var condition = Expression(evaluate);
            Expect(',');
            var whenTrue = Expression(evaluate && condition.AsBool == true);
            Expect(',');
            var whenFalse = Expression(evaluate && condition.AsBool == false);
            Expect(')');
            return condition.AsBool switch
            {
                true => whenTrue,
                false => whenFalse,
                null => Value.Unknown,
            };
        }

        if (name.Equals("map", StringComparison.OrdinalIgnoreCase))
        {
            return Map(evaluate);
        }

        var arguments = new List<Value>();
        SkipSpace();
        if (Peek() != ')')
        {
            arguments.Add(Expression(evaluate));
            SkipSpace();
            while (Peek() == ',')
            {
                _position++;
                arguments.Add(Expression(evaluate));
                SkipSpace();
            }
        }

        Expect(')');
        return evaluate ? Apply(name.ToLowerInvariant(), arguments) : Value.Unknown;
    }

    private Value Apply(string name, List<Value> arguments)
    {
        if (name is "true" or "false" or "null" or "createobject" or "createarray")
        {
            // Constructors: known even with no arguments.
        }
        else if (arguments.Count == 0 || arguments.Any(a => !a.Known))
        {
            return Value.Unknown;
        }

        switch (name)
        {
            case "parameters":
                return arguments[0].AsString is { } parameter ? _parameter(parameter) : Value.Unknown;
            case "variables":
                return arguments[0].AsString is { } variable ? _variable(variable) : Value.Unknown;
            case "lambdavariables":
                return arguments[0].AsString is { } lambdaVariable && _lambdaVariables.TryGetValue(lambdaVariable, out var bound) ? bound : Value.Unknown;
            case "true":
                return Value.Of(JsonValue.Create(true));
            case "false":
                return Value.Of(JsonValue.Create(false));
            case "null":
                return Value.Of(null);
            case "json" when arguments[0].AsString is { } json:
                return Value.Of(JsonNode.Parse(json));
            case "not" when arguments[0].AsBool is { } b:
                return Value.Of(JsonValue.Create(!b));
            case "and":
                return Bools(arguments) is { } all ? Value.Of(JsonValue.Create(all.All(x => x))) : Value.Unknown;
            case "or":
                return Bools(arguments) is { } any ? Value.Of(JsonValue.Create(any.Any(x => x))) : Value.Unknown;
            case "equals" when arguments.Count == 2:
                return Value.Of(JsonValue.Create(JsonNode.DeepEquals(arguments[0].Node, arguments[1].Node)));
            case "empty":
                return Value.Of(JsonValue.Create(arguments[0].Node switch
                {
                    null => true,
                    JsonArray a => a.Count == 0,
                    JsonObject o => o.Count == 0,
                    JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
                    _ => false,
                }));
            case "length":
                return arguments[0].Node switch
                {
                    JsonArray a => Value.Of(JsonValue.Create(a.Count)),
                    JsonObject o => Value.Of(JsonValue.Create(o.Count)),
                    JsonValue v when v.TryGetValue<string>(out var s) => Value.Of(JsonValue.Create(s.Length)),
                    _ => Value.Unknown,
                };
            case "concat" when arguments.All(a => a.Node is JsonArray):
                return Value.Of(new JsonArray(arguments.SelectMany(a => a.Node!.AsArray()).Select(n => n?.DeepClone()).ToArray()));
            case "concat" when arguments.All(a => a.AsString is not null):
                return Value.Of(JsonValue.Create(string.Concat(arguments.Select(a => a.AsString))));
            case "union" when arguments.All(a => a.Node is JsonObject):
                // Shallow: later arguments' properties win (enough for the templates here; ARM also merges nested objects).
                var merged = new JsonObject();
                foreach (var (key, member) in arguments.SelectMany(a => a.Node!.AsObject()))
                {
                    merged[key] = member?.DeepClone();
                }

                return Value.Of(merged);
            case "createarray":
                return arguments.Any(a => !a.Known) ? Value.Unknown : Value.Of(new JsonArray(arguments.Select(a => a.Node?.DeepClone()).ToArray()));
            case "createobject":
                return CreateObject(arguments);
            case "string":
                return Value.Of(JsonValue.Create(arguments[0].Node switch
                {
                    JsonValue v when v.TryGetValue<string>(out var s) => s,
                    JsonValue v when v.TryGetValue<bool>(out var b) => b ? "True" : "False",
                    null => "",
                    var other => other.ToJsonString(Unescaped),
                }));
            default:
                return Value.Unknown;
        }
    }

    // map(array, lambda('x', body)): the body is evaluated once per element, with lambdaVariables('x') bound to it.
    private Value Map(bool evaluate)
    {
        var array = Expression(evaluate);
        Expect(',');
        if (!Identifier().Equals("lambda", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException("map() without a lambda.");
        }

        Expect('(');
        SkipSpace();
        var variable = StringLiteral();
        Expect(',');
        var bodyStart = _position;
        Expression(evaluate: false);
        var body = _text[bodyStart.._position];
        Expect(')');
        Expect(')');
        if (!evaluate || !array.Known || array.Node is not JsonArray elements)
        {
            return Value.Unknown;
        }

        var results = new JsonArray();
        foreach (var element in elements)
        {
            var scope = new Dictionary<string, Value>(_lambdaVariables) { [variable] = Value.Of(element) };
            var result = new ArmExpression(body, _parameter, _variable, scope).Expression(evaluate: true);
            if (!result.Known)
            {
                return Value.Unknown;
            }

            results.Add(result.Node?.DeepClone());
        }

        return Value.Of(results);
    }

    private static Value CreateObject(List<Value> arguments)
    {
        if (arguments.Count % 2 != 0 || arguments.Any(a => !a.Known))
        {
            return Value.Unknown;
        }

        var result = new JsonObject();
        for (var i = 0; i < arguments.Count; i += 2)
        {
            if (arguments[i].AsString is not { } key)
            {
                return Value.Unknown;
            }

            result[key] = arguments[i + 1].Node?.DeepClone();
        }

        return Value.Of(result);
    }

    private static List<bool>? Bools(List<Value> arguments)
    {
        var bools = arguments.Select(a => a.AsBool).ToList();
        return bools.Any(b => b is null) ? null : bools.Select(b => b!.Value).ToList();
    }

    private static Value Member(Value value, string property) =>
        value.Known && value.Node is JsonObject o
            ? o.FirstOrDefault(p => p.Key.Equals(property, StringComparison.OrdinalIgnoreCase)) is { Key: not null } p ? Value.Of(p.Value) : Value.Unknown
            : Value.Unknown;

    private static Value Index(Value value, Value index)
    {
        if (!value.Known || !index.Known)
        {
            return Value.Unknown;
        }

        return (value.Node, index.Node) switch
        {
            (JsonArray a, JsonValue i) when i.TryGetValue<int>(out var n) && n >= 0 && n < a.Count => Value.Of(a[n]),
            (JsonObject o, JsonValue k) when k.TryGetValue<string>(out var key) => Member(value, key),
            _ => Value.Unknown,
        };
    }

    private string StringLiteral()
    {
        Expect('\'');
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw new FormatException("Unterminated string.");
            }

            var c = _text[_position++];
            if (c == '\'')
            {
                if (Peek() == '\'')
                {
                    builder.Append('\'');
                    _position++;
                    continue;
                }

                return builder.ToString();
            }

            builder.Append(c);
        }
    }

    private long NumberLiteral()
    {
        var start = _position;
        if (Peek() == '-')
        {
            _position++;
        }

        while (char.IsDigit(Peek()))
        {
            _position++;
        }

        return long.Parse(_text.AsSpan(start, _position - start), CultureInfo.InvariantCulture);
    }

    private string Identifier()
    {
        SkipSpace();
        var start = _position;
        while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] is '_' or '$' or '#'))
        {
            _position++;
        }

        if (_position == start)
        {
            throw new FormatException($"Identifier expected at {start} in {_text}.");
        }

        return _text[start.._position];
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c)
        {
            throw new FormatException($"'{c}' expected at {_position} in {_text}.");
        }

        _position++;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }
}
