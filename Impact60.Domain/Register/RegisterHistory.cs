using Impact60.Domain.Primitives;

namespace Impact60.Domain.Register;

/// <summary>
/// The register as computed from: every delivery applied in order, the latest delivery winning per person-week
/// (DOMAIN.md "Register data": old weeks are revised later; the latest delivery wins for computing). A week no
/// delivery reported stays absent, i.e. unknown. Not thread-safe: build it, then read it.
/// </summary>
public sealed class RegisterHistory
{
    // SortedList: deliveries arrive mostly in week order, so adding is an append and WeeksOf needs no sort.
    private readonly Dictionary<Pseudonym, SortedList<IsoWeek, BenefitCode>> _byPerson = [];

    /// <summary>Applies one delivery: each of its weeks replaces what earlier deliveries said about that person-week (within the delivery, the last one wins).</summary>
    public void Apply(IEnumerable<RegisterWeek> delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        foreach (var w in delivery)
        {
            if (!_byPerson.TryGetValue(w.Person, out var weeks))
            {
                weeks = [];
                _byPerson.Add(w.Person, weeks);
            }
            var before = weeks.Count;
            weeks[w.Week] = w.Code;
            Count += weeks.Count - before;
        }
    }

    /// <summary>The person's reported weeks in week order; empty when the register knows nothing of the person.</summary>
    public RegisterWeek[] WeeksOf(Pseudonym person)
    {
        if (!_byPerson.TryGetValue(person, out var weeks)) return [];
        var result = new RegisterWeek[weeks.Count];
        for (var i = 0; i < result.Length; i++)
            result[i] = new RegisterWeek(person, weeks.Keys[i], weeks.Values[i]);
        return result;
    }

    /// <summary>Every person with at least one reported week, in pseudonym order (stable across runs).</summary>
    public IEnumerable<Pseudonym> Persons => _byPerson.Keys.Order(PseudonymOrder.Instance);

    /// <summary>The number of distinct person-weeks reported.</summary>
    public int Count { get; private set; }

    private sealed class PseudonymOrder : IComparer<Pseudonym>
    {
        public static readonly PseudonymOrder Instance = new();
        public int Compare(Pseudonym x, Pseudonym y) => string.CompareOrdinal(x.Value, y.Value);
    }
}
