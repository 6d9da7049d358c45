using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;
using Impact60.Domain.Text;
using Spectre.Console;

namespace Impact60.Cli.Commands;

/// <summary>
/// <c>preview</c>: what is owed as of a date, computed from plain files with the domain engine alone (no Azure).
/// Pseudonyms use a key made for this run only: nothing is stored, so they need not be stable.
/// </summary>
/// <remarks>
/// Exit codes (README "The operator CLI"): 0 computed, also when some rows were rejected (issue #2: rejected rows are the
/// register's to fix and are listed; what is owed on the rows kept is complete). 1 computed but the figures need
/// attention: an entitlement problem (DOMAIN.md rule 7: a payable week with no tariff in force) withholds money that is
/// owed; a participant's entitlement could not be computed at all (left out of the totals, listed as a problem of kind
/// <c>computationFailed</c>); or a file has so many rejected rows that ingestion would refuse it whole
/// (<see cref="RejectionPolicy"/>). The problems are listed in the table and in <c>--json</c> ("problems", per
/// participant and for the programme), and stderr gets one summary line per reason. 2 could not run. Rejected rows are
/// bounded: at most <see cref="RejectedShown"/> are listed, the rest counted by kind. Everything printed is CPR-masked,
/// including file names and messages taken from exceptions, and every value from the files is escaped for the console
/// (<see cref="ConsoleText"/>): an id like <c>JC-[bold]0001[/]</c> is shown as written, an ESC never reaches the terminal.
/// </remarks>
public static class PreviewCommand
{
    public const string Usage = "preview --contract FILE --referrals FILE --weeks FILE [--weeks FILE ...] --as-of YYYY-MM-DD [--json]";

    /// <summary>How many rejected rows the table and <c>--json</c> list; the rest are counted, by kind.</summary>
    public const int RejectedShown = 20;

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
        return Task.FromResult(Write(preview, json, stdout, stderr));
    }

    /// <summary>Prints <paramref name="preview"/> as a table or as JSON, and a summary line on stderr per reason for exit 1; returns the exit code.</summary>
    public static int Write(Preview preview, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (json)
        {
            stdout.Write(JsonSerializer.Serialize(preview.ToJson(), PreviewJson.Options));
            stdout.WriteLine();
        }
        else
        {
            WriteTable(preview, stdout);
        }

        var exit = CliApp.Ok;
        var problems = preview.Problems;
        if (problems.Count > 0)
        {
            var participants = problems.Select(p => p.ReferralId).Distinct(StringComparer.Ordinal).Count();
            stderr.WriteLine($"impact60 preview: {problems.Count} payable week(s) of {participants} participant(s) have no tariff in force; " +
                "their periods are not paid until the contract has a tariff for them (see \"problems\")");
            exit = CliApp.Problem;
        }
        if (preview.Programme.Failed.Count > 0)
        {
            stderr.WriteLine($"impact60 preview: the entitlement of {preview.Programme.Failed.Count} participant(s) could not be computed; " +
                "they are left out of the totals until their data is corrected (see \"problems\")");
            exit = CliApp.Problem;
        }
        foreach (var file in preview.Files.Where(f => f.RefusedWhole))
        {
            stderr.WriteLine(ConsoleText.Plain($"impact60 preview: {file.Name}: {file.Describe()} (see \"rejected\")"));
            exit = CliApp.Problem;
        }
        return exit;
    }

    public static Preview Compute(string contractPath, string referralsPath, IReadOnlyList<string> weekPaths, DateOnly asOf)
    {
        var contract = LoadContract(contractPath);
        var pseudonymizer = new Pseudonymizer(RandomNumberGenerator.GetBytes(32));
        // Bounded: every rejection is counted (by kind), only the first few are kept to be shown.
        var rejections = new RejectionLog(RejectedShown);
        var files = new List<PreviewFile>();

        var referrals = new List<Referral>();
        using (var stream = OpenInput(referralsPath))
        {
            var before = rejections.Total;
            // The as-of date stands for the delivery date: a referral dated after it did not exist yet, and a course end
            // beyond the contract's horizon from it is an "open-ended" placeholder or a typing error.
            var rules = new ReferralReadOptions { DeliveryDate = asOf, MaxCourseEndWeeksAhead = contract.MaxCourseEndWeeksAhead };
            var rows = ReadFile(() => ReferralFile.ReadRows(stream, Path.GetFileName(referralsPath), pseudonymizer, rejections, rules));
            // Counted as ingestion counts them: rows the reader took plus rows it rejected.
            var readerRejected = rejections.Total - before;
            // The intake rules (R1-R3) as ingestion applies them to a first delivery, nothing taken before it: over the cap
            // is rejected with a reason, never dropped, in file order, with its line.
            var decisions = ReferralIntake.Of(contract).Decide([], [.. rows.Select(r => r.Referral)]);
            for (var i = 0; i < rows.Count; i++)
            {
                if (decisions[i].Taken) referrals.Add(rows[i].Referral);
                else rejections.Add(new Rejection(Path.GetFileName(referralsPath), rows[i].Line, decisions[i].Reason!, rows[i].MaskedRawLine));
            }
            files.Add(new PreviewFile(ShownName(referralsPath), rows.Count + readerRejected, rejections.Total - before));
        }

        // Several week files are several deliveries: later files win per person-week.
        // Only the referred persons' weeks are kept: a whole-register extract costs memory for the participants, not its rows.
        var history = new RegisterHistory();
        var latestAllowed = IsoWeek.Containing(asOf);
        var referred = referrals.Select(r => r.Person).ToHashSet();
        foreach (var path in weekPaths)
        {
            using var stream = OpenInput(path);
            var before = rejections.Total;
            var notKept = new NotKeptCount();
            var weeks = ReadFile(() => WeeksFile.Read(stream, Path.GetFileName(path), pseudonymizer, latestAllowed, rejections, referred.Contains, notKept));
            var rejected = rejections.Total - before;
            files.Add(new PreviewFile(ShownName(path), weeks.Count + notKept.Rows + rejected, rejected));
            history.Apply(weeks);
        }

        // A participant whose computation fails is reported by the engine and left out; the others are computed.
        var calculator = new EntitlementCalculator(contract);
        var programme = calculator.ComputeProgramme(referrals.Select(r => (r, history.WeeksOf(r.Person))), asOf);
        var unlisted = UnlistedCodes.Find(referrals.SelectMany(r => history.WeeksOf(r.Person)), contract.Classification);
        return new Preview(contract, asOf, programme, rejections, files) { UnlistedCodes = unlisted };
    }

    /// <summary>A file's name as preview shows it: the name only, CPR-shaped runs masked (the jobcenter names its files).</summary>
    private static string ShownName(string path) => SafeText.Show(Cpr.MaskAll(Path.GetFileName(path)));

    private static Contract LoadContract(string path)
    {
        try { return ContractLoader.LoadFile(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotRun($"cannot read contract file '{path}': {e.Message}");
        }
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
        // Table cells and titles are Spectre markup: every value from the files goes through ConsoleText.Markup.
        var table = new Table().Title(ConsoleText.Markup($"{preview.Contract.Programme} as of {preview.AsOf:yyyy-MM-dd}"))
            .AddColumn("Referral").AddColumn("FOKUS").AddColumn(new TableColumn("Full wk").RightAligned())
            .AddColumn(new TableColumn("Partial wk").RightAligned()).AddColumn("Periods (V/H/O)")
            .AddColumn("Achieved").AddColumn(new TableColumn("Entitled (DKK, ex VAT)").RightAligned());
        foreach (var p in preview.Programme.Participants.OrderBy(p => p.ReferralId, StringComparer.Ordinal))
        {
            var v = p.Periods.Count(x => x.Status == PeriodStatus.Verified);
            var h = p.Periods.Count(x => x.Status == PeriodStatus.Held);
            var o = p.Periods.Count(x => x.Status == PeriodStatus.Open);
            table.AddRow(ConsoleText.Markup(p.ReferralId), ConsoleText.Markup(p.FokusRef), p.FullWeeksPaid.ToString(CultureInfo.InvariantCulture),
                p.PartialWeeksPaid.ToString(CultureInfo.InvariantCulture), $"{v}/{h}/{o}", p.AchievedSelfSufficiency ? "yes" : "", Amount(p.Amount));
        }
        var t = preview.Programme;
        table.AddEmptyRow();
        table.AddRow("Total", $"{t.Referred} referred", "", "", "", $"{t.Achieved}", Amount(t.EntitledAmount));
        console.Write(table);
        stdout.WriteLine($"Target: {t.Achieved} of {t.ReferralCap} referred achieved self-sufficiency ({t.TargetProgress:P0}); target {t.TargetShare:P0} = {t.TargetCount}.");
        // Plain lines go straight to the writer, unwrapped (a reason stays on one line, for people and grep alike), and
        // still through ConsoleText.Plain: no ESC, no CPR.
        if (t.Failed.Count > 0)
        {
            stdout.WriteLine($"{t.Failed.Count} participant(s) could not be computed and are left out of the figures above until their data is corrected:");
            foreach (var f in t.Failed)
                stdout.WriteLine(ConsoleText.Plain($"  {f.ReferralId} ({f.FokusRef}): the computation failed: {f.Reason}"));
        }
        if (preview.Problems.Count > 0)
        {
            // One short line per week (the full reason is in --json): the table is read by people, 120 columns wide.
            stdout.WriteLine($"{preview.Problems.Count} entitlement problem(s); the periods named are not paid until they are fixed:");
            foreach (var p in preview.Problems)
                stdout.WriteLine(ConsoleText.Plain(p.Kind switch
                {
                    EntitlementProblemKind.NoTariffInForce => $"  {p.ReferralId} period {p.PeriodIndex} week {p.Week}: payable, but no tariff in force on {p.Week.Monday:yyyy-MM-dd}",
                    _ => $"  {p.Message}",
                }));
        }
        var rejections = preview.Rejections;
        if (rejections.Total > 0)
        {
            stdout.WriteLine(rejections.Truncated
                ? $"{rejections.Total} rejected row(s); the first {rejections.Examples.Count}:"
                : $"{rejections.Total} rejected row(s):");
            foreach (var r in rejections.Examples) stdout.WriteLine(ConsoleText.Plain($"  {r.File}:{r.Line}: {r.Reason}"));
            if (rejections.Truncated) stdout.WriteLine($"  … and {rejections.Total - rejections.Examples.Count} more");
            stdout.WriteLine("Rejected rows by kind:");
            foreach (var (kind, count) in rejections.ByKind)
                stdout.WriteLine(ConsoleText.Plain($"  {count,7}  {kind}"));
        }
        if (preview.UnlistedCodes.Count > 0)
        {
            // Every week of such a code is priced by the contract's default class: someone should confirm that is meant.
            stdout.WriteLine($"Codes not in the contract's list (priced as its default class, {preview.Contract.Classification.Default}), in the referred participants' weeks:");
            foreach (var code in preview.UnlistedCodes) stdout.WriteLine(ConsoleText.Plain($"  {code}"));
        }
        foreach (var file in preview.Files.Where(f => f.RefusedWhole))
            stdout.WriteLine(ConsoleText.Plain($"{file.Name}: {file.Describe()}"));
    }

    private static string Amount(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture);
}

/// <summary>
/// What preview computed: the programme's entitlements (a participant that could not be computed is in
/// <c>Programme.Failed</c>), the rejected rows (bounded) and, per file read, its counts.
/// </summary>
public sealed record Preview(Contract Contract, DateOnly AsOf, ProgrammeEntitlements Programme, RejectionLog Rejections, IReadOnlyList<PreviewFile> Files)
{
    /// <summary>Every participant's entitlement problems (rule 7), in referral id order, then period and week.</summary>
    public IReadOnlyList<EntitlementProblem> Problems { get; } = Programme.Participants
        .OrderBy(p => p.ReferralId, StringComparer.Ordinal).SelectMany(p => p.Problems).ToList();

    /// <summary>Benefit codes in the referred participants' weeks that the contract's classification does not list.</summary>
    public IReadOnlyList<UnlistedCode> UnlistedCodes { get; init; } = [];

    public PreviewJson ToJson() => new(
        AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Contract.Programme,
        Programme.Participants.OrderBy(p => p.ReferralId, StringComparer.Ordinal).Select(p => new PreviewJson.Participant(
            Cpr.MaskAll(p.ReferralId), Cpr.MaskAll(p.FokusRef), Kroner(p.Amount), new PreviewJson.PaidWeeks(p.FullWeeksPaid, p.PartialWeeksPaid), p.AchievedSelfSufficiency,
            p.Periods.Select(x => new PreviewJson.Period(x.Index, x.FirstWeek.ToString(), x.LastWeek.ToString(),
                x.Status.ToString().ToLowerInvariant(), Kroner(x.Amount))).ToList(),
            p.Problems.Select(x => new PreviewJson.Problem(x.PeriodIndex, x.Week.ToString(), Kind(x.Kind), Cpr.MaskAll(x.Message))).ToList())).ToList(),
        new PreviewJson.TotalsJson(Programme.Referred, Programme.Achieved, Kroner(Programme.EntitledAmount)),
        Rejections.Examples.Select(r => new PreviewJson.RejectedRow(r.File, r.Line, r.Reason)).ToList(),
        Rejections.Total,
        Rejections.ByKind.Select(k => new PreviewJson.RejectedKind(k.Kind, k.Count)).ToList(),
        Files.Select(f => new PreviewJson.FileJson(f.Name, f.RowsRead, f.Rejected, f.RefusedWhole)).ToList(),
        UnlistedCodes.Select(c => new PreviewJson.UnlistedCodeJson(c.Code, c.Weeks, c.Persons, c.FallsTo.ToString())).ToList(),
        Problems.Select(x => (x.ReferralId, Problem: new PreviewJson.ProgrammeProblem(Cpr.MaskAll(x.ReferralId), x.PeriodIndex, x.Week.ToString(), Kind(x.Kind), Cpr.MaskAll(x.Message))))
            .Concat(Programme.Failed.Select(f => (f.ReferralId, Problem: new PreviewJson.ProgrammeProblem(Cpr.MaskAll(f.ReferralId), null, null, Kind(f.Kind),
                $"the computation failed: {f.Reason}; left out of the totals until the data is corrected"))))
            .OrderBy(x => x.ReferralId, StringComparer.Ordinal).Select(x => x.Problem).ToList());

    private static string Kind(EntitlementProblemKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>Amounts carry two decimals in JSON (91150.00, not 91150): adding 0.00m sets the decimal's scale without rounding.</summary>
    private static decimal Kroner(decimal amount) => amount + 0.00m;
}

/// <summary>One file preview read: its name as shown (CPR masked), the rows read (taken and rejected, as ingestion counts them) and rejected.</summary>
public sealed record PreviewFile(string Name, long RowsRead, long Rejected)
{
    /// <summary>True when ingestion would refuse the file whole (<see cref="RejectionPolicy"/>): too many of its rows are rejected.</summary>
    public bool RefusedWhole => RejectionPolicy.RefusesWhole(RowsRead, Rejected);

    public string Describe() =>
        $"{Rejected} of {RowsRead} rows rejected, more than {RejectionPolicy.MaxRejectedShare:P0}: ingestion would refuse this file whole, so these figures are not what a settlement would see";
}

/// <summary>The <c>--json</c> shape of preview (issue #2): field names are an interface, amounts are ex VAT.</summary>
/// <remarks>
/// <c>problems</c> (beyond the issue's shape): entitlement problems that withhold money (rule 7), per participant
/// (<c>period</c>, <c>week</c>, <c>kind</c>, <c>reason</c>) and all of them at the top level with the referral id; at the
/// top level also the participants whose entitlement could not be computed (<c>kind</c> <c>computationFailed</c>,
/// <c>period</c> and <c>week</c> null), who are in no other figure. <c>rejected</c> lists at most
/// <see cref="PreviewCommand.RejectedShown"/> rows; <c>rejectedTotal</c> counts them all and <c>rejectedByKind</c> by
/// kind of reason; <c>files</c> gives each file's rows read and rejected and whether ingestion would refuse it whole;
/// <c>unlistedCodes</c> the benefit codes of the referred participants' weeks that the contract does not list (priced by its default class).
/// </remarks>
public sealed record PreviewJson(string AsOf, string Programme, IReadOnlyList<PreviewJson.Participant> Participants, PreviewJson.TotalsJson Totals,
    IReadOnlyList<PreviewJson.RejectedRow> Rejected, long RejectedTotal, IReadOnlyList<PreviewJson.RejectedKind> RejectedByKind,
    IReadOnlyList<PreviewJson.FileJson> Files, IReadOnlyList<PreviewJson.UnlistedCodeJson> UnlistedCodes, IReadOnlyList<PreviewJson.ProgrammeProblem> Problems)
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public sealed record Participant(string ReferralId, string FokusRef, decimal Entitled, PaidWeeks PaidWeeks, bool AchievedSelfSufficiency, IReadOnlyList<Period> Periods,
        IReadOnlyList<Problem> Problems);
    public sealed record PaidWeeks(int Full, int Partial);
    public sealed record Period(int Index, string FirstWeek, string LastWeek, string Status, decimal Amount);
    public sealed record TotalsJson(int Referred, int Achieved, decimal Entitled);
    public sealed record RejectedRow(string File, int Line, string Reason);
    public sealed record RejectedKind(string Kind, long Count);
    public sealed record FileJson(string File, long RowsRead, long Rejected, bool RefusedWhole);
    public sealed record UnlistedCodeJson(string Code, int Weeks, int Persons, string FallsTo);
    public sealed record Problem(int Period, string Week, string Kind, string Reason);
    public sealed record ProgrammeProblem(string ReferralId, int? Period, string? Week, string Kind, string Reason);
}
