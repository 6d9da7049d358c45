using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Text;

namespace Impact60.Fuzz.Tests.Harness;

/// <summary>The checks every target shares; each throws a <see cref="Violation"/> naming the invariant.</summary>
public static partial class Invariants
{
    /// <summary>The pseudonymisation key of the harness: a fixed test key, never a production one.</summary>
    public static readonly Pseudonymizer Pseudonymizer = new(Encoding.ASCII.GetBytes("impact60-fuzz-harness-fixed-test-key-0123456789"));

    /// <summary>The run date of every case: the samples end in 2022-W04; weeks after 2022-W13 are in the future.</summary>
    public static readonly DateOnly Today = new(2022, 3, 31);

    public static readonly IsoWeek LatestAllowedWeek = IsoWeek.Containing(Today);

    /// <summary>Nothing CPR-shaped: <c>Cpr.MaskAll(text) == text</c>.</summary>
    public static void CprFree(string? text, string what)
    {
        if (text is null || Cpr.MaskAll(text) == text) return;
        throw new Violation($"CPR-shaped text in {what}", Show.Leak(text));
    }

    /// <summary>A rejection is CPR-free, safe to show (no control characters) and bounded in length.</summary>
    public static void Rejection(Rejection r)
    {
        CprFree(r.File, "a rejection's file name");
        CprFree(r.Reason, "a rejection reason");
        CprFree(r.MaskedRawLine, "a rejected raw line");
        if (SafeText.HasUnsafe(r.Reason) || SafeText.HasUnsafe(r.MaskedRawLine) || SafeText.HasUnsafe(r.File))
            throw new Violation("control characters in a rejection", Show.Text(r.Reason));
        // SafeText cuts at the limit and adds "… (N more characters)"; escaping may lengthen what is kept up to 6 times.
        if (r.Reason.Length > 6 * Domain.Register.Rejection.ReasonLength + 40 || r.MaskedRawLine.Length > 6 * SafeText.RawLineLength + 40)
            throw new Violation("unbounded rejection text", string.Create(CultureInfo.InvariantCulture, $"reason {r.Reason.Length} chars, raw line {r.MaskedRawLine.Length} chars"));
    }

    /// <summary>Within the accepted range 1990-01-01..2100-12-31 (<see cref="PlausibleDates"/>).</summary>
    public static void Plausible(DateOnly date, string what)
    {
        if (!PlausibleDates.Contains(date))
            throw new Violation($"implausible date accepted ({what})", string.Create(CultureInfo.InvariantCulture, $"{what} {date:yyyy-MM-dd} is outside {PlausibleDates.Earliest:yyyy-MM-dd}..{PlausibleDates.Latest:yyyy-MM-dd}"));
    }

    public static void Plausible(IsoWeek week, string what)
    {
        if (week.IsDefault) throw new Violation($"default week accepted ({what})", "an unset IsoWeek");
        if (!PlausibleDates.Contains(week))
            throw new Violation($"implausible week accepted ({what})", $"{what} {week} is outside {PlausibleDates.EarliestWeek}..{PlausibleDates.LatestWeek}");
    }

    /// <summary>A week taken from the register: a real person, a plausible week, not in the future.</summary>
    public static void Week(RegisterWeek w, string what)
    {
        if (w.Person.IsDefault) throw new Violation($"week without a person ({what})", "default(Pseudonym)");
        Plausible(w.Week, what);
        if (w.Week > LatestAllowedWeek)
            throw new Violation($"future week accepted ({what})", $"{w.Week} is after the latest allowed {LatestAllowedWeek}");
    }

    /// <summary>A referral taken from the register: plausible dates; no identifier that could be personal data.</summary>
    public static void Referral(Referral r, string what)
    {
        if (r.Person.IsDefault) throw new Violation($"referral without a person ({what})", "default(Pseudonym)");
        Plausible(r.ReferredOn, $"{what} referred_on");
        Plausible(r.CourseStart, $"{what} course_start");
        if (r.CourseEnd is { } end) Plausible(end, $"{what} course_end");
        CprFree(r.ReferralId, $"an accepted referral id ({what})");
        CprFree(r.FokusRef, $"an accepted FOKUS reference ({what})");
        CprFree(r.Business, $"an accepted business name ({what})");
    }

    /// <summary>How findings print data: CPR-shaped runs masked, control characters escaped, cut.</summary>
    public static partial class Show
    {
        public static string Text(string text, int max = 160) => SafeText.Show(Cpr.MaskAll(text), max);

        /// <summary>Where the CPR-shaped run is, without printing it: a little context each side, the run replaced by its shape.</summary>
        public static string Leak(string text)
        {
            var m = CprShaped().Match(text);
            if (!m.Success) return Text(text);
            var before = text[Math.Max(0, m.Index - 40)..m.Index];
            var after = text[(m.Index + m.Length)..Math.Min(text.Length, m.Index + m.Length + 40)];
            return string.Create(CultureInfo.InvariantCulture,
                $"…{Text(before)}⟪CPR-shaped run of {m.Length} characters{(m.Value.Contains('-', StringComparison.Ordinal) ? " with a dash" : "")} at {m.Index}⟫{Text(after)}… (text of {text.Length} characters)");
        }

        /// <summary>The same pattern as <c>Cpr.MaskAll</c>, to find where a run is.</summary>
        [GeneratedRegex(@"(?<!\d)\d{6}-?\d{4}(?!\d)", RegexOptions.CultureInvariant)]
        private static partial Regex CprShaped();
    }
}
