using System.Globalization;
using System.Text;
using System.Text.Json;
using Impact60.Domain.Primitives;
using Impact60.Domain.Text;

namespace Impact60.Domain.Contracts;

/// <summary>
/// Reads a contract file (docs/contract-file.md) in five steps, each in its own place, and refuses it with every problem
/// found, each with its JSON path, so that operators fix a file in one go:
/// <list type="number">
/// <item>here: at most <see cref="ContractLimits.MaxBytes"/>, then parsed as JSON, at most <see cref="ContractLimits.MaxDepth"/> deep;</item>
/// <item><see cref="ContractDocument"/>: every string is Unicode, no property twice, no list longer than the schema allows;</item>
/// <item><see cref="ContractSchema"/>: the JSON Schema <c>schemas/contract.schema.json</c> (types, required and unknown
/// properties, ranges, formats), its errors in the operator's words (<see cref="ContractMessages"/>);</item>
/// <item><see cref="ContractMapper"/> and <see cref="ContractValues"/>: the values into the <see cref="Contract"/> record,
/// with the rules of a single value the schema cannot say (no CPR number, dates that exist, a GS1 check digit);</item>
/// <item><see cref="ContractRules"/>: the rules between values.</item>
/// </list>
/// A value is reported once, with its first problem in that order; the list is in the order of the schema's properties and
/// stops at <see cref="ContractLimits.MaxErrors"/>.
/// </summary>
public static class ContractLoader
{
    /// <summary>
    /// Why a text of the contract that holds a CPR number (<see cref="Cpr.ContainsCprLike"/>: any spelling people type) is
    /// refused. Every text of the contract is checked but the bank account number, which is 1 to 10 digits by its own rule
    /// and may read as a date followed by four digits.
    /// </summary>
    public const string CprMessage = "must not hold a CPR number (in any spelling): the contract's texts are printed on invoices and in e-mails";

    /// <summary>Reads the contract file at <paramref name="path"/>, refusing one above <see cref="ContractLimits.MaxBytes"/> before reading it.</summary>
    public static Contract LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        var length = new FileInfo(path).Length;
        if (length > ContractLimits.MaxBytes) throw new ContractException(name, [TooLarge(length)]);
        return Load(File.ReadAllText(path), name);
    }

    public static Contract Load(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        // Refused on its size before parsing: counting the bytes is one cheap pass over text already in memory.
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > ContractLimits.MaxBytes) throw new ContractException(sourceName, [TooLarge(bytes)]);
        using var doc = Parse(json, sourceName);
        var errors = new ContractErrors();
        using var checkedDoc = ContractDocument.Check(doc.RootElement, errors, out var root);
        Contract? contract = null;
        if (root is { } r)
        {
            ContractSchema.Validate(r, errors);
            contract = ContractMapper.Map(r, errors);
            ContractRules.Check(contract, errors);
        }
        if (errors.Count > 0 || contract is null) throw errors.ToException(sourceName);
        return contract;
    }

    private static JsonDocument Parse(string json, string sourceName)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions
            {
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
                MaxDepth = ContractLimits.MaxDepth,
            });
        }
        catch (JsonException ex)
        {
            // System.Text.Json counts lines and byte positions from 0; people count from 1.
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            throw new ContractException(sourceName, [new ContractError("$", $"malformed JSON at line {line}, position {position}: {FirstSentence(ex.Message)}")]);
        }
        catch (ArgumentException)
        {
            // A string handed in with half of a surrogate pair: it cannot be transcoded to UTF-8 (a file read from disk never
            // has one: its decoder replaces what is not UTF-8).
            throw new ContractException(sourceName, [new ContractError("$", "is not valid Unicode text: it holds half of a UTF-16 surrogate pair")]);
        }
    }

    private static ContractError TooLarge(long size) =>
        new("$", $"the contract is {size.ToString(CultureInfo.InvariantCulture)} bytes; "
                 + $"at most {ContractLimits.MaxBytes.ToString(CultureInfo.InvariantCulture)} bytes (1 MiB) are accepted");

    private static string FirstSentence(string message)
    {
        // Drop System.Text.Json's own "Path: $ | LineNumber: ..." suffix: we already say where. It may quote a character
        // of the input, so it is made safe to show.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return SafeText.Show((cut > 0 ? message[..cut] : message).Trim(), 200);
    }
}
