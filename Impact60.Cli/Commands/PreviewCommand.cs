using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Spectre.Console;

namespace Impact60.Cli.Commands;

/// <summary>
/// <c>preview</c>: what is owed as of a date, computed from plain files with the domain engine alone (no Azure).
/// Pseudonyms use a key made for this run only: nothing is stored, so they need not be stable.
/// </summary>
public static class PreviewCommand
{
    public const string Usage = "preview --contract FILE --referrals FILE --weeks FILE [--weeks FILE ...] --as-of YYYY-MM-DD [--json]";

    public static Task<int> RunAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var contractPath = args.Required("contract");
        var referralsPath = args.Required("referrals");
        var weekPaths = args.All("weeks");
        if (weekPaths.Count == 0) throw new CliUsageException("--weeks is required (give it once per delivery, oldest first)");
        var asOf = args.RequiredDate("as-of");
        var json = args.Flag("json");
        args.RejectUnknown();

        var preview = Compute(contractPath, referralsPath, weekPaths, asOf);
        if (json)
        {
            stdout.Write(JsonSerializer.Serialize(preview.ToJson(), PreviewJson.Options));
            stdout.WriteLine();
        }
        else
        {
            WriteTable(preview, stdout);
        }
        return Task.FromResult(CliApp.Ok);
    }

    public static Preview Compute(string contractPath, string referralsPath, IReadOnlyList<string> weekPaths, DateOnly asOf)
    {
        var contract = LoadContract(contractPath);
        var pseudonymizer = new Pseudonymizer(RandomNumberGenerator.GetBytes(32));
        var rejections = new List<Rejection>();

        var referrals = new List<Referral>();
        using (var stream = OpenInput(referralsPath))
        {
            foreach (var referral in ReadFile(() => ReferralFile.Read(stream, Path.GetFileName(referralsPath), pseudonymizer, rejections)))
            {
                if (referrals.Count >= contract.ReferralCap)
                {
                    rejections.Add(new Rejection(Path.GetFileName(referralsPath), 0,
                        $"referral {referral.ReferralId} is over the programme's referral cap of {contract.ReferralCap}", ""));
                    continue;
                }
                referrals.Add(referral);
            }
        }

        // Several week files are several deliveries: later files win per person-week.
        var history = new RegisterHistory();
        var latestAllowed = IsoWeek.Containing(asOf);
        foreach (var path in weekPaths)
        {
            using var stream = OpenInput(path);
            history.Apply(ReadFile(() => WeeksFile.Read(stream, Path.GetFileName(path), pseudonymizer, latestAllowed, rejections)).ToList());
        }

        var calculator = new EntitlementCalculator(contract);
        var programme = calculator.ComputeProgramme(referrals.Select(r => (r, history.WeeksOf(r.Person))), asOf);
        return new Preview(contract, asOf, programme, rejections);
    }

    private static Contract LoadContract(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CannotRunException($"cannot read contract file '{path}': {e.Message}");
        }
        try { return ContractLoader.Load(text, Path.GetFileName(path)); }
        catch (ContractException e)
        {
            throw new CannotRunException($"invalid contract '{path}': {e.Message.ReplaceLineEndings("; ")}");
        }
    }

    private static FileStream OpenInput(string path)
    {
        try { return File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CannotRunException($"cannot read '{path}': {e.Message}");
        }
    }

    private static List<T> ReadFile<T>(Func<IEnumerable<T>> read)
    {
        try { return read().ToList(); }
        catch (RegisterFileException e) { throw new CannotRunException($"unreadable register file {e.Message}"); }
    }

    private static void WriteTable(Preview preview, TextWriter stdout)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 120;
        var table = new Table().Title($"{preview.Contract.Programme} as of {preview.AsOf:yyyy-MM-dd}")
            .AddColumn("Referral").AddColumn("FOKUS").AddColumn(new TableColumn("Full wk").RightAligned())
            .AddColumn(new TableColumn("Partial wk").RightAligned()).AddColumn("Periods (V/H/O)")
            .AddColumn("Achieved").AddColumn(new TableColumn("Entitled (DKK, ex VAT)").RightAligned());
        foreach (var p in preview.Programme.Participants.OrderBy(p => p.ReferralId, StringComparer.Ordinal))
        {
            var v = p.Periods.Count(x => x.Status == PeriodStatus.Verified);
            var h = p.Periods.Count(x => x.Status == PeriodStatus.Held);
            var o = p.Periods.Count(x => x.Status == PeriodStatus.Open);
            table.AddRow(p.ReferralId, p.FokusRef, p.FullWeeksPaid.ToString(CultureInfo.InvariantCulture), p.PartialWeeksPaid.ToString(CultureInfo.InvariantCulture),
                $"{v}/{h}/{o}", p.AchievedSelfSufficiency ? "yes" : "", Amount(p.Amount));
        }
        var t = preview.Programme;
        table.AddEmptyRow();
        table.AddRow("Total", $"{t.Referred} referred", "", "", "", $"{t.Achieved}", Amount(t.EntitledAmount));
        console.Write(table);
        var target = (int)Math.Ceiling(preview.Contract.TargetShare * preview.Contract.ReferralCap);
        console.WriteLine($"Target: {t.Achieved} of {preview.Contract.ReferralCap} referred achieved self-sufficiency ({t.Achieved / (decimal)preview.Contract.ReferralCap:P0}); target {preview.Contract.TargetShare:P0} = {target}.");
        if (preview.Rejections.Count > 0)
        {
            console.WriteLine($"{preview.Rejections.Count} rejected row(s):");
            foreach (var r in preview.Rejections) console.WriteLine($"  {r.File}:{r.Line}: {r.Reason}");
        }
    }

    private static string Amount(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture);
}

public sealed record Preview(Contract Contract, DateOnly AsOf, ProgrammeEntitlements Programme, IReadOnlyList<Rejection> Rejections)
{
    public PreviewJson ToJson() => new(
        AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Contract.Programme,
        Programme.Participants.OrderBy(p => p.ReferralId, StringComparer.Ordinal).Select(p => new PreviewJson.Participant(
            p.ReferralId, p.FokusRef, Kroner(p.Amount), new PreviewJson.PaidWeeks(p.FullWeeksPaid, p.PartialWeeksPaid), p.AchievedSelfSufficiency,
            p.Periods.Select(x => new PreviewJson.Period(x.Index, x.FirstWeek.ToString(), x.LastWeek.ToString(),
                x.Status.ToString().ToLowerInvariant(), Kroner(x.Amount))).ToList())).ToList(),
        new PreviewJson.TotalsJson(Programme.Referred, Programme.Achieved, Kroner(Programme.EntitledAmount)),
        Rejections.Select(r => new PreviewJson.RejectedRow(r.File, r.Line, r.Reason)).ToList());

    /// <summary>Amounts carry two decimals in JSON (91150.00, not 91150): adding 0.00m sets the decimal's scale without rounding.</summary>
    private static decimal Kroner(decimal amount) => amount + 0.00m;
}

/// <summary>The <c>--json</c> shape of preview (issue #2): field names are an interface, amounts are ex VAT.</summary>
public sealed record PreviewJson(string AsOf, string Programme, IReadOnlyList<PreviewJson.Participant> Participants, PreviewJson.TotalsJson Totals, IReadOnlyList<PreviewJson.RejectedRow> Rejected)
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public sealed record Participant(string ReferralId, string FokusRef, decimal Entitled, PaidWeeks PaidWeeks, bool AchievedSelfSufficiency, IReadOnlyList<Period> Periods);
    public sealed record PaidWeeks(int Full, int Partial);
    public sealed record Period(int Index, string FirstWeek, string LastWeek, string Status, decimal Amount);
    public sealed record TotalsJson(int Referred, int Achieved, decimal Entitled);
    public sealed record RejectedRow(string File, int Line, string Reason);
}
