using Impact60.Domain.Primitives;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Rule 5 — Sustained.</b> Over the person's whole register history, a <i>spell</i> is a maximal run of consecutive
/// final weeks of class Full or Partial. Suspended weeks neither count towards a spell nor break it. A week of class
/// None, an unknown week or a week that is not final ends it. A Full or Partial week is <i>sustained</i> when its spell
/// is at least <c>minSustainedWeeks</c> (4) long. So a spell that began before the course ended counts, and a spell can
/// grow later, as more weeks become final.
/// </summary>
public sealed class Spells
{
    private readonly Finality _finality;
    private readonly Suspensions _suspensions;

    public Spells(int minSustainedWeeks, Finality finality, Suspensions suspensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minSustainedWeeks, 1);
        MinSustainedWeeks = minSustainedWeeks;
        _finality = finality ?? throw new ArgumentNullException(nameof(finality));
        _suspensions = suspensions ?? throw new ArgumentNullException(nameof(suspensions));
    }

    public int MinSustainedWeeks { get; }

    /// <summary>
    /// The spells of a history as of <paramref name="asOf"/>, in week order. <paramref name="classOfRow"/> holds the class
    /// (rule 4) of every week that has a register row; a week not in it is unknown.
    /// </summary>
    public IReadOnlyList<Spell> Find(IReadOnlyDictionary<IsoWeek, WeekClass> classOfRow, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(classOfRow);
        var spells = new List<Spell>();
        if (classOfRow.Count == 0) return spells;
        var run = new List<IsoWeek>();
        var (first, last) = (classOfRow.Keys.Min(), classOfRow.Keys.Max());
        for (var week = first; week <= last; week = week.Next)
        {
            if (_suspensions.Contains(week)) continue;
            if (IsSelfSupporting(week)) run.Add(week);
            else EndRun();
        }
        EndRun(); // the week after the last row is unknown: it ends whatever spell is still running
        return spells;

        void EndRun()
        {
            if (run.Count == 0) return;
            spells.Add(new Spell(run, Sustained: run.Count >= MinSustainedWeeks));
            run = [];
        }

        bool IsSelfSupporting(IsoWeek week) =>
            classOfRow.TryGetValue(week, out var c) && (c is WeekClass.Full or WeekClass.Partial) && _finality.IsFinal(week, asOf);
    }
}

/// <summary>A spell: its counted weeks in order (never a suspended week), and whether it is long enough to be sustained.</summary>
public sealed record Spell(IReadOnlyList<IsoWeek> Weeks, bool Sustained)
{
    public IsoWeek FirstWeek => Weeks[0];
    public IsoWeek LastWeek => Weeks[^1];
    public int Length => Weeks.Count;

    /// <summary>True when <paramref name="week"/> is one of the spell's counted weeks.</summary>
    public bool Holds(IsoWeek week) => FirstWeek <= week && week <= LastWeek && Weeks.Contains(week);

    public override string ToString() => $"{FirstWeek}..{LastWeek} ({Length} weeks{(Sustained ? ", sustained" : "")})";
}
