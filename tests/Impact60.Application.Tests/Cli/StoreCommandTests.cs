using System.Text;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Settlement;
using Impact60.Application.Tests.Storage;
using Impact60.Cli;
using static Impact60.Application.Tests.Settlement.SettlementScenario;

namespace Impact60.Application.Tests.Cli;

/// <summary>
/// The CLI reads the app settings from environment variables — process-wide state — so these tests run in a collection
/// of their own that xunit runs alone, with an Azurite of its own.
/// </summary>
[CollectionDefinition("CLI environment", DisableParallelization = true)]
public sealed class CliEnvironmentCollection : ICollectionFixture<AzuriteFixture>;

/// <summary>
/// The operator commands against a configured store, as an operator runs them: <c>AzureWebJobsStorage</c> and
/// <c>Pseudonymisation__Key</c> in the environment, <c>./impact60 &lt;verb&gt;</c> through <see cref="CliApp.RunAsync"/>,
/// output and exit code checked, and the store looked at afterwards.
/// </summary>
[Collection("CLI environment")]
public sealed class StoreCommandTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly string _out = Directory.CreateTempSubdirectory("impact60-cli-").FullName;
    private readonly Dictionary<string, string?> _saved = new();
    private StorageClients _storage = null!;

    public StoreCommandTests(AzuriteFixture azurite) => _azurite = azurite;

    private static readonly string[] Settings = [AppSettingNames.Storage, AppSettingNames.PseudonymisationKey];

    public async Task InitializeAsync()
    {
        _storage = await _azurite.CleanStorageAsync();
        foreach (var name in Settings) _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(AppSettingNames.Storage, _azurite.ConnectionString);
        Environment.SetEnvironmentVariable(AppSettingNames.PseudonymisationKey, StorageTestHost.TestKey);
    }

    public Task DisposeAsync()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
        Directory.Delete(_out, recursive: true);
        return Task.CompletedTask;
    }

    private sealed record Run(int Exit, string Out, string Err);

    private async Task<Run> CliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync([.. args, "--out", _out], stdout, stderr);
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    private static void Ok(Run run) => Assert.True(run.Exit == CliApp.Ok, $"exit {run.Exit}\n{run.Err}\n{run.Out}");

    /// <summary>The register of <see cref="SettlementScenario"/> in the store, ingested as the inbox would (nothing verified yet).</summary>
    private async Task SeedAsync(params (string File, string Content, DateOnly Day)[] files)
    {
        await using var host = await CliHost.OpenStoreAsync(_out);
        var ingestion = host.Get<RegisterIngestion>();
        foreach (var (file, content, day) in files)
        {
            await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
            var result = file.StartsWith("referrals", StringComparison.Ordinal)
                ? await ingestion.IngestReferralsFileAsync(stream, file, day)
                : await ingestion.IngestWeeksFileAsync(stream, file, day);
            Assert.Equal(0, result.RowsRejected);
        }
    }

    private Task SeedJulyAsync() => SeedAsync(("referrals.csv", Referrals, new DateOnly(2019, 7, 31)), ("weeks.csv", Weeks, new DateOnly(2019, 7, 31)));

    private async Task<List<TableEntity>> EntitlementsAsync() =>
        await _storage.Table(StorageNames.Tables.Entitlements).QueryAsync<TableEntity>().ToListAsync();

    private async Task<int> QueuedAsync(string queue) =>
        (await _storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task Given_a_register_never_verified_when_nightly_runs_with_no_drain_and_then_without_then_the_first_only_queues_and_the_second_verifies_as_of_its_date()
    {
        await SeedJulyAsync();

        var queuedOnly = await CliAsync("nightly", "--as-of", "2019-08-01", "--no-drain");
        var entitlementsAfterQueueing = await EntitlementsAsync();
        var queued = await QueuedAsync(StorageNames.Queues.Verify);
        var night = await CliAsync("nightly", "--as-of", "2019-08-01");

        Ok(queuedOnly);
        Assert.Equal("night 2019-08-01: 0 changed, 0 due for review, 3 never verified; 3 queued\n", queuedOnly.Out.ReplaceLineEndings("\n"));
        Assert.Empty(entitlementsAfterQueueing);
        Assert.Equal(3, queued);
        Ok(night);
        // Still never verified, so queued again: the three left over from the first run and three new ones.
        Assert.Contains("3 never verified; 3 queued", night.Out);
        Assert.Contains("6 verified", night.Out);
        var rows = await EntitlementsAsync();
        Assert.Equal(["JC-2018-0001", "JC-2018-0002", "JC-2018-0003"], rows.Select(r => r.GetString("ReferralId")).Order());
        Assert.All(rows, r => Assert.Equal("2019-08-01", r.GetString("AsOf")));
        Assert.Equal(0, await QueuedAsync(StorageNames.Queues.Verify));
    }

    [Fact]
    public async Task Given_a_verified_register_when_settle_runs_twice_for_July_then_it_issues_once_sends_the_notices_once_and_the_second_run_shows_the_existing_documents()
    {
        await SeedJulyAsync();
        Ok(await CliAsync("nightly", "--as-of", "2019-08-01"));

        var first = await CliAsync("settle", "--month", "2019-07", "--as-of", "2019-08-01");
        var second = await CliAsync("settle", "--month", "2019-07", "--as-of", "2019-08-01");

        Ok(first);
        Assert.Equal("settlement 2019-07 as of 2019-08-01: invoice I60F-000001 31044.00 DKK ex VAT, no credit note\n4 notice(s) handled\n",
            first.Out.ReplaceLineEndings("\n"));
        Ok(second);
        Assert.Equal("settlement 2019-07 as of 2019-08-01 (already issued: existing documents): invoice I60F-000001 31044.00 DKK ex VAT, no credit note\n0 notice(s) handled\n",
            second.Out.ReplaceLineEndings("\n"));
        Assert.Equal(["impact60-2019-07-fokus.eml", "impact60-2019-07-fund-den-sociale-kapitalfond", "impact60-2019-07-fund-det-obelske-familiefond", "impact60-2019-07-jobcenter.eml"],
            Directory.GetFiles(Path.Combine(_out, "emails")).Select(f => Path.GetFileName(f)!).Select(f => f.StartsWith("impact60-2019-07-fund-", StringComparison.Ordinal) ? f[..f.LastIndexOf('-')] : f).Order());
        Assert.True(File.Exists(Path.Combine(_out, "events", "I60F-000001.json")));
    }

    [Theory]
    [InlineData("2019-07", "2019-07-31", "--as-of 2019-07-31 must be after the month 2019-07 has ended")]
    [InlineData("2019-13", "2020-01-01", "--month must be YYYY-MM, not '2019-13'")]
    [InlineData("2019-07", "1-8-2019", "--as-of must be a date YYYY-MM-DD, not '1-8-2019'")]
    public async Task Given_a_month_that_has_not_ended_or_a_malformed_argument_when_settle_runs_then_it_exits_2_saying_why_and_settles_nothing(string month, string asOf, string reason)
    {
        var run = await CliAsync("settle", "--month", month, "--as-of", asOf);

        Assert.Equal(CliApp.CannotRun, run.Exit);
        Assert.Contains(reason, run.Err);
        Assert.Empty(await _storage.Table(StorageNames.Tables.Ledger).QueryAsync<TableEntity>().ToListAsync());
    }

    [Fact]
    public async Task Given_July_and_August_settled_after_a_revision_when_invoices_runs_then_it_lists_both_invoices_and_the_credit_note_with_what_it_corrects()
    {
        await SeedJulyAsync();
        Ok(await CliAsync("settle", "--month", "2019-07", "--as-of", "2019-08-01"));
        await SeedAsync(("weeks-revision.csv", Revision, RevisionDay));
        Ok(await CliAsync("settle", "--month", "2019-08", "--as-of", "2019-09-01"));

        var list = await CliAsync("invoices");

        Ok(list);
        var lines = list.Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("number         kind       period   issued     lines   total ex VAT  corrects", lines[0]);
        Assert.Equal("I60F-000001    Invoice    2019-07  2019-08-01     3       31044.00  ", lines[1]);
        Assert.Equal("I60F-000002    Invoice    2019-08  2019-09-01     1       10348.00  ", lines[2]);
        Assert.Equal("I60K-000001    CreditNote 2019-08  2019-09-01     1        3980.00  I60F-000001", lines[3]);
        Assert.Equal("3 document(s)", lines[4]);
    }

    [Fact]
    public async Task Given_messages_in_verify_poison_when_replay_runs_then_they_are_back_on_verify_unchanged_and_a_second_replay_moves_nothing()
    {
        var poison = _storage.Queue(StorageNames.Queues.VerifyPoison);
        string[] bodies = ["""{"referralId":"JC-2018-0001","asOf":"2019-08-01"}""", """{"referralId":"JC-2018-0002","asOf":"2019-08-01"}"""];
        foreach (var body in bodies) await poison.SendMessageAsync(body);

        var replay = await CliAsync("replay", "--queue", "verify");
        var again = await CliAsync("replay", "--queue", "verify");

        Ok(replay);
        Assert.Equal("2 message(s) moved from verify-poison back to verify\n", replay.Out.ReplaceLineEndings("\n"));
        Ok(again);
        Assert.Equal("0 message(s) moved from verify-poison back to verify\n", again.Out.ReplaceLineEndings("\n"));
        var moved = (await _storage.Queue(StorageNames.Queues.Verify).ReceiveMessagesAsync(32)).Value.Select(m => m.Body.ToString()).Order();
        Assert.Equal(bodies.Order(), moved);
        Assert.Equal(0, await QueuedAsync(StorageNames.Queues.VerifyPoison));
    }

    [Fact]
    public async Task Given_a_replayed_verify_message_when_the_next_nightly_drains_then_the_participant_is_verified()
    {
        await SeedJulyAsync();
        await _storage.Queue(StorageNames.Queues.VerifyPoison).SendMessageAsync("""{"referralId":"JC-2018-0003","asOf":"2019-08-01"}""");
        Ok(await CliAsync("replay", "--queue", "verify"));

        var night = await CliAsync("nightly", "--as-of", "2019-08-01");

        Ok(night);
        Assert.Contains("4 verified", night.Out); // the replayed message and the night's three
        Assert.Equal(3, (await EntitlementsAsync()).Count);
    }

    [Fact]
    public async Task Given_an_unknown_queue_when_replay_runs_then_it_exits_2_naming_the_queues_it_knows()
    {
        var run = await CliAsync("replay", "--queue", "settlements");

        Assert.Equal(CliApp.CannotRun, run.Exit);
        Assert.Contains("--queue must be verify, notices or ingest, not 'settlements'", run.Err);
    }

    [Fact]
    public async Task Given_an_issued_July_whose_PDF_was_lost_when_reissue_runs_then_it_writes_that_blob_again_a_second_run_writes_nothing_and_resend_sends_FOKUS_once_more()
    {
        await SeedJulyAsync();
        Ok(await CliAsync("settle", "--month", "2019-07", "--as-of", "2019-08-01"));
        await _storage.Container(StorageNames.Containers.Documents).GetBlobClient("I60F-000001.pdf").DeleteAsync();
        File.Delete(Path.Combine(_out, "emails", "impact60-2019-07-fokus.eml"));

        var reissue = await CliAsync("reissue", "--month", "2019-07");
        var again = await CliAsync("reissue", "--month", "2019-07", "--resend", "fokus");
        var unknown = await CliAsync("reissue", "--month", "2019-09");

        Ok(reissue);
        Assert.Contains("I60F-000001.pdf      was missing: written again from the ledger", reissue.Out);
        Assert.Contains("I60F-000001.xml      present, left as it is", reissue.Out);
        Assert.Contains("settlement 2019-07: 1 of 3 document blob(s) written again", reissue.Out);
        Ok(again);
        Assert.Contains("settlement 2019-07: 0 of 3 document blob(s) written again", again.Out);
        Assert.Contains("notice Fokus queued to be sent again\n1 notice(s) handled", again.Out.ReplaceLineEndings("\n"));
        Assert.True(File.Exists(Path.Combine(_out, "emails", "impact60-2019-07-fokus.eml")));
        Assert.True(await _storage.Container(StorageNames.Containers.Documents).GetBlobClient("I60F-000001.pdf").ExistsAsync());
        Assert.Equal(CliApp.CannotRun, unknown.Exit);
        Assert.Contains("settlement 2019-09 is not in the ledger", unknown.Err);
    }
}
