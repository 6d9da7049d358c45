using System.Buffers;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Settlement;

namespace Impact60.Domain.Entitlements;

/// <summary>
/// DOMAIN.md "Verification", rules 1-9, for one contract. Immutable and thread-safe once built: the constructor
/// precomputes what every participant needs (classification table, suspended weeks, tariff weeks), so that computing a
/// participant is a few passes over a byte per week, indexed by <see cref="IsoWeek.Ordinal"/>, with no per-week allocation.
/// </summary>
public sealed class EntitlementCalculator
{
    // Per-week state while computing one participant: 0 = no row (unknown), else 1 + WeekClass, plus the Sustained bit.
    private const byte NoRow = 0;
    private const byte RowNone = 1 + (byte)WeekClass.None;
    private const byte RowFull = 1 + (byte)WeekClass.Full;
    private const byte RowPartial = 1 + (byte)WeekClass.Partial;
    private const byte ClassMask = 0x0F;
    private const byte SustainedBit = 0x10;
    private const int StackWeeks = 512; // covers a window plus years of history; longer histories rent

    // Benefit codes are 1-4 digits with leading zeros dropped on reading (BenefitCode), so the index is offset by length + value.
    private static readonly int[] CodeOffsetByLength = [0, 0, 10, 110, 1110];
    private const int CodeTableSize = 11110;

    private readonly Contract _contract;
    private readonly byte[] _classByCode = new byte[CodeTableSize];
    private readonly byte _emptyCodeClass;
    private readonly int _suspendedFirst;
    private readonly bool[] _suspended;
    private readonly int[] _tariffFirstOrdinal;
    private readonly Tariff[] _tariffs;

    public EntitlementCalculator(Contract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        // maturityWeeks may be 0 (a week final on its own Sunday); the other week counts must be positive.
        if (contract.PaymentWindowWeeks < 1 || contract.VerificationPeriodWeeks < 1 || contract.MaturityWeeks < 0
            || contract.MinSustainedWeeks < 1 || contract.TargetSustainedWeeks < 1)
            throw new ArgumentException("The contract's week counts must be positive (maturity 0 or more); load it with ContractLoader.", nameof(contract));
        _contract = contract;

        var classification = contract.Classification;
        System.Array.Fill(_classByCode, (byte)classification.Default);
        foreach (var (code, cls) in classification.Codes)
            _classByCode[CodeIndex(BenefitCode.Parse(code).Value)] = (byte)cls;
        _emptyCodeClass = (byte)classification.EmptyCode;

        if (contract.Suspensions.Count == 0)
        {
            _suspendedFirst = 0;
            _suspended = [];
        }
        else
        {
            var first = int.MaxValue;
            var last = int.MinValue;
            foreach (var s in contract.Suspensions)
            {
                first = Math.Min(first, s.From.Ordinal);
                last = Math.Max(last, s.To.Ordinal);
            }
            _suspendedFirst = first;
            _suspended = new bool[last - first + 1];
            foreach (var s in contract.Suspensions)
                for (var o = s.From.Ordinal; o <= s.To.Ordinal; o++) _suspended[o - first] = true;
        }

        // A tariff applies to a week when it is in force on the week's Monday: from the first Monday on or after validFrom.
        var tariffs = contract.Tariffs.OrderBy(t => t.ValidFrom).ToArray();
        _tariffs = tariffs;
        _tariffFirstOrdinal = new int[tariffs.Length];
        for (var i = 0; i < tariffs.Length; i++)
            _tariffFirstOrdinal[i] = (tariffs[i].ValidFrom.DayNumber + 6) / 7;
    }

    public Contract Contract => _contract;

    /// <summary>Rule 3: the last week ordinal that is final on <paramref name="asOf"/> (Sunday + maturity weeks ≤ asOf).</summary>
    public int LastFinalOrdinal(DateOnly asOf) => (asOf.DayNumber - 6 - 7 * _contract.MaturityWeeks) / 7;

    public bool IsFinal(IsoWeek week, DateOnly asOf) => week.Ordinal <= LastFinalOrdinal(asOf);

    public bool IsSuspended(IsoWeek week) => IsSuspended(week.Ordinal);

    /// <summary>Rule 4 for a week with a row.</summary>
    public WeekClass Classify(BenefitCode code) => (WeekClass)ClassOf(code);

    /// <summary>Rule 1: the payment window after <paramref name="courseEnd"/>.</summary>
    public PaymentWindow WindowAfter(DateOnly courseEnd)
    {
        var first = IsoWeek.Containing(courseEnd).Ordinal + 1;
        var last = WindowLastOrdinal(first, out var suspended);
        return new PaymentWindow(IsoWeek.FromOrdinal(first), IsoWeek.FromOrdinal(last), _contract.PaymentWindowWeeks, suspended);
    }

    /// <summary>
    /// The entitlement of one participant as of <paramref name="asOf"/>. <paramref name="weeks"/> are that person's register
    /// weeks (latest delivery per week) in any order; a week given twice is the caller's error (merge deliveries first).
    /// </summary>
    /// <exception cref="ArgumentException">The referral's dates are outside <see cref="PlausibleDates"/> (a register's
    /// open-ended <c>9999-12-31</c>: its window would run past the calendar), or a week is given twice or belongs to
    /// another person. <see cref="ComputeProgramme"/> reports such a participant and computes the others.</exception>
    public Entitlement Compute(Referral referral, ReadOnlySpan<RegisterWeek> weeks, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(referral);
        // The readers refuse such dates; a value stored before they did, or built in code, stops here with a reason
        // instead of overflowing the week arithmetic (or the calendar) somewhere later.
        var refused = PlausibleDates.Refuse(referral.ReferredOn, "referred_on")
            ?? (referral.CourseEnd is { } end ? PlausibleDates.Refuse(end, "course_end") : null);
        if (refused is not null)
            throw new ArgumentException($"Referral {referral.ReferralId}: {refused}.", nameof(referral));
        var lastFinal = LastFinalOrdinal(asOf);
        var referralWeek = IsoWeek.Containing(referral.ReferredOn).Ordinal;

        // Rule 1. No course end: no window and nothing owed (the citizen is still in the course). The citizen still counts
        // as referred, and rule 9 is still evaluated: it speaks of spells on or after the referral week, not of the window.
        var hasWindow = referral.CourseEnd is not null;
        int windowFirst = 0, windowLast = -1, suspendedInWindow = 0;
        if (hasWindow)
        {
            windowFirst = IsoWeek.Containing(referral.CourseEnd!.Value).Ordinal + 1;
            windowLast = WindowLastOrdinal(windowFirst, out suspendedInWindow);
        }

        var lo = hasWindow ? windowFirst : int.MaxValue;
        var hi = hasWindow ? windowLast : int.MinValue;
        var person = referral.Person.Value;
        for (var i = 0; i < weeks.Length; i++)
        {
            var o = weeks[i].Week.Ordinal;
            if (o < lo) lo = o;
            if (o > hi) hi = o;
            if (!string.Equals(weeks[i].Person.Value, person, StringComparison.Ordinal))
                throw new ArgumentException($"Referral {referral.ReferralId}: register week {weeks[i].Week} belongs to another person.", nameof(weeks));
        }
        if (lo <= 0) // default(IsoWeek) has ordinal 0, every real week far more: checked once here, not per week
            throw new ArgumentException($"Referral {referral.ReferralId}: a register week is default(IsoWeek), which is not a week.", nameof(weeks));
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
                if (state[index] != NoRow)
                    throw new ArgumentException($"Referral {referral.ReferralId}: register week {weeks[i].Week} is given twice; merge deliveries (latest wins) before computing.", nameof(weeks));
                state[index] = (byte)(1 + ClassOf(weeks[i].Code));
            }

            var achievedOrdinal = MarkSustainedWeeks(state, lo, lastFinal, referralWeek);
            IsoWeek? achievedIn = achievedOrdinal is { } a ? IsoWeek.FromOrdinal(a) : null;
            if (!hasWindow)
                return Result(referral, asOf, null, [], 0m, 0, 0, achievedIn, [], []);

            return ComputeWindow(referral, asOf, state, lo, lastFinal, windowFirst, windowLast, suspendedInWindow, achievedIn);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Every participant's entitlement, then the programme cap (rule 8: in order of week, then referral id), and the
    /// programme's totals. Referral ids must be unique. A participant whose computation throws is reported in
    /// <see cref="ProgrammeEntitlements.Failed"/> and left out (of the cap too); the others are computed as usual:
    /// one participant's bad data never stops the programme's figures.
    /// </summary>
    public ProgrammeEntitlements ComputeProgramme(IEnumerable<(Referral Referral, RegisterWeek[] Weeks)> participants, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(participants);
        var entitlements = new List<Entitlement>();
        var failed = new List<ComputationFailure>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (referral, weeks) in participants)
        {
            if (!ids.Add(referral.ReferralId))
                throw new ArgumentException($"Referral {referral.ReferralId} is given twice.", nameof(participants));
            try
            {
                entitlements.Add(Compute(referral, weeks, asOf));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed.Add(ComputationFailure.Of(referral, e));
            }
        }

        var programmeCapReduction = _contract.Caps.Programme is { } cap ? ApplyProgrammeCap(entitlements, cap) : 0m;

        int inCourse = 0, achieved = 0;
        var total = 0m;
        foreach (var e in entitlements)
        {
            if (e.CourseEnd is null) inCourse++;
            if (e.AchievedSelfSufficiency) achieved++;
            total += e.Amount;
        }
        return new ProgrammeEntitlements(asOf, entitlements, failed, entitlements.Count + failed.Count, inCourse, achieved, total, programmeCapReduction,
            _contract.ReferralCap, _contract.TargetShare, _contract.TargetCount);
    }

    /// <summary>
    /// Rule 5 over the whole history: marks each Full/Partial week whose spell is at least minSustainedWeeks long, and
    /// returns (rule 9) the week in which a spell first reached targetSustainedWeeks weeks on or after the referral week.
    /// Rule 9 does not depend on the payment window, so a citizen without a course end can achieve the target too.
    /// </summary>
    private int? MarkSustainedWeeks(Span<byte> state, int lo, int lastFinal, int referralWeek)
    {
        var minSustained = _contract.MinSustainedWeeks;
        var target = _contract.TargetSustainedWeeks;
        int? achieved = null;
        int runStart = 0, runLength = 0, runFromReferral = 0;
        for (var index = 0; index <= state.Length; index++)
        {
            var ordinal = lo + index;
            bool selfSupporting;
            if (index < state.Length)
            {
                if (IsSuspended(ordinal)) continue; // neutral: neither counts nor breaks a spell
                var s = state[index];
                selfSupporting = ordinal <= lastFinal && (s == RowFull || s == RowPartial);
            }
            else selfSupporting = false; // beyond the last row: unknown, ends the spell

            if (selfSupporting)
            {
                if (runLength == 0) runStart = index;
                runLength++;
                if (ordinal >= referralWeek && ++runFromReferral == target && achieved is null) achieved = ordinal;
            }
            else if (runLength > 0)
            {
                // A suspended week inside the run may carry the bit too; it is never paid, so that is harmless.
                if (runLength >= minSustained)
                    for (var j = runStart; j < index; j++)
                        if ((state[j] & ClassMask) is RowFull or RowPartial) state[j] |= SustainedBit;
                runLength = 0;
                runFromReferral = 0;
            }
        }
        return achieved;
    }

    private Entitlement ComputeWindow(Referral referral, DateOnly asOf, Span<byte> state, int lo, int lastFinal,
        int windowFirst, int windowLast, int suspendedInWindow, IsoWeek? achievedIn)
    {
        var periodWeeks = _contract.VerificationPeriodWeeks;
        var windowWeeks = _contract.PaymentWindowWeeks;
        var periodCount = (windowWeeks + periodWeeks - 1) / periodWeeks;
        var periods = new VerificationPeriod[periodCount];
        // Weeks per (tariff, class) of the period being paid: index 2 × tariff + (0 Full, 1 Partial). Lines come from these counts.
        Span<int> weeksByPrice = _tariffs.Length <= 64 ? stackalloc int[2 * _tariffs.Length] : new int[2 * _tariffs.Length];
        List<IsoWeek>? missing = null;
        List<EntitlementProblem>? problems = null;
        var participantCap = _contract.Caps.PerParticipant;
        decimal grossSoFar = 0m, amount = 0m;
        int fullPaid = 0, partialPaid = 0;

        var ordinal = windowFirst;
        for (var p = 0; p < periodCount; p++)
        {
            var counted = Math.Min(periodWeeks, windowWeeks - p * periodWeeks);
            // Rule 2: this period's counted weeks, skipping suspended ones, and what rule 6 needs to know about them.
            while (IsSuspended(ordinal)) ordinal++;
            var first = ordinal;
            int last = first, seen = 0, sustained = 0;
            var anyNoRow = false;
            for (; seen < counted; ordinal++)
            {
                if (IsSuspended(ordinal)) continue;
                seen++;
                last = ordinal;
                var s = state[ordinal - lo];
                if (s == NoRow)
                {
                    anyNoRow = true;
                    if (ordinal <= lastFinal) (missing ??= []).Add(IsoWeek.FromOrdinal(ordinal));
                }
                else if ((s & SustainedBit) != 0) sustained++;
            }

            var status = last > lastFinal ? PeriodStatus.Open : anyNoRow ? PeriodStatus.Held : PeriodStatus.Verified;
            PaidWeek[] paid = [];
            if (status == PeriodStatus.Verified && sustained > 0)
            {
                // Rule 7: each sustained counted week earns the tariff in force on its Monday, by class. A payable week with
                // no tariff is reported by week and its period is not paid: never a silent zero.
                paid = new PaidWeek[sustained];
                weeksByPrice.Clear();
                var n = 0;
                var payable = true;
                var reduced = false;
                for (var o = first; o <= last; o++)
                {
                    var s = state[o - lo];
                    if ((s & SustainedBit) == 0 || IsSuspended(o)) continue;
                    var t = TariffIndex(o);
                    if (t < 0)
                    {
                        payable = false;
                        var week = IsoWeek.FromOrdinal(o);
                        (problems ??= []).Add(new EntitlementProblem(EntitlementProblemKind.NoTariffInForce, referral.ReferralId, p + 1, week,
                            $"Referral {referral.ReferralId}, period {p + 1}: week {week} is payable but no tariff is in force on {week.Monday:yyyy-MM-dd}; the period is not paid until the contract has a tariff for it."));
                        continue;
                    }
                    var full = (s & ClassMask) == RowFull;
                    var price = full ? _tariffs[t].Full : _tariffs[t].Partial;
                    var reduction = 0m;
                    if (participantCap is { } cap)
                    {
                        // Rule 8, per participant in week order: the week that crosses the cap is reduced, later ones fully.
                        reduction = Math.Clamp(grossSoFar + price - cap, 0m, price);
                        grossSoFar += price;
                        reduced |= reduction != 0m;
                    }
                    weeksByPrice[2 * t + (full ? 0 : 1)]++;
                    paid[n++] = new PaidWeek(IsoWeek.FromOrdinal(o), full ? WeekClass.Full : WeekClass.Partial, price, reduction);
                }
                if (!payable)
                {
                    // Undo what this period added to the running cap total: it is not paid.
                    if (participantCap is not null)
                        foreach (var w in paid.AsSpan(0, n)) grossSoFar -= w.Tariff;
                    paid = [];
                }
                else
                {
                    foreach (var w in paid)
                        if (w.Class == WeekClass.Full) fullPaid++; else partialPaid++;
                }
                periods[p] = paid.Length > 0 && !reduced
                    ? BuildUncappedPeriod(referral.ReferralId, referral.FokusRef, p + 1, first, last, counted, paid, weeksByPrice)
                    : BuildPeriod(referral.ReferralId, referral.FokusRef, p + 1, first, last, counted, status, paid, reduced);
            }
            else periods[p] = BuildPeriod(referral.ReferralId, referral.FokusRef, p + 1, first, last, counted, status, paid, false);
            amount += periods[p].Amount;
        }

        var window = new PaymentWindow(IsoWeek.FromOrdinal(windowFirst), IsoWeek.FromOrdinal(windowLast), windowWeeks, suspendedInWindow);
        return Result(referral, asOf, window, periods, amount, fullPaid, partialPaid, achievedIn,
            missing is null ? [] : missing.ToArray(), problems is null ? [] : problems.ToArray());
    }

    /// <summary>
    /// The common case of <see cref="BuildPeriod"/> (no cap reduction): lines straight from week counts per tariff and
    /// class, in the same order (Full before Partial, cheaper first), without decimal work per week.
    /// </summary>
    private VerificationPeriod BuildUncappedPeriod(string referralId, string fokusRef, int index, int first, int last, int counted,
        PaidWeek[] paid, ReadOnlySpan<int> weeksByPrice)
    {
        var firstWeek = IsoWeek.FromOrdinal(first);
        var lastWeek = IsoWeek.FromOrdinal(last);
        var lineCount = 0;
        foreach (var c in weeksByPrice) if (c > 0) lineCount++;
        var lines = new EntitlementLine[lineCount];
        Span<int> order = lineCount <= 64 ? stackalloc int[lineCount] : new int[lineCount];
        var amount = 0m;
        var n = 0;
        for (var cls = 0; cls < 2; cls++)
        {
            var k = 0;
            for (var t = 0; t < _tariffs.Length; t++)
            {
                if (weeksByPrice[2 * t + cls] == 0) continue;
                var at = k++;
                while (at > 0 && PriceOf(order[at - 1], cls) > PriceOf(t, cls)) { order[at] = order[at - 1]; at--; }
                order[at] = t;
            }
            for (var i = 0; i < k; i++)
            {
                var price = PriceOf(order[i], cls);
                var weeks = weeksByPrice[2 * order[i] + cls];
                var gross = Money.Round(weeks * price);
                lines[n++] = new EntitlementLine(referralId, fokusRef, index, firstWeek, lastWeek, cls == 0 ? WeekClass.Full : WeekClass.Partial,
                    price, weeks, gross, 0m, gross);
                amount += gross;
            }
        }
        return new VerificationPeriod(index, firstWeek, lastWeek, counted, PeriodStatus.Verified, amount, paid, lines);
    }

    private decimal PriceOf(int tariff, int cls) => cls == 0 ? _tariffs[tariff].Full : _tariffs[tariff].Partial;

    /// <summary>Groups a period's paid weeks into lines at the settlement grain (class, unit price), Full before Partial, cheaper first.</summary>
    internal static VerificationPeriod BuildPeriod(string referralId, string fokusRef, int index, int first, int last, int counted, PeriodStatus status, PaidWeek[] paid, bool anyCapReduction = true)
    {
        var firstWeek = IsoWeek.FromOrdinal(first);
        var lastWeek = IsoWeek.FromOrdinal(last);
        if (paid.Length == 0)
            return new VerificationPeriod(index, firstWeek, lastWeek, counted, status, 0m, paid, []);

        Span<WeekClass> classes = stackalloc WeekClass[paid.Length];
        Span<decimal> prices = stackalloc decimal[paid.Length];
        Span<int> weekCounts = stackalloc int[paid.Length];
        Span<decimal> reductions = stackalloc decimal[paid.Length];
        var lineCount = 0;
        foreach (var w in paid)
        {
            var at = 0;
            while (at < lineCount && !(classes[at] == w.Class && prices[at] == w.Tariff)) at++;
            if (at == lineCount)
            {
                // Insert in (class, price) order so that lines come out sorted without a sort.
                while (at > 0 && (classes[at - 1] > w.Class || (classes[at - 1] == w.Class && prices[at - 1] > w.Tariff)))
                {
                    classes[at] = classes[at - 1]; prices[at] = prices[at - 1];
                    weekCounts[at] = weekCounts[at - 1]; reductions[at] = reductions[at - 1];
                    at--;
                }
                classes[at] = w.Class; prices[at] = w.Tariff; weekCounts[at] = 0; reductions[at] = 0m;
                lineCount++;
            }
            weekCounts[at]++;
            if (anyCapReduction) reductions[at] += w.CapReduction;
        }

        var lines = new EntitlementLine[lineCount];
        var amount = 0m;
        for (var i = 0; i < lineCount; i++)
        {
            var gross = Money.Round(weekCounts[i] * prices[i]);
            var reduction = anyCapReduction ? Money.Round(reductions[i]) : 0m;
            lines[i] = new EntitlementLine(referralId, fokusRef, index, firstWeek, lastWeek, classes[i], prices[i],
                weekCounts[i], gross, reduction, gross - reduction);
            amount += gross - reduction;
        }
        return new VerificationPeriod(index, firstWeek, lastWeek, counted, status, amount, paid, lines);
    }

    /// <summary>Rule 8, programme cap: in order of week, then referral id, after the per-participant caps. Returns the total reduction.</summary>
    private static decimal ApplyProgrammeCap(List<Entitlement> entitlements, decimal cap)
    {
        var weeks = new List<(int Ordinal, string ReferralId, int Entitlement, int Period, int Week, decimal Amount)>();
        for (var e = 0; e < entitlements.Count; e++)
        {
            var periods = entitlements[e].Periods;
            for (var p = 0; p < periods.Count; p++)
                for (var w = 0; w < periods[p].PaidWeeks.Count; w++)
                {
                    var pw = periods[p].PaidWeeks[w];
                    if (pw.Amount > 0m) weeks.Add((pw.Week.Ordinal, entitlements[e].ReferralId, e, p, w, pw.Amount));
                }
        }
        weeks.Sort((a, b) => a.Ordinal != b.Ordinal ? a.Ordinal.CompareTo(b.Ordinal) : string.CompareOrdinal(a.ReferralId, b.ReferralId));

        var extra = new Dictionary<(int Entitlement, int Period), decimal[]>();
        decimal soFar = 0m, total = 0m;
        foreach (var w in weeks)
        {
            var reduction = Math.Clamp(soFar + w.Amount - cap, 0m, w.Amount);
            soFar += w.Amount;
            if (reduction == 0m) continue;
            if (!extra.TryGetValue((w.Entitlement, w.Period), out var perWeek))
                extra[(w.Entitlement, w.Period)] = perWeek = new decimal[entitlements[w.Entitlement].Periods[w.Period].PaidWeeks.Count];
            perWeek[w.Week] = reduction;
            total += reduction;
        }
        if (extra.Count == 0) return 0m;

        foreach (var group in extra.GroupBy(kv => kv.Key.Entitlement))
        {
            var e = entitlements[group.Key];
            var periods = e.Periods.ToArray();
            foreach (var ((_, p), perWeek) in group)
            {
                var old = periods[p];
                var paid = new PaidWeek[old.PaidWeeks.Count];
                for (var w = 0; w < paid.Length; w++)
                    paid[w] = old.PaidWeeks[w] with { CapReduction = old.PaidWeeks[w].CapReduction + perWeek[w] };
                periods[p] = BuildPeriod(e.ReferralId, e.FokusRef, old.Index, old.FirstWeek.Ordinal, old.LastWeek.Ordinal, old.CountedWeeks, old.Status, paid);
            }
            var amount = 0m;
            foreach (var p in periods) amount += p.Amount;
            entitlements[group.Key] = e with { Periods = periods, Amount = amount };
        }
        return total;
    }

    private static Entitlement Result(Referral referral, DateOnly asOf, PaymentWindow? window, VerificationPeriod[] periods, decimal amount,
        int fullPaid, int partialPaid, IsoWeek? achievedIn, IsoWeek[] missing, EntitlementProblem[] problems) =>
        new(referral.ReferralId, referral.FokusRef, referral.Person, asOf, referral.CourseEnd, window, periods, amount, fullPaid, partialPaid,
            achievedIn is not null, achievedIn, missing, problems);

    private int WindowLastOrdinal(int first, out int suspended)
    {
        suspended = 0;
        var counted = 0;
        var o = first - 1;
        while (counted < _contract.PaymentWindowWeeks)
        {
            o++;
            if (IsSuspended(o)) suspended++;
            else counted++;
        }
        return o;
    }

    private bool IsSuspended(int ordinal)
    {
        var i = ordinal - _suspendedFirst;
        return (uint)i < (uint)_suspended.Length && _suspended[i];
    }

    /// <summary>Index into <see cref="_tariffs"/> of the tariff in force on the Monday of week <paramref name="ordinal"/>, or -1.</summary>
    private int TariffIndex(int ordinal)
    {
        for (var i = _tariffFirstOrdinal.Length - 1; i >= 0; i--)
            if (_tariffFirstOrdinal[i] <= ordinal) return i;
        return -1;
    }

    private byte ClassOf(BenefitCode code)
    {
        var value = code.Value;
        return value.Length == 0 ? _emptyCodeClass : _classByCode[CodeIndex(value)];
    }

    private static int CodeIndex(string digits)
    {
        var v = 0;
        foreach (var c in digits) v = v * 10 + (c - '0');
        return CodeOffsetByLength[digits.Length] + v;
    }
}
