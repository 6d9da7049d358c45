using System.Globalization;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Register;

/// <summary>
/// A benefit code found in register weeks that the contract's classification does not list, so it falls to the
/// classification's default class. (Leading zeros cannot make a near miss: the readers read <c>0651</c> as 651 and the
/// contract loader refuses a listed code written with leading zeros.)
/// </summary>
public sealed record UnlistedCode(string Code, int Weeks, int Persons, WeekClass FallsTo)
{
    /// <summary>One line for a report or the console: <c>0999 (12 weeks, 3 persons) → None</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Code} ({Weeks} week{(Weeks == 1 ? "" : "s")}, {Persons} person{(Persons == 1 ? "" : "s")}) → {FallsTo}");
}

/// <summary>
/// The codes of a set of register weeks that the contract's classification does not list (the contract classes an unlisted
/// code by its default). Such a code is not an error in the delivery — the register may use codes the contract
/// never named — but every week of it is priced by the default, so it is shown with how many weeks and persons it
/// touches, most weeks first, for someone to confirm the contract's list is complete. "No benefit" (the empty code) is
/// classified by its own rule and is never unlisted.
/// </summary>
public static class UnlistedCodes
{
    public static IReadOnlyList<UnlistedCode> Find(IEnumerable<RegisterWeek> weeks, Classification classification)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        ArgumentNullException.ThrowIfNull(classification);
        var found = new Dictionary<string, (int Weeks, HashSet<Pseudonym> Persons)>(StringComparer.Ordinal);
        foreach (var week in weeks)
        {
            if (week.Code.IsNoBenefit || classification.Codes.ContainsKey(week.Code.Value)) continue;
            if (!found.TryGetValue(week.Code.Value, out var entry))
                found[week.Code.Value] = entry = (0, []);
            entry.Persons.Add(week.Person);
            found[week.Code.Value] = (entry.Weeks + 1, entry.Persons);
        }
        if (found.Count == 0) return [];

        return found
            .Select(kv => new UnlistedCode(kv.Key, kv.Value.Weeks, kv.Value.Persons.Count, classification.Default))
            .OrderByDescending(c => c.Weeks)
            .ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToList();
    }
}
