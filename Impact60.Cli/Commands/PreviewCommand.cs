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
/// <remarks>
/// Exit codes (README "The operator CLI"): 0 computed, also when rows were rejected (issue #2: rejected rows are the
/// register's to fix and are listed; what is owed on the rows kept is complete). 1 computed but an entitlement
/// problem (DOMAIN.md rule 7: a payable week with no tariff in force) withholds money that is owed: the figures are
/// knowingly short until the contract is fixed, so a script must not take them as final. The problems are listed in
/// the table and in <c>--json</c> ("problems", per participant and for the programme), and stderr gets one summary
/// line. 2 could not run. Everything printed is CPR-masked, including messages taken from exceptions.
/// </remarks>
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

        var problems = preview.Problems;
        if (problems.Count == 0) return Task.FromResult(CliApp.Ok);
        var participants = problems.Select(p => p.ReferralId).Distinct(StringComparer.Ordinal).Count();
        stderr.WriteLine($"impact60 preview: {problems.Count} payable week(s) of {participants} participant(s) have no tariff in force; " +
            "their periods are not paid until the contract has a tariff for them (see \"problems\")");
        return Task.FromResult(CliApp.Problem);
    }

    public static Preview Compute(string contractPath, string referralsPath, IReadOnlyList<string> weekPaths, DateOnly asOf)
    {
        var contract = LoadContract(contractPath);
        var pseudonymizer = new Pseudonymizer(RandomNumberGenerator.GetBytes(32));
        var rejections = new List<Rejection>();

        var referrals = new List<Referral>();
        using (var stream = OpenInput(referralsPath))
        {
            // DOMAIN.md "Referrals": over the cap is rejected with a clear error, not dropped; in file order, with its line.
            foreach (var row in ReadFile(() => ReferralFile.ReadRows(stream, Path.GetFileName(referralsPath), pseudonymizer, rejections)))
            {
                if (referrals.Count >= contract.ReferralCap)
                {
                    rejections.Add(new Rejection(Path.GetFileName(referralsPath), row.Line,
                        $"referral {row.Referral.ReferralId} is over the programme's referral cap of {contract.ReferralCap}", row.MaskedRawLine));
                    continue;
                }
                referrals.Add(row.Referral);
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
            throw CannotRun($"cannot read contract file '{path}': {e.Message}");
        }
        try { return ContractLoader.Load(text, Path.GetFileName(path)); }
        catch (ContractException e)
        {
            throw CannotRun($"invalid contract '{path}': {e.Message.ReplaceLineEndings("; ")}");
        }
    }

    private static FileStream OpenInput(string path)
    {
        try { return File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotRun($"cannot read '{path}': {e.Message}");
        }
    }

    private static List<T> ReadFile<T>(Func<IEnumerable<T>> read)
    {
        try { return read().ToList(); }
        catch (RegisterFileException e) { throw CannotRun($"unreadable register file {e.Message}"); }
    }

    /// <summary>
    /// What preview prints from an exception goes through here: a path, an OS message or a quoted value may hold a CPR
    /// (a file named after a citizen, a CPR in a contract's free text), and stderr must never carry one.
    /// </summary>
    private static CannotRunException CannotRun(string message) => new(Cpr.MaskAll(message.ReplaceLineEndings(" ")));

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
        if (preview.Problems.Count > 0)
        {
            // One short line per week (the full reason is in --json): the table is read by people, 120 columns wide.
            console.WriteLine($"{preview.Problems.Count} entitlement problem(s); the periods named are not paid until they are fixed:");
            foreach (var p in preview.Problems)
                console.WriteLine(Cpr.MaskAll(p.Kind switch
                {
                    EntitlementProblemKind.NoTariffInForce => $"  {p.ReferralId} period {p.PeriodIndex} week {p.Week}: payable, but no tariff in force on {p.Week.Monday:yyyy-MM-dd}",
                    _ => $"  {p.Message}",
                }));
        }
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
    /// <summary>Every participant's entitlement problems (rule 7), in referral id order, then period and week.</summary>
    public IReadOnlyList<EntitlementProblem> Problems { get; } = Programme.Participants
        .OrderBy(p => p.ReferralId, StringComparer.Ordinal).SelectMany(p => p.Problems).ToList();

    public PreviewJson ToJson() => new(
        AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Contract.Programme,
        Programme.Participants.OrderBy(p => p.ReferralId, StringComparer.Ordinal).Select(p => new PreviewJson.Participant(
            p.ReferralId, p.FokusRef, Kroner(p.Amount), new PreviewJson.PaidWeeks(p.FullWeeksPaid, p.PartialWeeksPaid), p.AchievedSelfSufficiency,
            p.Periods.Select(x => new PreviewJson.Period(x.Index, x.FirstWeek.ToString(), x.LastWeek.ToString(),
                x.Status.ToString().ToLowerInvariant(), Kroner(x.Amount))).ToList(),
            p.Problems.Select(x => new PreviewJson.Problem(x.PeriodIndex, x.Week.ToString(), Kind(x.Kind), Cpr.MaskAll(x.Message))).ToList())).ToList(),
        new PreviewJson.TotalsJson(Programme.Referred, Programme.Achieved, Kroner(Programme.EntitledAmount)),
        Rejections.Select(r => new PreviewJson.RejectedRow(r.File, r.Line, r.Reason)).ToList(),
        Problems.Select(x => new PreviewJson.ProgrammeProblem(x.ReferralId, x.PeriodIndex, x.Week.ToString(), Kind(x.Kind), Cpr.MaskAll(x.Message))).ToList());

    private static string Kind(EntitlementProblemKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>Amounts carry two decimals in JSON (91150.00, not 91150): adding 0.00m sets the decimal's scale without rounding.</summary>
    private static decimal Kroner(decimal amount) => amount + 0.00m;
}

/// <summary>The <c>--json</c> shape of preview (issue #2): field names are an interface, amounts are ex VAT.</summary>
/// <remarks>
/// <c>problems</c> (beyond the issue's shape): entitlement problems that withhold money (rule 7), per participant
/// (<c>period</c>, <c>week</c>, <c>kind</c>, <c>reason</c>) and all of them at the top level with the referral id.
/// </remarks>
public sealed record PreviewJson(string AsOf, string Programme, IReadOnlyList<PreviewJson.Participant> Participants, PreviewJson.TotalsJson Totals,
    IReadOnlyList<PreviewJson.RejectedRow> Rejected, IReadOnlyList<PreviewJson.ProgrammeProblem> Problems)
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public sealed record Participant(string ReferralId, string FokusRef, decimal Entitled, PaidWeeks PaidWeeks, bool AchievedSelfSufficiency, IReadOnlyList<Period> Periods,
        IReadOnlyList<Problem> Problems);
    public sealed record PaidWeeks(int Full, int Partial);
    public sealed record Period(int Index, string FirstWeek, string LastWeek, string Status, decimal Amount);
    public sealed record TotalsJson(int Referred, int Achieved, decimal Entitled);
    public sealed record RejectedRow(string File, int Line, string Reason);
    public sealed record Problem(int Period, string Week, string Kind, string Reason);
    public sealed record ProgrammeProblem(string ReferralId, int Period, string Week, string Kind, string Reason);
}
