using System.Globalization;
using System.Text;
using Impact60.Domain.Primitives;

namespace Impact60.Cli.Demo;

/// <summary>An extract file the demo's simulated jobcenter drops into the register inbox on a given day.</summary>
public sealed record DemoDelivery(DateOnly On, string FileName, string Content);

/// <summary>
/// The demo's stand-in for the jobcenter: it replays the sample files of a folder (samples/, see samples/README.md) as the
/// deliveries a register would have made over time. The files are found by their names:
/// <list type="bullet">
/// <item><c>referrals.csv</c>: on the 5th of each month the referrals known by then (a course end appears once it has happened);</item>
/// <item><c>weeks-YYYY-MM.csv</c> (long form, exactly one): on the 5th of each month the weeks of the months before;</item>
/// <item><c>weeks-YYYY-MM-dream.csv</c> (DREAM wide form, optional): delivered whole on the 5th of YYYY-MM;</item>
/// <item><c>weeks-YYYY-MM-revision.csv</c> (long form, optional): delivered whole on the 7th of YYYY-MM, two days after
/// that month's regular delivery, as a correction would come.</item>
/// </list>
/// Monthly deliveries run from <see cref="FirstDelivery"/> to the last dated delivery. Pure text slicing: the files
/// themselves go through the real readers when ingested.
/// </summary>
public static class DemoRegister
{
    public const string ReferralsFile = "referrals.csv";

    /// <summary>The first night of the demo's timeline.</summary>
    public static DateOnly Start => new(2018, 10, 1);
    public static DateOnly FirstDelivery => new(2018, 10, 5);

    private static readonly System.Text.RegularExpressions.Regex LongForm = new(@"^weeks-(\d{4})-(\d{2})\.csv$");
    private static readonly System.Text.RegularExpressions.Regex WideForm = new(@"^weeks-(\d{4})-(\d{2})-dream\.csv$");
    private static readonly System.Text.RegularExpressions.Regex Revision = new(@"^weeks-(\d{4})-(\d{2})-revision\.csv$");

    public static IReadOnlyList<DemoDelivery> Plan(string samplesFolder)
    {
        var names = Directory.GetFiles(samplesFolder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var longForm = names.Where(n => LongForm.IsMatch(n)).ToList();
        if (longForm.Count != 1)
            throw new InvalidDataException($"'{samplesFolder}' needs exactly one long-form weeks file weeks-YYYY-MM.csv, not {longForm.Count}");
        var dated = new List<DemoDelivery>();
        foreach (var name in names)
        {
            if (WideForm.Match(name) is { Success: true } w) dated.Add(new DemoDelivery(Day(w, 5), name, File.ReadAllText(Path.Combine(samplesFolder, name))));
            if (Revision.Match(name) is { Success: true } r) dated.Add(new DemoDelivery(Day(r, 7), name, File.ReadAllText(Path.Combine(samplesFolder, name))));
        }

        var referrals = File.ReadAllLines(Path.Combine(samplesFolder, ReferralsFile));
        var weeks = File.ReadAllLines(Path.Combine(samplesFolder, longForm[0]));
        var lastMonthly = dated.Count > 0 ? dated.Max(d => d.On) : Day(LongForm.Match(longForm[0]), 5);
        var deliveries = new List<DemoDelivery>();
        string? lastReferrals = null;
        var delivered = new HashSet<int>(); // line indexes of the long file already delivered
        for (var on = FirstDelivery; on <= lastMonthly; on = on.AddMonths(1))
        {
            var referralContent = ReferralsKnownOn(referrals, on);
            if (referralContent != lastReferrals)
            {
                deliveries.Add(new DemoDelivery(on, $"referrals-{on:yyyy-MM-dd}.csv", referralContent));
                lastReferrals = referralContent;
            }
            var cutoff = new DateOnly(on.Year, on.Month, 1).AddDays(-1); // weeks whose Sunday is in an earlier month
            var sb = new StringBuilder(weeks[0]).Append('\n');
            var any = false;
            for (var i = 1; i < weeks.Length; i++)
            {
                if (delivered.Contains(i) || weeks[i].Length == 0) continue;
                var fields = weeks[i].Split(';');
                // A row whose week cannot be read is delivered at once: the readers must see and quarantine it.
                var due = fields.Length < 2 || !IsoWeek.TryParse(fields[1], out var week, out _) || week.Sunday <= cutoff;
                if (!due) continue;
                sb.Append(weeks[i]).Append('\n');
                delivered.Add(i);
                any = true;
            }
            if (any) deliveries.Add(new DemoDelivery(on, $"weeks-{on:yyyy-MM-dd}.csv", sb.ToString()));
        }
        deliveries.AddRange(dated);
        return deliveries.OrderBy(d => d.On).ThenBy(d => d.FileName.StartsWith("referrals", StringComparison.Ordinal) ? 0 : 1).ToList();
    }

    /// <summary>The demo runs to the 1st of the month after the last delivery, so that month's settlement sees it (with the samples: 2022-03-01).</summary>
    public static DateOnly DefaultUntil(IReadOnlyList<DemoDelivery> deliveries)
    {
        var last = deliveries.Max(d => d.On);
        return new DateOnly(last.Year, last.Month, 1).AddMonths(1);
    }

    private static DateOnly Day(System.Text.RegularExpressions.Match m, int day) =>
        new(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), day);

    private static string ReferralsKnownOn(string[] lines, DateOnly on)
    {
        var header = lines[0].Split(';');
        int Col(string name) => Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
        int referredOn = Col("referred_on"), courseEnd = Col("course_end");
        var sb = new StringBuilder(lines[0]).Append('\n');
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var f = line.Split(';');
            if (f.Length != header.Length || !DateOnly.TryParseExact(f[referredOn], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var referred))
            {
                sb.Append(line).Append('\n'); // not ours to judge: the reader quarantines it
                continue;
            }
            if (referred > on) continue;
            if (DateOnly.TryParseExact(f[courseEnd], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) && end > on)
                f[courseEnd] = ""; // still in the course on that day
            sb.Append(string.Join(';', f)).Append('\n');
        }
        return sb.ToString();
    }
}
