using System.Globalization;
using System.Text;
using Impact60.Domain.Primitives;

namespace Impact60.Cli.Demo;

/// <summary>An extract file the demo's simulated jobcenter drops into the register inbox on a given day.</summary>
public sealed record DemoDelivery(DateOnly On, string FileName, string Content);

/// <summary>
/// The demo's stand-in for the jobcenter: it replays the shipped sample files (samples/, see samples/README.md) as the
/// deliveries a register would have made over time. On the 5th of each month it delivers the referrals known by then
/// (a course end appears once it has happened) and the long-form weeks of the month before; the DREAM wide file and the
/// revision file are delivered as they are, on the dates their names give. Pure text slicing: the files themselves go
/// through the real readers when ingested.
/// </summary>
public static class DemoRegister
{
    public const string ReferralsFile = "referrals.csv";
    public const string LongFormFile = "weeks-2021-06.csv";
    public const string WideFormFile = "weeks-2022-01-dream.csv";
    public const string RevisionFile = "weeks-2022-02-revision.csv";

    public static DateOnly FirstDelivery => new(2018, 10, 5);
    public static DateOnly WideFormDelivery => new(2022, 1, 5);
    public static DateOnly RevisionDelivery => new(2022, 2, 7);

    public static IReadOnlyList<DemoDelivery> Plan(string samplesFolder)
    {
        var referrals = File.ReadAllLines(Path.Combine(samplesFolder, ReferralsFile));
        var weeks = File.ReadAllLines(Path.Combine(samplesFolder, LongFormFile));
        var deliveries = new List<DemoDelivery>();
        string? lastReferrals = null;
        var delivered = new HashSet<int>(); // line indexes of the long file already delivered
        for (var on = FirstDelivery; on <= RevisionDelivery; on = on.AddMonths(1))
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
        deliveries.Add(new DemoDelivery(WideFormDelivery, WideFormFile, File.ReadAllText(Path.Combine(samplesFolder, WideFormFile))));
        deliveries.Add(new DemoDelivery(RevisionDelivery, RevisionFile, File.ReadAllText(Path.Combine(samplesFolder, RevisionFile))));
        return deliveries.OrderBy(d => d.On).ThenBy(d => d.FileName.StartsWith("referrals", StringComparison.Ordinal) ? 0 : 1).ToList();
    }

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
