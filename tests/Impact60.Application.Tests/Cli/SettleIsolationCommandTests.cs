using System.Text;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Cli;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using MimeKit;
using static Impact60.Application.Tests.Settlement.SettlementScenario;

namespace Impact60.Application.Tests.Cli;

/// <summary>
/// The operator's view of a participant whose data cannot be computed (a course_end of 9999-12-31, stored before the
/// readers refused it): <c>nightly</c> verifies the others and lists it, <c>settle</c> settles the others and lists it,
/// both exit 1. And any unexpected exception at the CLI is one line on stderr and exit 2.
/// </summary>
[Collection("CLI environment")]
public sealed class SettleIsolationCommandTests : IAsyncLifetime
{
    private const string Reason = "course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31";

    private readonly AzuriteFixture _azurite;
    private readonly string _out = Directory.CreateTempSubdirectory("impact60-cli-").FullName;
    private readonly Dictionary<string, string?> _saved = new();

    public SettleIsolationCommandTests(AzuriteFixture azurite) => _azurite = azurite;

    private static readonly string[] Settings = [AppSettingNames.Storage, AppSettingNames.PseudonymisationKey];

    public async Task InitializeAsync()
    {
        await _azurite.CleanStorageAsync();
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
        return new Run(exit, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>July's three participants ingested as the inbox would, and JC-2018-0004 written straight into the store with course_end 9999-12-31.</summary>
    private async Task SeedAsync()
    {
        await using var host = await CliHost.OpenStoreAsync(_out);
        var ingestion = host.Get<RegisterIngestion>();
        foreach (var (file, content) in new[] { ("referrals.csv", Referrals), ("weeks.csv", Weeks) })
        {
            await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
            var result = file.StartsWith("referrals", StringComparison.Ordinal)
                ? await ingestion.IngestReferralsFileAsync(stream, file, new DateOnly(2019, 7, 31))
                : await ingestion.IngestWeeksFileAsync(stream, file, new DateOnly(2019, 7, 31));
            Assert.Equal(0, result.RowsRejected);
        }
        var bad = new Referral("JC-2018-0004", Pseudonym.Parse(new string('d', 64)), new DateOnly(2018, 9, 27), new DateOnly(2018, 10, 1),
            new DateOnly(9999, 12, 31), "F-004", "KaffeFair");
        await host.Get<ParticipantStore>().WriteReferralsAsync([bad], "stored-directly", DateTimeOffset.UtcNow, CancellationToken.None);
    }

    [Fact]
    public async Task Given_a_participant_whose_course_ends_9999_12_31_when_nightly_and_settle_run_then_the_others_are_verified_and_invoiced_it_is_listed_and_both_exit_1()
    {
        await SeedAsync();

        var night = await CliAsync("nightly", "--as-of", "2019-08-01");
        var settle = await CliAsync("settle", "--month", "2019-07", "--as-of", "2019-08-01");

        // the night verifies the three and lists the fourth
        Assert.Equal(CliApp.Problem, night.Exit);
        Assert.Equal("night 2019-08-01: 0 changed, 0 due for review, 4 never verified; 4 queued\n3 verified\n"
            + $"  not verified: JC-2018-0004: the computation failed: {Reason}; left on the queue to be retried\n", night.Out);
        Assert.Equal("impact60 nightly: 1 verification(s) failed (listed above); the others were verified\n", night.Err);

        // the settlement invoices the three and lists the fourth, and FOKUS is told
        Assert.Equal(CliApp.Problem, settle.Exit);
        Assert.Equal("settlement 2019-07 as of 2019-08-01: invoice I60F-000001 31044.00 DKK ex VAT, no credit note\n"
            + $"  not settled: JC-2018-0004 (F-004): the computation failed: {Reason}\n4 notice(s) handled\n", settle.Out);
        Assert.Equal("impact60 settle: 1 participant(s) not settled: their entitlement could not be computed (listed above); "
            + "the others are settled, and what is owed to these is settled once their data is corrected\n", settle.Err);
        var fokus = MimeMessage.Load(Path.Combine(_out, "emails", "impact60-2019-07-fokus.eml"));
        Assert.Contains($"- JC-2018-0004 (F-004): beregningen mislykkedes: {Reason}", fokus.TextBody);

        // and settling the month again gives the same documents and the same list
        var again = await CliAsync("settle", "--month", "2019-07", "--as-of", "2019-08-01");
        Assert.Equal(CliApp.Problem, again.Exit);
        Assert.Contains("(already issued: existing documents): invoice I60F-000001 31044.00 DKK ex VAT, no credit note\n"
            + $"  not settled: JC-2018-0004 (F-004): the computation failed: {Reason}\n", again.Out);
    }

    [Fact]
    public async Task Given_a_verify_message_that_failed_four_times_and_one_that_cannot_be_read_when_nightly_drains_then_both_go_to_verify_poison_and_the_others_are_verified()
    {
        // Given JC-2018-0004's message already taken four times (as four failed attempts would), and a message that is not JSON
        await SeedAsync();
        var storage = StorageClients.FromConnectionString(_azurite.ConnectionString);
        var verify = storage.Queue(StorageNames.Queues.Verify);
        await verify.SendMessageAsync("""{"referralId":"JC-2018-0004","asOf":"2019-07-31"}""");
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Single((await verify.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1))).Value);
            await Task.Delay(TimeSpan.FromSeconds(1.2));
        }
        await verify.SendMessageAsync("not json");

        // when the night runs and drains the queue
        var night = await CliAsync("nightly", "--as-of", "2019-08-01");

        // then the three are verified; the fifth attempt and the unreadable message are in verify-poison, the night's own
        // message for JC-2018-0004 is left for a retry, and all three failures are listed
        Assert.Equal(CliApp.Problem, night.Exit);
        var lines = night.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("3 verified", lines[1]);
        Assert.StartsWith("  not verified: (unreadable message): the message cannot be read: verify message is not JSON", lines[2]);
        Assert.EndsWith("; moved to verify-poison", lines[2]);
        Assert.Equal(
            [$"  not verified: JC-2018-0004: the computation failed: {Reason}; left on the queue to be retried",
             $"  not verified: JC-2018-0004: the computation failed: {Reason}; moved to verify-poison"],
            lines[3..].Order(StringComparer.Ordinal));
        var poisoned = (await storage.Queue(StorageNames.Queues.VerifyPoison).ReceiveMessagesAsync(32)).Value.Select(m => m.Body.ToString());
        Assert.Equal(["not json", """{"referralId":"JC-2018-0004","asOf":"2019-07-31"}"""], poisoned.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Given_a_storage_account_that_refuses_the_key_when_a_store_command_runs_then_it_is_one_line_on_stderr_naming_the_verb_and_exit_2()
    {
        // Given the right Azurite with a wrong key: every request is refused (403), an exception no command expects
        var wrongKey = Convert.ToBase64String(new byte[64]);
        Environment.SetEnvironmentVariable(AppSettingNames.Storage, _azurite.ConnectionString.Replace(AzuriteLauncher.DevAccountKey, wrongKey, StringComparison.Ordinal));

        var run = await CliAsync("invoices");

        Assert.Equal(CliApp.CannotRun, run.Exit);
        Assert.Equal("", run.Out);
        var line = Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("impact60 invoices: could not run: RequestFailedException (status 403", line);
        Assert.DoesNotContain(" at Impact60.", line);
    }
}
