using System.Text.Json;
using Impact60.Cli;

namespace Impact60.Application.Tests.Cli;

/// <summary>`impact60 preview` on the shipped sample: the JSON interface of issue #2 and its exit codes.</summary>
public sealed class PreviewCommandTests
{
    private static readonly string Samples = Path.Combine(RepoRoot(), "samples");

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Impact60.sln"))) return dir.FullName;
        throw new InvalidOperationException("Impact60.sln not found above the test output folder");
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string[] SampleArgs(string asOf, params string[] extra) =>
    [
        "preview", "--contract", Path.Combine(Samples, "impact60.contract.json"), "--referrals", Path.Combine(Samples, "referrals.csv"),
        "--weeks", Path.Combine(Samples, "weeks-2021-06.csv"), "--weeks", Path.Combine(Samples, "weeks-2022-01-dream.csv"),
        "--weeks", Path.Combine(Samples, "weeks-2022-02-revision.csv"), "--as-of", asOf, .. extra,
    ];

    [Fact]
    public async Task Given_the_sample_when_previewed_as_json_then_the_shape_and_totals_are_consistent()
    {
        var (exit, stdout, stderr) = await Run(SampleArgs("2022-03-31", "--json"));

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("2022-03-31", root.GetProperty("asOf").GetString());
        Assert.Equal("IMPACT60", root.GetProperty("programme").GetString());
        var participants = root.GetProperty("participants").EnumerateArray().ToList();
        Assert.Equal(120, participants.Count);
        Assert.Equal(120, root.GetProperty("totals").GetProperty("referred").GetInt32());

        // Totals are the sums of the participants, and each participant's amount the sum of its periods.
        var sum = participants.Sum(p => p.GetProperty("entitled").GetDecimal());
        Assert.Equal(sum, root.GetProperty("totals").GetProperty("entitled").GetDecimal());
        Assert.True(sum > 0m);
        foreach (var p in participants)
        {
            var periods = p.GetProperty("periods").EnumerateArray().ToList();
            Assert.Equal(p.GetProperty("entitled").GetDecimal(), periods.Sum(x => x.GetProperty("amount").GetDecimal()));
            Assert.All(periods, x => Assert.Contains(x.GetProperty("status").GetString(), new[] { "open", "held", "verified" }));
            var paid = p.GetProperty("paidWeeks");
            Assert.True(paid.GetProperty("full").GetInt32() >= 0 && paid.GetProperty("partial").GetInt32() >= 0);
        }
        Assert.Equal(participants.Count(p => p.GetProperty("achievedSelfSufficiency").GetBoolean()),
            root.GetProperty("totals").GetProperty("achieved").GetInt32());

        // The sample's two deliberately broken rows are reported with file and line, and nothing else.
        var rejected = root.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, r => Assert.Equal("weeks-2022-02-revision.csv", r.GetProperty("file").GetString()));
        Assert.Contains(rejected, r => r.GetProperty("reason").GetString()!.Contains("13O", StringComparison.Ordinal));

        // The shipped contract has a tariff for every week: no entitlement problems, for the programme or anyone.
        Assert.Equal(0, root.GetProperty("problems").GetArrayLength());
        Assert.All(participants, p => Assert.Equal(0, p.GetProperty("problems").GetArrayLength()));
    }

    [Fact]
    public async Task Given_a_later_run_date_then_no_participant_is_owed_less_without_a_revision()
    {
        // Only the first delivery (no revision): entitlement may only rise as the run date advances.
        string[] Args(string asOf) => ["preview", "--contract", Path.Combine(Samples, "impact60.contract.json"), "--referrals", Path.Combine(Samples, "referrals.csv"),
            "--weeks", Path.Combine(Samples, "weeks-2021-06.csv"), "--as-of", asOf, "--json"];
        var early = JsonDocument.Parse((await Run(Args("2020-06-30"))).Out).RootElement.GetProperty("participants").EnumerateArray()
            .ToDictionary(p => p.GetProperty("referralId").GetString()!, p => p.GetProperty("entitled").GetDecimal());
        var late = JsonDocument.Parse((await Run(Args("2021-06-30"))).Out).RootElement.GetProperty("participants").EnumerateArray()
            .ToDictionary(p => p.GetProperty("referralId").GetString()!, p => p.GetProperty("entitled").GetDecimal());
        Assert.All(early, kv => Assert.True(late[kv.Key] >= kv.Value, $"{kv.Key}: {late[kv.Key]} < {kv.Value}"));
        Assert.True(late.Values.Sum() > early.Values.Sum());
    }

    [Fact]
    public async Task Given_the_sample_when_previewed_as_a_table_then_totals_and_target_progress_are_printed()
    {
        var (exit, stdout, _) = await Run(SampleArgs("2022-03-31"));
        Assert.Equal(0, exit);
        Assert.Contains("JC-2018-0001", stdout, StringComparison.Ordinal);
        Assert.Contains("Total", stdout, StringComparison.Ordinal);
        Assert.Matches(@"Target: \d+ of 120 referred achieved self-sufficiency", stdout);
        Assert.Contains("2 rejected row(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_missing_file_then_exit_2_with_one_line_on_stderr()
    {
        var args = SampleArgs("2022-03-31");
        args[Array.IndexOf(args, "--referrals") + 1] = Path.Combine(Samples, "no-such-file.csv");
        var (exit, stdout, stderr) = await Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains("no-such-file.csv", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_invalid_contract_then_exit_2_naming_the_json_path()
    {
        var dir = Directory.CreateTempSubdirectory("impact60-preview-");
        try
        {
            var contract = File.ReadAllText(Path.Combine(Samples, "impact60.contract.json")).Replace("\"paymentWindowWeeks\": 156", "\"paymentWindowWeeks\": 0", StringComparison.Ordinal);
            Assert.Contains("\"paymentWindowWeeks\": 0", contract, StringComparison.Ordinal);
            var path = Path.Combine(dir.FullName, "broken.contract.json");
            File.WriteAllText(path, contract);
            var args = SampleArgs("2022-03-31");
            args[Array.IndexOf(args, "--contract") + 1] = path;
            var (exit, _, stderr) = await Run(args);
            Assert.Equal(2, exit);
            Assert.Single(stderr.TrimEnd().Split('\n'));
            Assert.Contains("$.paymentWindowWeeks", stderr, StringComparison.Ordinal);
        }
        finally { dir.Delete(recursive: true); }
    }

    // ---- Own small files: two citizens, a contract changed per test ----

    private const string ReferralsHeader = "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business";
    // Fictitious CPRs (serial 99SS, samples/README.md). JC-T-0001's course ends Friday 2019-01-04: window from 2019-W02.
    private const string Referral1 = "JC-T-0001;010190-9911;2018-09-24;2018-10-01;2019-01-04;F-001;KaffeFair";
    private const string Referral2 = "JC-T-0002;020285-9922;2018-09-24;2018-10-01;2019-01-04;F-002;KaffeFair";

    /// <summary>A folder with a contract (the sample's, edited), referrals and one long-form weeks file.</summary>
    private sealed class Files : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("impact60-preview-");

        public Files(Func<string, string> editContract, string[] referrals, string[] weeks)
        {
            var contract = File.ReadAllText(Path.Combine(Samples, "impact60.contract.json"));
            File.WriteAllText(Contract, editContract(contract));
            File.WriteAllLines(Referrals, referrals);
            File.WriteAllLines(Weeks, weeks);
        }

        public string Contract => Path.Combine(_dir.FullName, "contract.json");
        public string Referrals => Path.Combine(_dir.FullName, "referrals.csv");
        public string Weeks => Path.Combine(_dir.FullName, "weeks.csv");
        public string Dir => _dir.FullName;

        public string[] Args(string asOf, params string[] extra) =>
            ["preview", "--contract", Contract, "--referrals", Referrals, "--weeks", Weeks, "--as-of", asOf, .. extra];

        public void Dispose() => _dir.Delete(recursive: true);
    }

    private static string Edit(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    /// <summary>27 self-supporting (empty code) weeks from 2019-W02 for the given CPR: periods 1 and 2 sustained in full.</summary>
    private static IEnumerable<string> SelfSupporting(string cpr) =>
        Enumerable.Range(0, 27).Select(i => $"{cpr};{Impact60.Domain.Primitives.IsoWeek.Parse("2019-W02").AddWeeks(i)};");

    private static readonly System.Text.RegularExpressions.Regex TenDigits = new(@"\d{6}-?\d{4}");

    // 2019-W27 (the last week of period 2) is final from Sunday 2019-07-07 + 8 weeks.
    private const string PeriodTwoFinal = "2019-09-01";

    private static Files TariffFromFebruary2019() => new(
        c => Edit(c, "\"validFrom\": \"2018-09-01\"", "\"validFrom\": \"2019-02-01\""),
        [ReferralsHeader, Referral1, Referral2],
        ["cpr;week;code", .. SelfSupporting("010190-9911")]);

    [Fact]
    public async Task Given_a_contract_whose_tariff_starts_after_some_payable_weeks_then_json_lists_the_problems_stderr_says_so_and_exit_is_1()
    {
        // Given the only tariff in force from 2019-02-01 (Monday 2019-02-04, W06) and JC-T-0001 sustained from 2019-W02
        using var files = TariffFromFebruary2019();

        var (exit, stdout, stderr) = await Run(files.Args(PeriodTwoFinal, "--json"));

        // then it computed but needs attention: exit 1, one summary line on stderr, no CPR anywhere
        Assert.Equal(1, exit);
        Assert.Equal("impact60 preview: 4 payable week(s) of 1 participant(s) have no tariff in force; their periods are not paid until the contract has a tariff for them (see \"problems\")",
            Assert.Single(stderr.TrimEnd().Split('\n')));
        Assert.DoesNotMatch(TenDigits, stdout + stderr);

        // and the JSON names each week 2019-W02..W05 with period and reason, for the programme and on the participant
        var root = JsonDocument.Parse(stdout).RootElement;
        var problems = root.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(["2019-W02", "2019-W03", "2019-W04", "2019-W05"], problems.Select(p => p.GetProperty("week").GetString()));
        Assert.All(problems, p => Assert.Equal(("JC-T-0001", 1, "noTariffInForce"),
            (p.GetProperty("referralId").GetString(), p.GetProperty("period").GetInt32(), p.GetProperty("kind").GetString())));
        Assert.Equal("Referral JC-T-0001, period 1: week 2019-W02 is payable but no tariff is in force on 2019-01-07; the period is not paid until the contract has a tariff for it.",
            problems[0].GetProperty("reason").GetString());

        var byId = root.GetProperty("participants").EnumerateArray().ToDictionary(p => p.GetProperty("referralId").GetString()!);
        var own = byId["JC-T-0001"].GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(problems.Select(p => (p.GetProperty("week").GetString(), p.GetProperty("reason").GetString())),
            own.Select(p => (p.GetProperty("week").GetString(), p.GetProperty("reason").GetString())));
        Assert.Equal(0, byId["JC-T-0002"].GetProperty("problems").GetArrayLength());

        // and period 1 is not paid (never a silent part payment), period 2 is
        var periods = byId["JC-T-0001"].GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal((0m, 13 * 796m), (periods[0].GetProperty("amount").GetDecimal(), periods[1].GetProperty("amount").GetDecimal()));
        Assert.Equal(13 * 796m, root.GetProperty("totals").GetProperty("entitled").GetDecimal());
    }

    [Fact]
    public async Task Given_a_contract_whose_tariff_starts_after_some_payable_weeks_then_the_table_shows_a_problems_section()
    {
        using var files = TariffFromFebruary2019();

        var (exit, stdout, stderr) = await Run(files.Args(PeriodTwoFinal));

        Assert.Equal(1, exit);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains("4 entitlement problem(s); the periods named are not paid until they are fixed:\n"
            + "  JC-T-0001 period 1 week 2019-W02: payable, but no tariff in force on 2019-01-07\n"
            + "  JC-T-0001 period 1 week 2019-W03: payable, but no tariff in force on 2019-01-14\n"
            + "  JC-T-0001 period 1 week 2019-W04: payable, but no tariff in force on 2019-01-21\n"
            + "  JC-T-0001 period 1 week 2019-W05: payable, but no tariff in force on 2019-01-28\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("rejected row(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_headerless_weeks_file_whose_first_row_repeats_a_cpr_then_exit_2_and_stderr_has_no_cpr()
    {
        using var files = new Files(c => c, [ReferralsHeader, Referral1], ["010190-9911;2019-W02;010190-9911", "010190-9911;2019-W03;010190-9911"]);

        var (exit, stdout, stderr) = await Run(files.Args(PeriodTwoFinal));

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal("impact60 preview: unreadable register file weeks.csv: header column 'XXXXXX-XXXX' appears more than once",
            Assert.Single(stderr.TrimEnd().Split('\n')));
    }

    [Fact]
    public async Task Given_a_missing_file_whose_name_holds_a_cpr_then_stderr_names_it_masked()
    {
        using var files = new Files(c => c, [ReferralsHeader, Referral1], ["cpr;week;code"]);
        var args = files.Args(PeriodTwoFinal);
        args[Array.IndexOf(args, "--weeks") + 1] = Path.Combine(files.Dir, "0101909911.csv");

        var (exit, _, stderr) = await Run(args);

        Assert.Equal(2, exit);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains("XXXXXX-XXXX.csv", stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(TenDigits, stderr);
    }

    [Fact]
    public async Task Given_more_referrals_than_the_referral_cap_then_the_one_over_is_rejected_with_its_line_and_masked_raw_line()
    {
        // Given a referral cap of 1 and two referrals (a blank line between them: line numbers are physical)
        using var files = new Files(c => Edit(c, "\"referralCap\": 120", "\"referralCap\": 1"),
            [ReferralsHeader, Referral1, "", Referral2], ["cpr;week;code", .. SelfSupporting("010190-9911")]);

        var (exit, stdout, _) = await Run(files.Args(PeriodTwoFinal, "--json"));

        // then the first is taken and the second rejected at line 4 with the reason, and the run is still exit 0
        Assert.Equal(0, exit);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(["JC-T-0001"], root.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("referralId").GetString()));
        var rejected = Assert.Single(root.GetProperty("rejected").EnumerateArray().ToList());
        Assert.Equal(("referrals.csv", 4, "referral JC-T-0002 is new and would exceed the programme's referral cap of 1 (1 referrals already taken)"),
            (rejected.GetProperty("file").GetString(), rejected.GetProperty("line").GetInt32(), rejected.GetProperty("reason").GetString()));

        // and the quarantine-style raw line is the row with its CPR masked
        var preview = Impact60.Cli.Commands.PreviewCommand.Compute(files.Contract, files.Referrals, [files.Weeks], DateOnly.Parse(PeriodTwoFinal, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("JC-T-0002;XXXXXX-XXXX;2018-09-24;2018-10-01;2019-01-04;F-002;KaffeFair", Assert.Single(preview.Rejections).MaskedRawLine);
    }

    // ---- Data values in console output (issue item 8), file names masked (item 4), bounded rejections (item 10) ----

    private static readonly Impact60.Domain.Contracts.Contract SampleContract =
        Impact60.Domain.Contracts.ContractLoader.Load(File.ReadAllText(Path.Combine(Samples, "impact60.contract.json")), "impact60.contract.json");

    private static Impact60.Domain.Register.Referral Referral(string id, char person, DateOnly? courseEnd = null) => new(
        id, Impact60.Domain.Primitives.Pseudonym.Parse(new string(person, 64)), new DateOnly(2018, 9, 24), new DateOnly(2018, 10, 1),
        courseEnd ?? new DateOnly(2019, 1, 4), "F-" + id, "KaffeFair");

    /// <summary>A preview built directly (the readers refuse such ids, or soon will): what the printing does with them.</summary>
    private static Impact60.Cli.Commands.Preview PreviewOf(Impact60.Domain.Register.RejectionLog? rejections, params Impact60.Domain.Register.Referral[] referrals)
    {
        var asOf = DateOnly.Parse(PeriodTwoFinal, System.Globalization.CultureInfo.InvariantCulture);
        var programme = new Impact60.Domain.Entitlements.EntitlementCalculator(SampleContract)
            .ComputeProgramme(referrals.Select(r => (r, Array.Empty<Impact60.Domain.Register.RegisterWeek>())), asOf);
        return new Impact60.Cli.Commands.Preview(SampleContract, asOf, programme, rejections ?? new Impact60.Domain.Register.RejectionLog(), []);
    }

    private static (int Exit, string Out, string Err) Write(Impact60.Cli.Commands.Preview preview, bool json)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Impact60.Cli.Commands.PreviewCommand.Write(preview, json, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Given_referral_ids_with_square_brackets_and_an_escape_sequence_when_the_table_is_printed_then_each_is_shown_as_written_and_no_ESC_reaches_the_terminal()
    {
        // Given "JC [0018]" (Spectre markup it cannot parse), "JC-[bold]0001[/]" (markup that would show as JC-0001) and an ESC sequence
        var preview = PreviewOf(null, Referral("JC [0018]", 'a'), Referral("JC-[bold]0001[/]", 'b'), Referral("JC-\u001b[31m2", 'c'));

        var (exit, stdout, _) = Write(preview, json: false);

        Assert.Equal(0, exit);
        Assert.Contains("JC [0018]", stdout, StringComparison.Ordinal);
        Assert.Contains("JC-[bold]0001[/]", stdout, StringComparison.Ordinal);
        Assert.Contains("F-JC-[bold]0001[/]", stdout, StringComparison.Ordinal);
        Assert.Contains("JC-\\u001B[31m2", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', stdout);
    }

    [Fact]
    public void Given_a_rejected_row_whose_raw_value_holds_an_escape_sequence_when_the_table_is_printed_then_the_ESC_is_shown_escaped()
    {
        var rejections = new Impact60.Domain.Register.RejectionLog();
        rejections.Add(new Impact60.Domain.Register.Rejection("weeks.csv", 7, "code: benefit code '\u001b[2J' must be 1 to 4 digits or empty", "010190-9911;2019-W02;\u001b[2J"));

        var (_, stdout, _) = Write(PreviewOf(rejections, Referral("JC-T-0001", 'a')), json: false);

        Assert.Contains("  weeks.csv:7: code: benefit code '\\u001B[2J' must be 1 to 4 digits or empty", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', stdout);
    }

    [Fact]
    public async Task Given_a_weeks_file_with_a_CPR_shaped_name_and_a_bad_row_when_previewed_then_the_table_and_the_json_name_the_file_masked()
    {
        using var files = new Files(c => c, [ReferralsHeader, Referral1], ["cpr;week;code", "010190-9911;2019-W02;13O"]);
        var cprNamed = Path.Combine(files.Dir, "weeks-010190-1234.csv");
        File.Move(files.Weeks, cprNamed);
        var args = files.Args(PeriodTwoFinal);
        args[Array.IndexOf(args, "--weeks") + 1] = cprNamed;

        var table = await Run(args);
        var json = await Run([.. args, "--json"]);

        Assert.Contains("  weeks-XXXXXX-XXXX.csv:2: code: benefit code '13O' must be 1 to 4 digits or empty", table.Out, StringComparison.Ordinal);
        var root = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal("weeks-XXXXXX-XXXX.csv", Assert.Single(root.GetProperty("rejected").EnumerateArray().ToList()).GetProperty("file").GetString());
        Assert.Contains("weeks-XXXXXX-XXXX.csv", root.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("file").GetString()));
        Assert.DoesNotMatch(TenDigits, table.Out + table.Err + json.Out + json.Err);
    }

    /// <summary>A weeks file of JC-T-0001's 27 self-supporting weeks and <paramref name="bad"/> rows with an unreadable code.</summary>
    private static Files WithBadRows(int bad) => new(c => c, [ReferralsHeader, Referral1],
        ["cpr;week;code", .. SelfSupporting("010190-9911"), .. Enumerable.Range(0, bad).Select(i => $"020285-9922;{Impact60.Domain.Primitives.IsoWeek.Parse("2019-W02").AddWeeks(i)};X{i}")]);

    [Fact]
    public async Task Given_25_rejected_rows_of_52_when_previewed_then_the_table_lists_20_and_the_rest_counted_by_kind_and_the_json_20_examples_with_the_totals()
    {
        using var files = WithBadRows(25);

        var table = await Run(files.Args(PeriodTwoFinal));
        var json = await Run(files.Args(PeriodTwoFinal, "--json"));

        // then: computed (25 of 52 is not more than half), exit 0
        Assert.Equal((0, 0), (table.Exit, json.Exit));
        var text = table.Out.ReplaceLineEndings("\n");
        Assert.Contains("25 rejected row(s); the first 20:\n  weeks.csv:29: code: benefit code 'X0' must be 1 to 4 digits or empty\n", text, StringComparison.Ordinal);
        Assert.Contains("  weeks.csv:48: code: benefit code 'X19' must be 1 to 4 digits or empty\n  … and 5 more\nRejected rows by kind:\n"
            + "       25  code: benefit code '…' must be N to N digits or empty\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("X20", text, StringComparison.Ordinal);

        var root = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal(20, root.GetProperty("rejected").GetArrayLength());
        Assert.Equal(25, root.GetProperty("rejectedTotal").GetInt64());
        var kind = Assert.Single(root.GetProperty("rejectedByKind").EnumerateArray().ToList());
        Assert.Equal(("code: benefit code '…' must be N to N digits or empty", 25L), (kind.GetProperty("kind").GetString(), kind.GetProperty("count").GetInt64()));
        var weeks = root.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "weeks.csv");
        Assert.Equal((52L, 25L, false), (weeks.GetProperty("rowsRead").GetInt64(), weeks.GetProperty("rejected").GetInt64(), weeks.GetProperty("refusedWhole").GetBoolean()));
    }

    [Fact]
    public async Task Given_a_weeks_file_with_more_than_half_its_rows_rejected_when_previewed_then_exit_1_and_stderr_says_ingestion_would_refuse_it_whole()
    {
        using var files = WithBadRows(28);

        var (exit, stdout, stderr) = await Run(files.Args(PeriodTwoFinal, "--json"));

        Assert.Equal(1, exit);
        Assert.Equal("impact60 preview: weeks.csv: 28 of 55 rows rejected, more than 50 %: ingestion would refuse this file whole, so these figures are not what a settlement would see (see \"rejected\")",
            Assert.Single(stderr.TrimEnd().Split('\n')));
        Assert.True(JsonDocument.Parse(stdout).RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "weeks.csv")
            .GetProperty("refusedWhole").GetBoolean());
    }

    [Fact]
    public void Given_a_participant_whose_course_ends_9999_12_31_when_previewed_then_the_others_are_computed_it_is_a_computationFailed_problem_left_out_of_the_totals_and_exit_is_1()
    {
        // Given JC-T-0001 with an ordinary course end and JC-T-0002 with 9999-12-31 (stored before the readers refused it, or built in code)
        var preview = PreviewOf(null, Referral("JC-T-0001", 'a'), Referral("JC-T-0002", 'b', new DateOnly(9999, 12, 31)));

        var json = Write(preview, json: true);
        var table = Write(preview, json: false);

        // then both print, exit 1, one line on stderr
        Assert.Equal((1, 1), (json.Exit, table.Exit));
        Assert.Equal("impact60 preview: the entitlement of 1 participant(s) could not be computed; they are left out of the totals until their data is corrected (see \"problems\")",
            Assert.Single(json.Err.TrimEnd().Split('\n')));
        var root = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal(["JC-T-0001"], root.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("referralId").GetString()));
        var problem = Assert.Single(root.GetProperty("problems").EnumerateArray().ToList());
        Assert.Equal(("JC-T-0002", "computationFailed", JsonValueKind.Null, JsonValueKind.Null),
            (problem.GetProperty("referralId").GetString(), problem.GetProperty("kind").GetString(), problem.GetProperty("period").ValueKind, problem.GetProperty("week").ValueKind));
        Assert.Equal("the computation failed: course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31; left out of the totals until the data is corrected",
            problem.GetProperty("reason").GetString());
        Assert.Contains("1 participant(s) could not be computed and are left out of the figures above until their data is corrected:\n"
            + "  JC-T-0002 (F-JC-T-0002): the computation failed: course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31\n",
            table.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_zero_padded_and_unlisted_codes_and_a_person_not_referred_when_previewed_then_0651_pays_as_651_and_the_unlisted_code_is_reported()
    {
        // Given JC-T-0001 self-supporting with one week 2019-W05 written 0651 (education, listed as 651), JC-T-0002 with
        // 13 weeks of code 999 (listed nowhere), and a third person in the extract who was never referred
        using var files = new Files(c => c, [ReferralsHeader, Referral1, Referral2],
        [
            "cpr;week;code", .. SelfSupporting("010190-9911").Select(l => l.StartsWith("010190-9911;2019-W05;", StringComparison.Ordinal) ? "010190-9911;2019-W05;0651" : l),
            .. Enumerable.Range(0, 13).Select(i => $"020285-9922;{Impact60.Domain.Primitives.IsoWeek.Parse("2019-W02").AddWeeks(i)};999"),
            .. SelfSupporting("030385-9933"),
        ]);

        var (exit, stdout, _) = await Run(files.Args(PeriodTwoFinal, "--json"));
        var table = await Run(files.Args(PeriodTwoFinal));

        // then the padded code is education (Full) and both periods of JC-T-0001 are paid in full: 26 x 796
        Assert.Equal(0, exit);
        var root = JsonDocument.Parse(stdout).RootElement;
        var first = root.GetProperty("participants").EnumerateArray().First(p => p.GetProperty("referralId").GetString() == "JC-T-0001");
        Assert.Equal(26 * 796m, first.GetProperty("entitled").GetDecimal());
        // and the code the contract does not list is named with its weeks, persons and the class it falls to
        var unlisted = Assert.Single(root.GetProperty("unlistedCodes").EnumerateArray().ToList());
        Assert.Equal(("999", 13, 1, "None"), (unlisted.GetProperty("code").GetString(), unlisted.GetProperty("weeks").GetInt32(),
            unlisted.GetProperty("persons").GetInt32(), unlisted.GetProperty("fallsTo").GetString()));
        Assert.Contains("Codes not in the contract's list (priced as its default class, None), in the referred participants' weeks:\n  999 (13 weeks, 1 person) → None\n",
            table.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        // and the person never referred is not computed, but their rows are counted as read
        Assert.Equal(27 + 13 + 27, root.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "weeks.csv").GetProperty("rowsRead").GetInt64());
    }

    [Fact]
    public async Task Given_a_referral_whose_course_ends_beyond_the_contracts_horizon_when_previewed_then_the_row_is_rejected_as_of_the_preview_date()
    {
        using var files = new Files(c => Edit(c, "\"referralCap\": 120,", "\"referralCap\": 120,\n  \"maxCourseEndWeeksAhead\": 4,"),
            [ReferralsHeader, Referral1, "JC-T-0002;020285-9922;2018-09-24;2018-10-01;2019-03-01;F-002;KaffeFair"], ["cpr;week;code", .. SelfSupporting("010190-9911")]);

        var (_, stdout, _) = await Run(files.Args("2019-01-07", "--json"));

        var rejected = Assert.Single(JsonDocument.Parse(stdout).RootElement.GetProperty("rejected").EnumerateArray()
            .Where(r => r.GetProperty("file").GetString() == "referrals.csv").ToList());
        Assert.StartsWith("course_end 2019-03-01 is more than 4 weeks after the delivery date 2019-01-07", rejected.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("--as-of", "2022-13-01")]
    [InlineData("--colour", "blue")]
    public async Task Given_bad_arguments_then_exit_2_with_usage(string option, string value)
    {
        var args = SampleArgs("2022-03-31").ToList();
        if (option == "--as-of") args[args.IndexOf("--as-of") + 1] = value;
        else args.AddRange([option, value]);
        var (exit, stdout, stderr) = await Run([.. args]);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("usage: ./impact60 preview", stderr, StringComparison.Ordinal);
    }
}
