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
