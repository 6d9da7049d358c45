namespace Impact60.Domain.Contracts;

/// <summary>Which problem of a value is reported when it has several: the lowest rank.</summary>
internal enum ErrorRank
{
    /// <summary>The text cannot be read (half a surrogate pair), a property twice.</summary>
    Structure,

    /// <summary>Missing, unknown, the wrong type, too long, too many entries.</summary>
    Shape,

    /// <summary>A text with a control character or a CPR number, or only spaces.</summary>
    Text,

    /// <summary>Out of range, not in its form (a pattern), not one of the choices.</summary>
    Value,

    /// <summary>A rule the schema cannot say: a date that does not exist, a check digit, a rule between two values.</summary>
    Rule,
}

/// <summary>
/// The errors of one contract file: at most one per path (the one of lowest <see cref="ErrorRank"/>, the first of equal
/// rank), listed in schema order up to <see cref="ContractLimits.MaxErrors"/>. A message is worded only when listed.
/// </summary>
internal sealed class ContractErrors
{
    private sealed record Entry(ContractLocation Location, Func<string> Message, ErrorRank Rank, int Sequence, IReadOnlyList<string>? Expected);

    private readonly Dictionary<string, Entry> _byPath = new(StringComparer.Ordinal);
    private bool _moreNotListed;

    public int Count => _byPath.Count;

    public void Add(string path, string message, ErrorRank rank) => Add(ContractLocation.Parse(path), () => message, rank);

    public void Add(ContractLocation location, Func<string> message, ErrorRank rank) => Add(location, message, rank, null);

    /// <summary>An unknown property; the first one listed of each object names the properties expected there.</summary>
    public void AddUnknown(ContractLocation location, IReadOnlyList<string> expected) =>
        Add(location, () => "unknown property", ErrorRank.Shape, expected);

    /// <summary>Errors found but not added (their number alone is enough to say that more were not listed).</summary>
    public void NoteNotListed() => _moreNotListed = true;

    /// <summary>True when <paramref name="path"/> has an error of rank <paramref name="atMost"/> or lower.</summary>
    public bool Has(string path, ErrorRank atMost = ErrorRank.Rule) => _byPath.TryGetValue(path, out var e) && e.Rank <= atMost;

    /// <summary>True when neither <paramref name="path"/> nor anything it lies in has an error: its value may be used.</summary>
    public bool IsValid(string path)
    {
        while (true)
        {
            if (_byPath.ContainsKey(path)) return false;
            var cut = path.LastIndexOfAny(['.', '[']);
            if (cut < 0) return true;
            path = path[..cut];
        }
    }

    public ContractException ToException(string sourceName)
    {
        var ordered = _byPath.Values.OrderBy(e => e.Location, Comparer<ContractLocation>.Create(ContractLocation.Compare))
            .ThenBy(e => e.Sequence).ToList();
        var objectsListed = new HashSet<string>(StringComparer.Ordinal);
        var listed = ordered.Take(ContractLimits.MaxErrors).Select(e => new ContractError(e.Location.Path,
            e.Expected is { } expected && objectsListed.Add(e.Location.ParentPath)
                ? $"unknown property (expected one of: {string.Join(", ", expected)})"
                : e.Message())).ToList();
        return new ContractException(sourceName, listed, _moreNotListed || ordered.Count > ContractLimits.MaxErrors);
    }

    private void Add(ContractLocation location, Func<string> message, ErrorRank rank, IReadOnlyList<string>? expected)
    {
        if (_byPath.TryGetValue(location.Path, out var existing) && existing.Rank <= rank) return;
        _byPath[location.Path] = new Entry(location, message, rank, existing?.Sequence ?? _byPath.Count, expected);
    }
}
