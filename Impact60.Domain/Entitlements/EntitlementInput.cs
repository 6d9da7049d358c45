using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Domain.Entitlements;

/// <summary>
/// What both entitlement engines refuse to compute, with the same messages: dates outside <see cref="PlausibleDates"/>,
/// a register week of another person, <c>default(IsoWeek)</c>, a week given twice. Not a contract rule: the caller's
/// side of the bargain (merge deliveries first, one person's weeks).
/// </summary>
internal static class EntitlementInput
{
    /// <summary>
    /// The readers refuse such dates; a value stored before they did, or built in code, stops here with a reason instead
    /// of overflowing the week arithmetic (or the calendar) somewhere later.
    /// </summary>
    public static void CheckDates(Referral referral)
    {
        ArgumentNullException.ThrowIfNull(referral);
        var refused = PlausibleDates.Refuse(referral.ReferredOn, "referred_on")
            ?? (referral.CourseEnd is { } end ? PlausibleDates.Refuse(end, "course_end") : null);
        if (refused is not null)
            throw new ArgumentException($"Referral {referral.ReferralId}: {refused}.", nameof(referral));
    }

    /// <summary>Everything at once, in the order the fast engine finds it: dates, then each week's person, then default weeks, then duplicates.</summary>
    public static void Check(Referral referral, IReadOnlyList<RegisterWeek> weeks)
    {
        CheckDates(referral);
        foreach (var w in weeks)
            if (!string.Equals(w.Person.Value, referral.Person.Value, StringComparison.Ordinal)) throw OtherPerson(referral, w.Week);
        if (weeks.Any(w => w.Week.IsDefault)) throw NotAWeek(referral);
        var seen = new HashSet<IsoWeek>();
        foreach (var w in weeks)
            if (!seen.Add(w.Week)) throw GivenTwice(referral, w.Week);
    }

    public static ArgumentException OtherPerson(Referral referral, IsoWeek week) =>
        new($"Referral {referral.ReferralId}: register week {week} belongs to another person.", "weeks");

    public static ArgumentException NotAWeek(Referral referral) =>
        new($"Referral {referral.ReferralId}: a register week is default(IsoWeek), which is not a week.", "weeks");

    public static ArgumentException GivenTwice(Referral referral, IsoWeek week) =>
        new($"Referral {referral.ReferralId}: register week {week} is given twice; merge deliveries (latest wins) before computing.", "weeks");
}
