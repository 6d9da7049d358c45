using System.Text;
using Impact60.Application.Tests.Storage;

namespace Impact60.Application.Tests.Settlement;

/// <summary>
/// Three fictitious participants over two settlements, at the public tariff (796 a Full week), with the shipped contract
/// (13-week periods, weeks final 8 weeks after their Sunday, spells of at least 4 weeks paid):
/// <list type="bullet">
/// <item>JC-2018-0001 (A): course ends 2019-02-15, so period 1 is 2019-W08..W20; every week W08..W30 without benefit.</item>
/// <item>JC-2018-0002 (B): same course end; W08..W20 without benefit, nothing reported after (a data gap once W21 is final).</item>
/// <item>JC-2018-0003 (C): course ends 2019-01-04, so periods 2019-W02..W14 and W15..W27; every week W02..W27 without benefit.</item>
/// </list>
/// July, settled 2019-08-01: the three first periods are verified: invoice 3 × 13 × 796 = 31,044.00.
/// Then a revision (delivered 2019-08-10) turns B's W08..W12 into benefit weeks (code 100); B's spell W13..W20 is still
/// 8 weeks long, so as in DOMAIN.md's worked example five paid Full weeks are taken back.
/// August, settled 2019-09-01: C's second period is verified (W27 final on 09-01): invoice 13 × 796 = 10,348.00, and a
/// credit note of 5 × 796 = 3,980.00 correcting the July invoice.
/// </summary>
internal static class SettlementScenario
{
    public const decimal FullWeek = 796m;
    public static readonly DateOnly JulyRun = new(2019, 8, 1);
    public static readonly DateOnly RevisionDay = new(2019, 8, 10);
    public static readonly DateOnly AugustRun = new(2019, 9, 1);

    public static string Cpr(int participant) => SampleRegister.Cpr(900 + participant);

    public static readonly string Referrals =
        SampleRegister.ReferralHeader + "\n" +
        $"JC-2018-0001;{Cpr(1)};2018-09-27;2018-10-01;2019-02-15;F-001;KaffeFair\n" +
        $"JC-2018-0002;{Cpr(2)};2018-09-27;2018-10-01;2019-02-15;F-002;Facility Service\n" +
        $"JC-2018-0003;{Cpr(3)};2018-09-20;2018-09-24;2019-01-04;F-003;Butik ByRetro\n";

    public static readonly string Weeks = WeeksFile(
        (1, 8, 30, ""), (2, 8, 20, ""), (3, 2, 27, ""));

    public static readonly string Revision = WeeksFile((2, 8, 12, "100"));

    /// <summary>A long-form weeks file: for each (participant, first week, last week, code) one row per 2019 week.</summary>
    public static string WeeksFile(params (int Participant, int First, int Last, string Code)[] runs)
    {
        var sb = new StringBuilder(SampleRegister.WeeksHeader).Append('\n');
        foreach (var (p, first, last, code) in runs)
            for (var w = first; w <= last; w++)
                sb.Append($"{Cpr(p)};2019-W{w:00};{code}\n");
        return sb.ToString();
    }

    /// <summary>The register as it stood for the July settlement: referrals and weeks ingested 2019-07-31, verified.</summary>
    public static async Task LoadAsync(PipelineTestHost host)
    {
        var day = new DateOnly(2019, 7, 31);
        await host.IngestAsync("referrals-2019-07.csv", Referrals, day);
        await host.IngestAsync("weeks-2019-07.csv", Weeks, day);
        await host.DrainVerifyAsync();
    }

    public static async Task ReviseAsync(PipelineTestHost host)
    {
        await host.IngestAsync("weeks-2019-08-revision.csv", Revision, RevisionDay);
        await host.DrainVerifyAsync();
    }

    /// <summary>
    /// July, the revision, August, then every notice sent — with the write counter armed during both settlements (a
    /// crash there is followed by a rerun of the same settlement). Returns how many settlements crashed.
    /// </summary>
    public static async Task<int> RunAsync(PipelineTestHost host)
    {
        await LoadAsync(host);
        var crashes = await host.SettleCrashingAsync("2019-07", JulyRun) ? 1 : 0;
        await ReviseAsync(host);
        crashes += await host.SettleCrashingAsync("2019-08", AugustRun) ? 1 : 0;
        await host.DrainNoticesAsync();
        return crashes;
    }
}
