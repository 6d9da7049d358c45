using Impact60.Domain.Contracts;
using Impact60.Domain.Register;
using Impact60.Domain.Text;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Referral intake.</b>
/// <list type="bullet">
/// <item><b>R1 — The cap.</b> The programme takes at most <c>referralCap</c> referrals (120). A new referral beyond the
/// cap is rejected with a reason, never dropped silently. A referral already taken may be corrected by a later
/// delivery.</item>
/// <item><b>R2 — One person, one referral.</b> A person already referred under one referral id cannot be referred again
/// under another: the second referral is rejected, naming both ids (never the CPR), unless the contract says
/// <c>allowReReferral: true</c>. Otherwise the same citizen's weeks would be paid twice.</item>
/// <item><b>R3 — One FOKUS reference per referral.</b> Two referrals cannot share a FOKUS participant reference.</item>
/// </list>
/// </summary>
/// <remarks>
/// A delivery is decided as a whole against the referrals taken before it, so that a correction that swaps two
/// referrals' persons (or FOKUS references) is taken: what counts is that each person and reference is held once
/// afterwards. Of several claims on one person or reference, the referral that held it before wins, then a referral
/// taken before, then the one earliest in the delivery. A rejected change leaves the referral taken before as it was. A
/// candidate rejected under R2 or R3 takes no place under the cap, which is applied last, in delivery order. Reasons
/// name referral ids, never a person.
/// </remarks>
public sealed class ReferralIntake
{
    public ReferralIntake(int referralCap, bool allowReReferral)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(referralCap);
        ReferralCap = referralCap;
        AllowReReferral = allowReReferral;
    }

    public static ReferralIntake Of(Contract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return new ReferralIntake(contract.ReferralCap, contract.AllowReReferral);
    }

    public int ReferralCap { get; }
    public bool AllowReReferral { get; }

    /// <summary>
    /// Take or reject each of one delivery's <paramref name="candidates"/> (distinct referral ids, in delivery order),
    /// given the referrals <paramref name="taken"/> before it. One decision per candidate, in the candidates' order.
    /// </summary>
    public IReadOnlyList<IntakeDecision> Decide(IEnumerable<Referral> taken, IReadOnlyList<Referral> candidates)
    {
        ArgumentNullException.ThrowIfNull(taken);
        ArgumentNullException.ThrowIfNull(candidates);
        var before = taken.ToDictionary(r => r.ReferralId, StringComparer.Ordinal);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < candidates.Count; i++)
            if (!position.TryAdd(candidates[i].ReferralId, i))
                throw new ArgumentException($"Referral id {SafeText.Quote(candidates[i].ReferralId)} is given twice in one delivery.", nameof(candidates));

        // R2 and R3: reject until every person and FOKUS reference is held once (a rejection can free a value for another).
        var reasons = new string?[candidates.Count];
        var rules = new IntakeRule?[candidates.Count];
        while (true)
        {
            var incoming = candidates.Where((_, i) => rules[i] is null).ToDictionary(c => c.ReferralId, StringComparer.Ordinal);
            var found = new List<(string Id, IntakeRule Rule, string Reason)>();
            if (!AllowReReferral)
                found.AddRange(Conflicts(before, incoming, position, r => r.Person.Value, IntakeRule.OnePersonOneReferral, (id, keeper) => before.ContainsKey(id)
                    ? $"referral {Show(id)} would change to a person already referred under referral {Show(keeper)}: one person is one referral in the programme, so the change is not taken and {Show(id)} stays as stored"
                    : $"referral {Show(id)} is new, but the same person is already referred under referral {Show(keeper)}: one person is one referral in the programme, so {Show(id)} is not taken (the contract does not allow re-referral)"));
            found.AddRange(Conflicts(before, incoming, position, r => r.FokusRef, IntakeRule.OneFokusReference, (id, keeper) =>
                $"fokus_ref '{SafeText.Quote(incoming[id].FokusRef)}' is already held by referral {Show(keeper)}: a FOKUS reference names one referral, so " +
                (before.ContainsKey(id) ? $"the change of {Show(id)} is not taken" : $"{Show(id)} is not taken")));
            var added = false;
            foreach (var (id, rule, reason) in found)
            {
                var i = position[id];
                if (rules[i] is not null) continue;
                (rules[i], reasons[i]) = (rule, reason);
                added = true;
            }
            if (!added) break;
        }

        // R1: referrals taken before always pass (a correction); new ones are taken in delivery order up to the cap.
        var count = before.Count;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (rules[i] is not null || before.ContainsKey(candidates[i].ReferralId)) continue;
            if (count < ReferralCap) { count++; continue; }
            rules[i] = IntakeRule.ReferralCap;
            reasons[i] = $"referral {Show(candidates[i].ReferralId)} is new and would exceed the programme's referral cap of {ReferralCap} ({count} referrals already taken)";
        }
        return candidates.Select((c, i) => new IntakeDecision(c, !before.ContainsKey(c.ReferralId), rules[i], reasons[i])).ToList();
    }

    private static string Show(string id) => SafeText.Quote(id);

    /// <summary>
    /// The incoming referrals that would make a value of <paramref name="keyOf"/> (a person, a FOKUS reference) held by
    /// more than one referral id once the delivery is applied, each with the reason naming the id that keeps it. Only an
    /// incoming referral that brings the value anew can be rejected; two referrals taken before that share a value (data
    /// of an earlier release) are left as they are.
    /// </summary>
    private static IEnumerable<(string Id, IntakeRule Rule, string Reason)> Conflicts(Dictionary<string, Referral> before,
        Dictionary<string, Referral> incoming, Dictionary<string, int> position, Func<Referral, string> keyOf, IntakeRule rule, Func<string, string, string> reason)
    {
        var holders = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (id, referral) in before.Where(r => !incoming.ContainsKey(r.Key)).Concat(incoming))
        {
            var key = keyOf(referral);
            if (key.Length == 0) continue;
            if (!holders.TryGetValue(key, out var ids)) holders[key] = ids = [];
            ids.Add(id);
        }
        foreach (var (key, ids) in holders)
        {
            if (ids.Count < 2) continue;
            bool HeldBefore(string id) => before.TryGetValue(id, out var r) && keyOf(r) == key;
            var keeper = ids
                .OrderBy(id => HeldBefore(id) ? 0 : before.ContainsKey(id) ? 1 : 2)
                .ThenBy(id => incoming.ContainsKey(id) ? position[id] : -1)
                .ThenBy(id => id, StringComparer.Ordinal)
                .First();
            foreach (var id in ids)
                if (id != keeper && incoming.ContainsKey(id) && !HeldBefore(id))
                    yield return (id, rule, reason(id, keeper));
        }
    }
}

/// <summary>Which intake rule rejected a referral.</summary>
public enum IntakeRule
{
    /// <summary>R1: a new referral beyond the referral cap.</summary>
    ReferralCap,
    /// <summary>R2: the person is already referred under another referral id.</summary>
    OnePersonOneReferral,
    /// <summary>R3: the FOKUS reference is already held by another referral id.</summary>
    OneFokusReference,
}

/// <summary>The decision on one candidate: taken (<see cref="RejectedBy"/> null) or rejected, with the reason.</summary>
/// <param name="IsNew">The referral id was not taken before this delivery (else the candidate is a correction).</param>
public sealed record IntakeDecision(Referral Candidate, bool IsNew, IntakeRule? RejectedBy, string? Reason)
{
    public bool Taken => RejectedBy is null;
}
