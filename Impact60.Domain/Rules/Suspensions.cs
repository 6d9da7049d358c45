using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;

namespace Impact60.Domain.Rules;

/// <summary>
/// <b>Suspensions</b> (docs/contract-rules.md). The contract may name periods of ISO weeks (<c>suspensions</c>, for
/// example the COVID-19 lockdown 2020-W12 to 2020-W19) that are neutral: not paid, not breaking a spell, not counted in
/// the window, which is therefore longer by the suspended weeks it meets.
/// </summary>
/// <remarks>This type only says which weeks are suspended; rules 1, 2 and 5 say what a suspended week does.</remarks>
public sealed class Suspensions
{
    public Suspensions(IEnumerable<Suspension> periods)
    {
        ArgumentNullException.ThrowIfNull(periods);
        Periods = [.. periods];
    }

    /// <summary>No suspended week at all.</summary>
    public static Suspensions None { get; } = new([]);

    /// <summary>The contract's suspensions, each <c>From</c>..<c>To</c> inclusive; they may overlap.</summary>
    public IReadOnlyList<Suspension> Periods { get; }

    /// <summary>True when <paramref name="week"/> lies in one of the suspensions.</summary>
    public bool Contains(IsoWeek week) => Periods.Any(s => s.From <= week && week <= s.To);
}
