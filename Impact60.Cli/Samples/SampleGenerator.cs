using System.Globalization;
using System.Text;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Cli.Samples;

/// <summary>What the sample register looks like; the defaults produce the files committed in <c>samples/</c>.</summary>
public sealed record SampleOptions
{
    public int Seed { get; init; } = 60;
    public int Participants { get; init; } = 120;
    public DateOnly ProgrammeStart { get; init; } = new(2018, 9, 27);

    /// <summary>The last day the register has reported; the last week delivered is the last one whose Sunday is on or before it.</summary>
    public DateOnly DataThrough { get; init; } = new(2022, 1, 30);
}

/// <summary>One generated extract file: its name and its whole text (ASCII, LF line ends).</summary>
public sealed record SampleFile(string Name, string Content);

/// <summary>The generated deliveries, in the order they are meant to be ingested.</summary>
public sealed class SampleSet(IReadOnlyList<SampleFile> files)
{
    public IReadOnlyList<SampleFile> Files { get; } = files;

    /// <summary>Writes every file into <paramref name="folder"/> (created if needed) as UTF-8 without BOM, overwriting.</summary>
    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Files)
            File.WriteAllText(Path.Combine(folder, file.Name), file.Content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}

/// <summary>
/// Seeded, deterministic sample register for IMPACT60: referrals and three weeks deliveries (long form, wide DREAM
/// form, and a later long-form revision of old weeks). Every CPR is fictitious (see samples/README.md): birth dates
/// 1965-2000, serial numbers 9900-9999 chosen to fail the old modulus-11 check.
/// </summary>
public static class SampleGenerator
{
    public const string ReferralsFile = "referrals.csv";
    public const string LongFormFile = "weeks-2021-06.csv";
    public const string WideFormFile = "weeks-2022-01-dream.csv";
    public const string RevisionFile = "weeks-2022-02-revision.csv";

    /// <summary>The June 2021 delivery covers weeks through the end of May 2021.</summary>
    public static readonly IsoWeek LongFormThrough = new(2021, 21);

    /// <summary>The January 2022 (DREAM) delivery covers weeks through the turn of the year.</summary>
    public static readonly IsoWeek WideFormThrough = new(2021, 52);

    /// <summary>Illustrative DREAM-like codes: cash benefit (class None), flex job (Partial), education grant (Full).</summary>
    public static readonly string[] BenefitCodes = ["130", "130", "130", "131", "132", "135"];
    public static readonly string[] FlexJobCodes = ["421", "422"];
    public static readonly string[] EducationCodes = ["651", "652"];

    private static readonly IsoWeek CovidFrom = new(2020, 12);
    private static readonly IsoWeek CovidTo = new(2020, 19);

    private enum Outcome { None, Job, FlexJob, Education }

    private sealed class Participant
    {
        public required string Cpr { get; init; }
        public required DateOnly ReferredOn { get; init; }
        public DateOnly CourseStart { get; set; }
        public DateOnly? CourseEnd { get; set; }
        public string ReferralId { get; set; } = "";
        public string FokusRef { get; set; } = "";
        public string Business { get; set; } = "";

        /// <summary>The truth, week by week from the first history week; null = not reported (a data gap).</summary>
        public string?[] Codes { get; set; } = [];

        /// <summary>What the first delivery said where the revision delivery later corrects it.</summary>
        public Dictionary<int, string?> FirstReported { get; } = [];

        /// <summary>Weeks the first delivery missed and the revision delivery fills in.</summary>
        public HashSet<int> FilledLater { get; } = [];

        public string DashedCpr => string.Concat(Cpr.AsSpan(0, 6), "-", Cpr.AsSpan(6));
    }

    public static SampleSet Generate(SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Participants is < 1 or > 9999)
            throw new ArgumentOutOfRangeException(nameof(options), options.Participants, "Participants must be 1 to 9999.");
        var random = new SeededRandom(options.Seed);
        var historyStart = IsoWeek.Containing(options.ProgrammeStart).AddWeeks(-12);
        var lastWeek = IsoWeek.Containing(options.DataThrough);
        if (lastWeek.Sunday > options.DataThrough) lastWeek = lastWeek.Previous;
        var weeks = Math.Max(0, lastWeek.WeeksSince(historyStart) + 1);

        var participants = CreateParticipants(options, random);
        foreach (var p in participants)
            p.Codes = History(p, historyStart, weeks, random);
        var longThrough = Min(LongFormThrough, lastWeek).WeeksSince(historyStart);
        AddDataGaps(participants, longThrough, random);
        AddRevisions(participants, longThrough, random);

        // The register delivers sorted by CPR, as DREAM extracts are.
        var byCpr = participants.OrderBy(p => p.Cpr, StringComparer.Ordinal).ToList();
        return new SampleSet(
        [
            new SampleFile(ReferralsFile, ReferralsCsv(participants)),
            new SampleFile(LongFormFile, LongFormCsv(byCpr, historyStart, 0, longThrough)),
            new SampleFile(WideFormFile, WideFormCsv(byCpr, historyStart, longThrough + 1, Min(WideFormThrough, lastWeek).WeeksSince(historyStart))),
            new SampleFile(RevisionFile, RevisionCsv(byCpr, historyStart, Min(WideFormThrough, lastWeek).WeeksSince(historyStart) + 1, weeks - 1)),
        ]);
    }

    private static IsoWeek Min(IsoWeek a, IsoWeek b) => a < b ? a : b;

    private static List<Participant> CreateParticipants(SampleOptions options, SeededRandom random)
    {
        var cprs = new HashSet<string>(StringComparer.Ordinal);
        var referredOn = Enumerable.Range(0, options.Participants)
            .Select(i => i == 0 ? 0 : random.Between(0, 360))
            .Order()
            .Select(days => options.ProgrammeStart.AddDays(days))
            .ToList();
        var participants = new List<Participant>();
        for (var i = 0; i < options.Participants; i++)
        {
            var p = new Participant { Cpr = FictitiousCpr(random, cprs), ReferredOn = referredOn[i] };
            p.ReferralId = string.Create(CultureInfo.InvariantCulture, $"JC-{p.ReferredOn.Year}-{i + 1:D4}");
            p.FokusRef = string.Create(CultureInfo.InvariantCulture, $"F-{i + 1:D3}");
            var b = random.Between(1, 100);
            p.Business = b <= 45 ? "KaffeFair" : b <= 80 ? "Facility Service" : "Butik ByRetro";
            // Courses start on a Monday a few days to three weeks after the referral.
            var start = p.ReferredOn.AddDays(random.Between(3, 21));
            while (start.DayOfWeek != DayOfWeek.Monday) start = start.AddDays(1);
            p.CourseStart = start;
            var fate = random.Between(1, 100);
            var lateCohort = i >= options.Participants * 3 / 4;
            if (lateCohort && fate <= 12)
                p.CourseEnd = null; // the jobcenter has not registered an end: no payment window yet
            else if (fate <= 7)
                p.CourseEnd = start.AddDays(7 * random.Between(3, 10) + 4); // dropped out: a drop-out is a course end (a Friday)
            else
                p.CourseEnd = start.AddDays(7 * random.Between(13, 39) + 4);
            participants.Add(p);
        }
        return participants;
    }

    /// <summary>
    /// A made-up CPR: a real birth date 1965-2000 and a serial 9900-9999 whose digits fail the modulus-11 check
    /// every CPR issued before 2007 passes. The seventh digit 9 with these years gives the right century.
    /// </summary>
    private static string FictitiousCpr(SeededRandom random, HashSet<string> taken)
    {
        int[] weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
        var first = new DateOnly(1965, 1, 1).DayNumber;
        var last = new DateOnly(2000, 12, 31).DayNumber;
        while (true)
        {
            var birth = DateOnly.FromDayNumber(random.Between(first, last));
            var cpr = string.Create(CultureInfo.InvariantCulture, $"{birth:ddMMyy}{9900 + random.Between(0, 99):D4}");
            var sum = 0;
            for (var i = 0; i < 10; i++) sum += (cpr[i] - '0') * weights[i];
            if (sum % 11 != 0 && taken.Add(cpr)) return cpr;
        }
    }

    /// <summary>The true weekly codes: benefit before and during the course, then for about half an outcome with relapses.</summary>
    private static string?[] History(Participant p, IsoWeek historyStart, int weeks, SeededRandom random)
    {
        var codes = new string?[weeks];
        var benefit = random.Pick(BenefitCodes);
        var courseEndWeek = p.CourseEnd is { } end ? IsoWeek.Containing(end) : (IsoWeek?)null;
        var dropout = p.CourseEnd is { } e && e.DayNumber - p.CourseStart.DayNumber < 13 * 7;
        var outcome = Outcome.None;
        if (courseEndWeek is not null && random.Between(1, 100) <= (dropout ? 15 : 45))
        {
            var kind = random.Between(1, 100);
            outcome = kind <= 55 ? Outcome.Job : kind <= 75 ? Outcome.FlexJob : Outcome.Education;
        }
        var outcomeFrom = courseEndWeek?.AddWeeks(random.Between(0, 26));
        var outcomeCode = outcome switch
        {
            Outcome.FlexJob => random.Pick(FlexJobCodes),
            Outcome.Education => random.Pick(EducationCodes),
            _ => "",
        };

        var inOutcome = false;
        var relapseLeft = 0;
        var shortJobLeft = 0;
        var givenUp = false;
        for (var i = 0; i < weeks; i++)
        {
            var week = historyStart.AddWeeks(i);
            var afterCourse = courseEndWeek is { } cw && week > cw;
            if (!inOutcome && !givenUp && outcome != Outcome.None && week >= outcomeFrom) inOutcome = true;
            // Late successes: some without an outcome find work on their own years after the course.
            if (afterCourse && !inOutcome && outcome == Outcome.None && random.Chance(1))
            {
                outcome = Outcome.Job;
                outcomeCode = "";
                inOutcome = true;
            }

            if (inOutcome && relapseLeft == 0)
            {
                if (week >= CovidFrom && week <= CovidTo && outcome == Outcome.Job && random.Chance(70))
                    relapseLeft = random.Between(6, 20); // COVID-19 spring 2020 costs jobs
                else if (random.Chance(outcome == Outcome.Job ? 10 : 5))
                    relapseLeft = random.Between(2, 10);
                if (relapseLeft > 0 && random.Chance(250))
                {
                    givenUp = true; // relapses for good (may still find work later, as a late success)
                    inOutcome = false;
                    outcome = Outcome.None;
                }
            }

            if (inOutcome && relapseLeft == 0)
                codes[i] = outcomeCode;
            else
            {
                if (relapseLeft > 0) relapseLeft--;
                if (shortJobLeft == 0 && random.Chance(15)) shortJobLeft = random.Between(1, 3);
                if (shortJobLeft > 0)
                {
                    shortJobLeft--;
                    codes[i] = ""; // a short job: too short a spell to be paid
                }
                else
                {
                    if (random.Chance(20)) benefit = random.Pick(BenefitCodes);
                    codes[i] = benefit;
                }
            }
        }
        return codes;
    }

    /// <summary>A handful of people miss a few weeks in the first delivery; the revision fills one of them in.</summary>
    private static void AddDataGaps(List<Participant> participants, int longThrough, SeededRandom random)
    {
        if (longThrough < 60) return;
        var chosen = Distinct(participants.Count, Math.Min(5, participants.Count), random);
        for (var n = 0; n < chosen.Count; n++)
        {
            var p = participants[chosen[n]];
            var from = random.Between(30, longThrough - 10);
            var length = random.Between(1, 3);
            for (var i = from; i < from + length; i++)
            {
                if (n == 0) p.FilledLater.Add(i);
                else p.Codes[i] = null;
            }
        }
    }

    /// <summary>
    /// Old weeks the revision delivery corrects: some people first reported self-supporting turn out to have had
    /// a few weeks of benefit (a credit note), and some jobs turn out to have started earlier (a supplement).
    /// </summary>
    private static void AddRevisions(List<Participant> participants, int longThrough, SeededRandom random)
    {
        int credits = 0, supplements = 0;
        foreach (var index in Distinct(participants.Count, participants.Count, random))
        {
            var p = participants[index];
            if (p.FilledLater.Count > 0 || p.Codes.Contains(null)) continue;
            var (start, length) = LongestSelfSupport(p.Codes, Math.Min(longThrough, p.Codes.Length - 1));
            if (credits < 6 && length >= 12)
            {
                var from = start + random.Between(4, length - 7);
                for (var i = from; i < from + 3; i++)
                {
                    p.FirstReported[i] = "";
                    p.Codes[i] = "130";
                }
                credits++;
            }
            else if (supplements < 3 && length >= 8 && start >= 4 && p.Codes[start - 1] is { Length: > 0 } before && BenefitCodes.Contains(before))
            {
                for (var i = start - 3; i < start; i++)
                {
                    p.FirstReported[i] = p.Codes[i];
                    p.Codes[i] = "";
                }
                supplements++;
            }
        }
    }

    private static (int Start, int Length) LongestSelfSupport(string?[] codes, int through)
    {
        int bestStart = 0, bestLength = 0, runStart = 0;
        for (var i = 0; i <= through + 1; i++)
        {
            var selfSupporting = i <= through && codes[i] == "";
            if (!selfSupporting)
            {
                if (i - runStart > bestLength) (bestStart, bestLength) = (runStart, i - runStart);
                runStart = i + 1;
            }
        }
        return (bestStart, bestLength);
    }

    private static List<int> Distinct(int count, int take, SeededRandom random)
    {
        var all = Enumerable.Range(0, count).ToList();
        for (var i = all.Count - 1; i > 0; i--)
        {
            var j = random.Between(0, i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        return all.Take(take).ToList();
    }

    private static string ReferralsCsv(List<Participant> participants)
    {
        var sb = new StringBuilder("referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business\n");
        foreach (var p in participants)
            sb.Append(CultureInfo.InvariantCulture,
                $"{p.ReferralId};{p.DashedCpr};{Iso(p.ReferredOn)};{Iso(p.CourseStart)};{(p.CourseEnd is { } e ? Iso(e) : "")};{p.FokusRef};{p.Business}\n");
        return sb.ToString();
    }

    private static string LongFormCsv(List<Participant> byCpr, IsoWeek historyStart, int from, int through)
    {
        var sb = new StringBuilder("cpr;week;code\n");
        foreach (var p in byCpr)
            for (var i = from; i <= through; i++)
            {
                if (p.FilledLater.Contains(i) || p.Codes[i] is not { } truth) continue;
                var code = p.FirstReported.TryGetValue(i, out var first) ? first : truth;
                sb.Append(CultureInfo.InvariantCulture, $"{p.DashedCpr};{historyStart.AddWeeks(i)};{code}\n");
            }
        return sb.ToString();
    }

    private static string WideFormCsv(List<Participant> byCpr, IsoWeek historyStart, int from, int through)
    {
        var sb = new StringBuilder("cpr");
        for (var i = from; i <= through; i++) sb.Append(';').Append(WeeksFile.WideColumnName(historyStart.AddWeeks(i)));
        sb.Append('\n');
        foreach (var p in byCpr)
        {
            sb.Append(p.Cpr);
            for (var i = from; i <= through; i++) sb.Append(';').Append(p.Codes[i]);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>New weeks, corrected old weeks and filled gaps; plus two deliberately broken rows for the preview to reject.</summary>
    private static string RevisionCsv(List<Participant> byCpr, IsoWeek historyStart, int from, int through)
    {
        var sb = new StringBuilder("cpr;week;code\n");
        for (var n = 0; n < byCpr.Count; n++)
        {
            var p = byCpr[n];
            var rows = p.FirstReported.Keys.Concat(p.FilledLater).Concat(Enumerable.Range(from, Math.Max(0, through - from + 1))).Order();
            foreach (var i in rows)
                sb.Append(CultureInfo.InvariantCulture, $"{p.DashedCpr};{historyStart.AddWeeks(i)};{p.Codes[i]}\n");
            if (n == byCpr.Count / 3)
                sb.Append(CultureInfo.InvariantCulture, $"{p.DashedCpr};2021-W54;130\n"); // broken on purpose: 2021 has 52 ISO weeks
            if (n == 2 * byCpr.Count / 3)
                sb.Append(CultureInfo.InvariantCulture, $"{p.DashedCpr};{historyStart.AddWeeks(from)};13O\n"); // broken on purpose: letter O in the code
        }
        return sb.ToString();
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>SplitMix64: tiny, and the same numbers on every runtime (System.Random's algorithm is not a contract).</summary>
    private sealed class SeededRandom(int seed)
    {
        private ulong _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0x60);

        private ulong NextUInt64()
        {
            unchecked
            {
                var z = _state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }

        /// <summary>Uniform in [min, maxInclusive] (the modulo bias is irrelevant for sample data).</summary>
        public int Between(int min, int maxInclusive) =>
            min + (int)(NextUInt64() % (ulong)(maxInclusive - min + 1));

        public bool Chance(int perThousand) => Between(0, 999) < perThousand;

        public T Pick<T>(T[] items) => items[Between(0, items.Length - 1)];
    }
}
