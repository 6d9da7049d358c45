using System.Diagnostics;
using System.Text.Json;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Cli;

/// <summary>
/// <c>./impact60 ingest</c> and <c>./impact60 pull</c> as an operator runs them: the real CLI in its own process, configured
/// by environment variables (the app settings' names) pointing at the test's Azurite and, for pull, a WireMock register.
/// A child process, so the settings never leak into other tests running in this one. Exit codes: 0 done, 1 done but rows
/// were rejected, 2 could not run.
/// </summary>
[Collection("Azurite")]
public sealed class StoreIngestCommandsTests(AzuriteFixture azurite) : IDisposable
{
    private const string AsOf = "2019-06-03";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("impact60-cli-");
    private readonly WireMockServer _register = WireMockServer.Start();

    public void Dispose()
    {
        _register.Stop();
        _folder.Delete(recursive: true);
    }

    /// <summary>The CLI as built beside this test project (same configuration and framework), with its own dependencies.</summary>
    private static string CliAssembly { get; } = FindCli();

    private static string FindCli()
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(AzuriteLauncher.FindRepositoryRoot(), "Impact60.Cli", "bin", tfm.Parent!.Name, tfm.Name, "impact60.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"The CLI is not built at {path} (it is built with this test project).");
    }

    private string WriteFile(string name, params string[] lines)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(bool withRegister, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _folder.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliAssembly);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(Path.Combine(_folder.FullName, "out"));
        // Only this test's settings: nothing inherited from the machine that would point the CLI elsewhere.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase)
                     || k.Contains("__", StringComparison.Ordinal) || k.StartsWith("ServiceBusConnection", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment[AppSettingNames.Storage] = azurite.ConnectionString;
        start.Environment[AppSettingNames.PseudonymisationKey] = StorageTestHost.TestKey;
        if (withRegister)
        {
            start.Environment[AppSettingNames.RegisterBaseUrl] = _register.Urls[0];
            start.Environment[AppSettingNames.RegisterAuthMode] = "ApiKey";
            start.Environment[AppSettingNames.RegisterApiKey] = StorageTestHost.RegisterApiKey;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout, await stderr);
    }

    private static void AssertNoCpr(string text, params int[] people) =>
        Assert.False(PrivacyScan.ContainsAny(text, people.Select(Cpr)), $"a CPR is in: {text}");

    private async Task<StorageClients> CleanAsync() => await azurite.CleanStorageAsync();

    [Fact]
    public async Task Given_referrals_and_a_weeks_file_when_ingested_then_the_counts_are_printed_verification_is_queued_and_it_exits_0_and_the_same_file_again_is_a_duplicate()
    {
        var storage = await CleanAsync();
        var referrals = WriteFile("referrals.csv", ReferralHeader, ReferralLine(1), ReferralLine(2));
        var weeks = WriteFile("weeks.csv", WeeksHeader, $"{Cpr(1)};2019-W14;", $"{Cpr(1)};2019-W15;130", $"{Cpr(2)};2019-W14;651");

        var r = await RunAsync(false, "ingest", "--referrals", referrals, "--as-of", AsOf);
        var w = await RunAsync(false, "ingest", "--weeks", weeks, "--as-of", AsOf);
        var again = await RunAsync(false, "ingest", "--weeks", weeks, "--as-of", AsOf);

        Assert.Equal((0, ""), (r.Exit, r.Err));
        Assert.Matches(@"^referrals\.csv: delivery [0-9a-f]{16}: 2 rows read, 2 accepted, 0 rejected; 0 new and 0 revised weeks, 2 new and 0 changed referrals, 0 unchanged; 2 participants changed\n", r.Out);
        Assert.Equal((0, ""), (w.Exit, w.Err));
        var lines = w.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^weeks\.csv: delivery [0-9a-f]{16}: 3 rows read, 3 accepted, 0 rejected; 3 new and 0 revised weeks, 0 new and 0 changed referrals, 0 unchanged; 2 participants changed$", lines[0]);
        Assert.Equal("2 participant(s) queued for verification.", lines[1]);
        // 651 is in the shipped contract's list, 130 is not: it is classed by the default, and said so.
        Assert.Equal("codes not in the contract's list: 130 (1 week, 1 person) → None", lines[2]);
        Assert.Equal(3, lines.Length);
        Assert.Equal((0, ""), (again.Exit, again.Err));
        Assert.Matches(@"^weeks\.csv: delivery [0-9a-f]{16} was received before; nothing changed\n0 participant\(s\) queued for verification\.\n$", again.Out);
        Assert.Equal(3, await storage.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>().CountAsync());
        Assert.Equal(2 + 2, (await storage.Queue(StorageNames.Queues.Verify).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Given_a_weeks_file_named_with_a_cpr_with_bad_rows_when_ingested_then_the_rejected_rows_are_printed_masked_the_good_rows_stored_and_it_exits_1()
    {
        var storage = await CleanAsync();
        var weeks = WriteFile($"weeks-{Cpr(1).Replace("-", "")}.csv", WeeksHeader, $"{Cpr(1)};2019-W14;130", $"{Cpr(2)};2019-W99;130", $"{Cpr(3)};{Cpr(3)};");

        var (exit, stdout, stderr) = await RunAsync(false, "ingest", "--weeks", weeks, "--as-of", AsOf);

        Assert.Equal(1, exit);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^weeks-XXXXXX-XXXX\.csv: delivery [0-9a-f]{16}: 3 rows read, 1 accepted, 2 rejected; 1 new and 0 revised weeks", lines[0]);
        Assert.Equal("  rejected weeks-XXXXXX-XXXX.csv:3: week: ISO year 2019 has weeks 1 to 52, not 99", lines[2]);
        Assert.StartsWith("  rejected weeks-XXXXXX-XXXX.csv:4: week: 'XXXXXX-XXXX' is not an ISO week", lines[3]);
        Assert.Matches(@"^  quarantine report: quarantine/\d{4}/\d\d/\d\d/[0-9a-f]{16}-weeks-rejections\.csv$", lines[4]);
        Assert.Equal("2 row(s) rejected: the rest is stored; the rejected rows need correcting and redelivering.", lines[5]);
        AssertNoCpr(stdout + stderr, 1, 2, 3);
        Assert.Equal("130", (await storage.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>().SingleAsync()).GetString("Code"));
    }

    [Fact]
    public async Task Given_an_unreadable_file_named_with_a_cpr_when_ingested_then_it_exits_2_with_the_reason_masked_on_stderr()
    {
        await CleanAsync();
        var weeks = WriteFile($"weeks-{Cpr(1)}.csv", $"cpr;{Cpr(2).Replace("-", "")};{Cpr(2).Replace("-", "")}", $"{Cpr(2)};1;2");

        var (exit, stdout, stderr) = await RunAsync(false, "ingest", "--weeks", weeks, "--as-of", AsOf);

        Assert.Equal(2, exit);
        Assert.Equal("impact60 ingest: the file was rejected whole: weeks-XXXXXX-XXXX.csv: header column 'XXXXXX-XXXX' appears more than once\n", stderr);
        AssertNoCpr(stdout + stderr, 1, 2);
    }

    [Fact]
    public async Task Given_a_missing_file_whose_path_holds_a_cpr_when_ingested_then_it_exits_2_without_the_cpr_on_stderr()
    {
        await CleanAsync();
        var missing = Path.Combine(_folder.FullName, $"weeks-{Cpr(1)}.csv");

        var (exit, stdout, stderr) = await RunAsync(false, "ingest", "--weeks", missing, "--as-of", AsOf);

        Assert.Equal(2, exit);
        Assert.StartsWith($"impact60 ingest: cannot read '{Path.Combine(_folder.FullName, "weeks-XXXXXX-XXXX.csv")}': ", stderr);
        AssertNoCpr(stdout + stderr, 1);
    }

    private string BadWeeksFile(string name, int good, int bad) =>
        WriteFile(name, [WeeksHeader, .. Enumerable.Range(0, good).Select(i => $"{Cpr(i)};2019-W14;"), .. Enumerable.Range(0, bad).Select(i => $"{Cpr(i)};2019-W99;130")]);

    [Fact]
    public async Task Given_a_file_with_rejected_rows_ingested_before_when_it_is_ingested_again_then_the_rejections_are_listed_again_and_it_exits_1()
    {
        await CleanAsync();
        var weeks = BadWeeksFile("weeks.csv", good: 3, bad: 2);
        var first = await RunAsync(false, "ingest", "--weeks", weeks, "--as-of", AsOf);

        var again = await RunAsync(false, "ingest", "--weeks", weeks, "--as-of", AsOf);

        Assert.Equal((1, ""), (first.Exit, first.Err));
        Assert.Equal((1, ""), (again.Exit, again.Err));
        var lines = again.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^weeks\.csv: delivery [0-9a-f]{16} was received before; nothing changed; it had 2 rejected row\(s\), still to be corrected$", lines[0]);
        Assert.Equal("  rejected weeks.csv:5: week: ISO year 2019 has weeks 1 to 52, not 99", lines[2]);
        Assert.Equal("  rejected weeks.csv:6: week: ISO year 2019 has weeks 1 to 52, not 99", lines[3]);
        Assert.Matches(@"^  quarantine report: quarantine/\d{4}/\d\d/\d\d/[0-9a-f]{16}-weeks-rejections\.csv$", lines[4]);
        Assert.Equal("2 row(s) were rejected when the same delivery was first received and are still to be corrected and redelivered.", lines[5]);
    }

    [Fact]
    public async Task Given_150_bad_rows_of_400_when_ingested_then_20_are_listed_with_how_many_more_and_the_counts_by_kind_and_it_exits_1()
    {
        var storage = await CleanAsync();
        var weeks = BadWeeksFile("weeks.csv", good: 250, bad: 150);

        var (exit, stdout, stderr) = await RunAsync(false, "ingest", "--weeks", weeks, "--as-of", AsOf);

        Assert.Equal((1, ""), (exit, stderr));
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, lines.Count(l => l.StartsWith("  rejected weeks.csv:", StringComparison.Ordinal)));
        Assert.Equal("  rejected weeks.csv:252: week: ISO year 2019 has weeks 1 to 52, not 99", lines[2]);
        Assert.Matches(@"^  … and 130 more \(see report quarantine/\d{4}/\d\d/\d\d/[0-9a-f]{16}-weeks-rejections\.csv\)$", lines[22]);
        Assert.Equal("    150 × week: ISO year N has weeks N to N, not N", lines[23]);
        Assert.Equal("150 row(s) rejected: the rest is stored; the rejected rows need correcting and redelivering.", lines[^1]);
        Assert.Equal(250, await storage.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>().CountAsync());
    }

    [Fact]
    public async Task Given_a_file_mostly_bad_when_ingested_then_it_exits_2_with_one_line_saying_it_was_refused_whole_and_nothing_is_stored()
    {
        var storage = await CleanAsync();
        var weeks = BadWeeksFile($"weeks-{Cpr(1)}.csv", good: 10, bad: 40);

        var (exit, stdout, stderr) = await RunAsync(false, "ingest", "--weeks", weeks, "--as-of", AsOf);

        Assert.Equal(2, exit);
        Assert.Matches(@"^impact60 ingest: weeks-XXXXXX-XXXX\.csv was refused whole: 40 of 50 rows rejected, more than 50 %: a delivery that is mostly wrong is taken to be the wrong file, so nothing of it was stored; the rejected rows are in quarantine/\d{4}/\d\d/\d\d/[0-9a-f]{16}-weeks-rejections\.csv\n$", stderr);
        AssertNoCpr(stdout + stderr, 1);
        Assert.Empty(await storage.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>().ToListAsync());
    }

    [Fact]
    public async Task Given_a_referrals_file_with_a_referral_id_of_1100_characters_when_ingested_then_that_row_is_rejected_the_others_stored_and_it_exits_1_without_a_stack_trace()
    {
        var storage = await CleanAsync();
        var referrals = WriteFile("referrals.csv", ReferralHeader, ReferralLine(1), $"JC-{new string('7', 1_097)};{Cpr(2)};2018-09-27;2018-10-01;;F-002;KaffeFair", ReferralLine(3));

        var (exit, stdout, stderr) = await RunAsync(false, "ingest", "--referrals", referrals, "--as-of", AsOf);

        Assert.Equal((1, ""), (exit, stderr));
        Assert.Contains("  rejected referrals.csv:3: ", stdout);
        Assert.True(stdout.Length < 2_000, stdout);
        Assert.Equal(2, await storage.Table(StorageNames.Tables.Referrals).QueryAsync<TableEntity>().CountAsync());
    }

    private void ServeRegister(string weeksPage)
    {
        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/referrals").WithHeader("X-Api-Key", StorageTestHost.RegisterApiKey))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(new
            {
                items = new[] { new { referralId = "JC-2018-0001", cpr = Cpr(1), referredOn = "2018-09-27", courseStart = "2018-10-01", courseEnd = (string?)null, fokusRef = "F-001", business = "KaffeFair" } },
            })));
        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/weeks").WithHeader("X-Api-Key", StorageTestHost.RegisterApiKey))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(weeksPage));
    }

    [Fact]
    public async Task Given_a_register_page_with_a_bad_item_when_pulled_then_the_rejection_is_printed_masked_the_good_week_stored_and_it_exits_1()
    {
        var storage = await CleanAsync();
        ServeRegister($$"""
            { "items": [
              { "cpr": "{{Cpr(1)}}", "week": "2019-W14", "code": "130", "changedAt": "2019-05-01T02:00:00Z" },
              { "cpr": "{{Cpr(2)}}", "week": "2019-W14", "code": "130", "changedAt": "2019-05-01T02:00:00Z", "note": "{{Cpr(2)}}" }
            ], "nextPageToken": null }
            """);

        var (exit, stdout, stderr) = await RunAsync(true, "pull", "--as-of", AsOf);

        Assert.Equal(1, exit);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^api:referrals: delivery [0-9a-f]{16}: 1 rows read, 1 accepted, 0 rejected; .* 1 new and 0 changed referrals", lines[0]);
        Assert.Matches(@"^api:weeks page 1: delivery [0-9a-f]{16}: 2 rows read, 1 accepted, 1 rejected; 1 new and 0 revised weeks", lines[1]);
        Assert.Equal("cursor 2019-05-01T02:00:00.0000000+00:00; 1 participant(s) changed", lines[2]);
        Assert.Equal("  rejected api:weeks page 1:2: item 2: unknown field 'note'", lines[3]);
        Assert.StartsWith("  quarantine report: quarantine/", lines[4]);
        Assert.Equal("1 row(s) rejected: the rest is stored; the rejected rows need correcting and redelivering.", lines[5]);
        AssertNoCpr(stdout + stderr, 1, 2);
        Assert.Equal("130", (await storage.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>().SingleAsync()).GetString("Code"));
    }

    [Fact]
    public async Task Given_a_register_page_mostly_bad_when_pulled_then_it_exits_2_with_one_line_and_the_cursor_does_not_pass_the_page()
    {
        var storage = await CleanAsync();
        ServeRegister(JsonSerializer.Serialize(new
        {
            items = Enumerable.Range(0, 12).Select(i => new { cpr = Cpr(i), week = i < 7 ? "2019-W99" : "2019-W14", code = "130", changedAt = "2019-05-01T02:00:00Z" }),
            nextPageToken = (string?)null,
        }));

        var (exit, stdout, stderr) = await RunAsync(true, "pull", "--as-of", AsOf);

        Assert.Equal(2, exit);
        Assert.StartsWith("impact60 pull: the pull failed: api:weeks page 1 was refused whole: 7 of 12 rows rejected, more than 50 %", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        AssertNoCpr(stdout + stderr, Enumerable.Range(0, 12).ToArray());
        Assert.Empty(await storage.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>().ToListAsync());
        Assert.Null(await new Impact60.Application.RegisterApi.PullCursor(storage).ReadAsync());
    }

    [Fact]
    public async Task Given_a_clean_register_page_when_pulled_then_it_exits_0_and_a_second_pull_asks_only_for_changes_since_the_cursor()
    {
        await CleanAsync();
        ServeRegister($$"""{ "items": [ { "cpr": "{{Cpr(1)}}", "week": "2019-W14", "code": "", "changedAt": "2019-05-01T02:00:00Z" } ], "nextPageToken": null }""");

        var first = await RunAsync(true, "pull", "--as-of", AsOf);
        var second = await RunAsync(true, "pull", "--as-of", AsOf);

        Assert.Equal((0, ""), (first.Exit, first.Err));
        Assert.Contains("1 new and 0 revised weeks", first.Out);
        Assert.Equal((0, ""), (second.Exit, second.Err));
        Assert.Contains("was received before; nothing changed", second.Out); // the register answered the same bytes again
        var asked = _register.LogEntries.Where(e => e.RequestMessage.Path.EndsWith("/weeks", StringComparison.Ordinal)).Select(e => e.RequestMessage.Url).ToList();
        Assert.Equal(2, asked.Count);
        Assert.DoesNotContain("changedSince", asked[0]);
        Assert.Contains("changedSince=2019-05-01T02%3A00%3A00Z", asked[1]);
    }

    [Fact]
    public async Task Given_the_register_refuses_the_key_when_pulled_then_it_exits_2_saying_why_and_nothing_is_stored()
    {
        var storage = await CleanAsync();
        _register.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(401));

        var (exit, stdout, stderr) = await RunAsync(true, "pull", "--as-of", AsOf);

        Assert.Equal(2, exit);
        Assert.Equal("impact60 pull: the pull failed: The register API answered the referrals request with 401 Unauthorized after all retries.\n", stderr);
        Assert.Empty(await storage.Table(StorageNames.Tables.Referrals).QueryAsync<TableEntity>().ToListAsync());
    }

    [Fact]
    public async Task Given_no_register_configured_when_pulled_then_it_exits_2_naming_the_setting()
    {
        await CleanAsync();

        var (exit, _, stderr) = await RunAsync(false, "pull", "--as-of", AsOf);

        Assert.Equal(2, exit);
        Assert.Equal("impact60 pull: no register API is configured: set Register__BaseUrl\n", stderr);
    }
}
