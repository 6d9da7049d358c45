using System.Buffers;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;

namespace Impact60.Domain.Entitlements;

/// <summary>
/// The fast entitlement engine (docs/contract-rules.md, rules 1-9) for one contract: the nightly verification, the
/// settlement and the benchmark use it. <see cref="ReadableEntitlements"/> is the same computation written for a reader,
/// and a property test holds the two to identical results over random contracts and histories.
/// </summary>
/// <remarks>
/// Whatever is not per-week arithmetic comes from the rule types of <see cref="RuleBook"/>: the window and its
/// periods (<see cref="PaymentWindow"/>, <see cref="VerificationPeriods"/>, cut once per course-end week and cached), the
/// final horizon (<see cref="Finality"/>), the classification table (<see cref="Classification"/>), the suspended weeks
/// (<see cref="Suspensions"/>), the weeks each tariff prices (<see cref="Pricing"/>), the period status
/// (<see cref="PeriodStatusRule"/>) and the caps (<see cref="AmountCaps"/>). What remains is a few passes over one byte
/// of state per week, indexed by <see cref="IsoWeek.Ordinal"/>, with no per-week allocation. Immutable and thread-safe.
/// The class is split by concern: this file (one participant), <c>.Tables</c> (what the constructor precomputes),
/// <c>.Spells</c> (rules 5 and 9), <c>.Periods</c> (rules 6-8), <c>.Lines</c> (settlement lines) and <c>.Programme</c>
/// (every participant and the programme cap).
/// </remarks>
public sealed partial class EntitlementCalculator
{
    // Per-week state while computing one participant: 0 = no row (unknown), else 1 + WeekClass, plus the Sustained bit.
    private const byte NoRow = 0;
    private const byte RowFull = 1 + (byte)WeekClass.Full;
    private const byte RowPartial = 1 + (byte)WeekClass.Partial;
    private const byte ClassMask = 0x0F;
    private const byte SustainedBit = 0x10;
    private const int StackWeeks = 512; // covers a window plus years of history; longer histories rent

    private readonly RuleBook _rules;

    public EntitlementCalculator(Contract contract) : this(new RuleBook(contract))
    {
    }

    public EntitlementCalculator(RuleBook rules)
    {
        _rules = rules ?? throw new ArgumentNullException(nameof(rules));
        (_classByCode, _emptyCodeClass) = ClassTable(rules.Classification);
        (_suspendedFirst, _suspended) = SuspensionTable(rules.Suspensions);
        (_tariffs, _tariffFirstOrdinal) = TariffTable(rules.Pricing);
        _layouts = new WindowLayout?[LayoutSlots];
    }

    public Contract Contract => _rules.Contract;

    /// <summary>The contract's rules this engine is built from.</summary>
    public RuleBook Rules => _rules;

    /// <summary>Rule 3.</summary>
    public bool IsFinal(IsoWeek week, DateOnly asOf) => _rules.Finality.IsFinal(week, asOf);

    /// <summary>The suspension rule, from the engine's table.</summary>
    public bool IsSuspended(IsoWeek week) => IsSuspended(week.Ordinal);

    /// <summary>Rule 4 for a week with a row, from the engine's table.</summary>
    public WeekClass Classify(BenefitCode code) => (WeekClass)ClassOf(code);

    /// <summary>Rule 1: the payment window after <paramref name="courseEnd"/>.</summary>
    public PaymentWindow WindowAfter(DateOnly courseEnd) => LayoutAfter(courseEnd).Window;

    /// <summary>
    /// The entitlement of one participant as of <paramref name="asOf"/>. <paramref name="weeks"/> are that person's register
    /// weeks (latest delivery per week) in any order; a week given twice is the caller's error (merge deliveries first).
    /// </summary>
    /// <exception cref="ArgumentException">The referral's dates are outside <see cref="PlausibleDates"/> (a register's
    /// open-ended <c>9999-12-31</c>: its window would run past the calendar), or a week is given twice or belongs to
    /// another person. <see cref="ComputeProgramme"/> reports such a participant and computes the others.</exception>
    public Entitlement Compute(Referral referral, ReadOnlySpan<RegisterWeek> weeks, DateOnly asOf)
    {
        EntitlementInput.CheckDates(referral);
        var lastFinal = _rules.Finality.LastFinalWeek(asOf).Ordinal;
        var referralWeek = IsoWeek.Containing(referral.ReferredOn).Ordinal;

        // Rule 1. No course end: no window and nothing owed (the citizen is still in the course). The citizen still counts
        // as referred, and rule 9 is still evaluated: it speaks of spells on or after the referral week, not of the window.
        var layout = referral.CourseEnd is { } end ? LayoutAfter(end) : null;
        var lo = layout?.First ?? int.MaxValue;
        var hi = layout?.Last ?? int.MinValue;
        var person = referral.Person.Value;
        for (var i = 0; i < weeks.Length; i++)
        {
            var o = weeks[i].Week.Ordinal;
            if (o < lo) lo = o;
            if (o > hi) hi = o;
            if (!string.Equals(weeks[i].Person.Value, person, StringComparison.Ordinal))
                throw EntitlementInput.OtherPerson(referral, weeks[i].Week);
        }
        if (lo <= 0) // default(IsoWeek) has ordinal 0, every real week far more: checked once here, not per week
            throw EntitlementInput.NotAWeek(referral);
        if (lo > hi)
            return Result(referral, asOf, null, [], 0m, 0, 0, null, [], []);

        var length = hi - lo + 1;
        byte[]? rented = null;
        var state = length <= StackWeeks ? stackalloc byte[StackWeeks] : (rented = ArrayPool<byte>.Shared.Rent(length));
        state = state[..length];
        state.Clear();
        try
        {
            for (var i = 0; i < weeks.Length; i++)
            {
                var index = weeks[i].Week.Ordinal - lo;
                if (state[index] != NoRow) throw EntitlementInput.GivenTwice(referral, weeks[i].Week);
                state[index] = (byte)(1 + ClassOf(weeks[i].Code));
            }

            var achievedOrdinal = MarkSustainedWeeks(state, lo, lastFinal, referralWeek);
            IsoWeek? achievedIn = achievedOrdinal is { } a ? IsoWeek.FromOrdinal(a) : null;
            if (layout is null)
                return Result(referral, asOf, null, [], 0m, 0, 0, achievedIn, [], []);

            return ComputeWindow(referral, asOf, state, lo, lastFinal, layout, achievedIn);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static Entitlement Result(Referral referral, DateOnly asOf, PaymentWindow? window, VerificationPeriod[] periods, decimal amount,
        int fullPaid, int partialPaid, IsoWeek? achievedIn, IsoWeek[] missing, EntitlementProblem[] problems) =>
        new(referral.ReferralId, referral.FokusRef, referral.Person, asOf, referral.CourseEnd, window, periods, amount, fullPaid, partialPaid,
            achievedIn is not null, achievedIn, missing, problems);
}
