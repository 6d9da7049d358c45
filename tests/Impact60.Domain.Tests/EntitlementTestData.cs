using System.Globalization;
using System.Text;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Domain.Tests;

/// <summary>
/// Examples are written as week strings, one character per ISO week starting at a given week:
/// F = no benefit (Full), S = SU code 651 (Full), P = flex job 421 (Partial), N = code 100 (None, unlisted), . = no row.
/// </summary>
internal static class EntitlementTestData
{
    public static readonly Pseudonym Citizen = Pseudonym.Parse(new string('a', 64));
    public static readonly Pseudonym OtherCitizen = Pseudonym.Parse(new string('b', 64));

    /// <summary>The shipped IMPACT60 contract (samples/impact60.contract.json), loaded once.</summary>
    public static Contract Sample { get; } = ContractLoader.Load(SampleJson, "impact60.contract.json");

    /// <summary>The sample without its COVID-19 suspension, so that examples around 2019 are not disturbed by it.</summary>
    public static Contract NoSuspension { get; } = Sample with { Suspensions = [] };

    public static string SampleJson => File.ReadAllText(Path.Combine(RepositoryRoot, "samples", "impact60.contract.json"));

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Impact60.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Impact60.sln not found above the test output folder.");
        }
    }

    /// <summary>Course ends Friday 2019-01-04 (2019-W01), so the window starts 2019-W02.</summary>
    public static readonly DateOnly CourseEnd = new(2019, 1, 4);
    public static readonly IsoWeek WindowStart = new(2019, 2);

    public static Referral Referral(string id = "R001", DateOnly? courseEnd = null, DateOnly? referredOn = null, Pseudonym? person = null, bool noCourseEnd = false) =>
        new(id, person ?? Citizen, referredOn ?? new DateOnly(2018, 9, 24), new DateOnly(2018, 10, 1),
            noCourseEnd ? null : courseEnd ?? CourseEnd, "FOKUS-" + id, "KaffeFair");

    public static RegisterWeek[] Weeks(IsoWeek first, string pattern, Pseudonym? person = null)
    {
        var list = new List<RegisterWeek>();
        for (var i = 0; i < pattern.Length; i++)
        {
            var code = pattern[i] switch
            {
                'F' => "",
                'S' => "651",
                'P' => "421",
                'N' => "100",
                '.' => null,
                ' ' or '|' => throw new ArgumentException("Use no separators in week patterns."),
                var c => throw new ArgumentException($"Unknown week pattern character '{c}'."),
            };
            if (code is not null) list.Add(new RegisterWeek(person ?? Citizen, first.AddWeeks(i), BenefitCode.Parse(code)));
        }
        return list.ToArray();
    }

    public static string Repeat(char c, int n) => new(c, n);

    /// <summary>The first run date on which <paramref name="week"/> is final under an 8-week maturity.</summary>
    public static DateOnly FinalFrom(IsoWeek week, Contract? contract = null) => week.Sunday.AddDays(7 * (contract ?? Sample).MaturityWeeks);

    /// <summary>A canonical text of everything in an entitlement, for comparing two computations.</summary>
    public static string Describe(Entitlement e)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{e.ReferralId} {e.AsOf:yyyy-MM-dd} amount={e.Amount} full={e.FullWeeksPaid} partial={e.PartialWeeksPaid} ");
        sb.Append(CultureInfo.InvariantCulture, $"window={e.Window} achieved={e.AchievedSelfSufficiency}@{e.AchievedInWeek}\n");
        foreach (var p in e.Periods)
        {
            sb.Append(CultureInfo.InvariantCulture, $" P{p.Index} {p.FirstWeek}..{p.LastWeek} n={p.CountedWeeks} {p.Status} {p.Amount}\n");
            foreach (var w in p.PaidWeeks) sb.Append(CultureInfo.InvariantCulture, $"  {w}\n");
            foreach (var l in p.Lines) sb.Append(CultureInfo.InvariantCulture, $"  {l}\n");
        }
        sb.Append("missing=").AppendJoin(",", e.MissingFinalWeeks).Append('\n');
        foreach (var pr in e.Problems) sb.Append(pr).Append('\n');
        return sb.ToString();
    }
}
