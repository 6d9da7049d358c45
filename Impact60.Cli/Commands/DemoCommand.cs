using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Impact60.Application.Configuration;
using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Application.Verification;
using Impact60.Cli.Demo;
using Impact60.Domain.Rules;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Impact60.Cli.Commands;

/// <summary>
/// The main job, locally: the whole nightly-and-settle pipeline over a simulated timeline of the sample programme.
/// Starts Azurite in memory (unless <c>AzureWebJobsStorage</c> is set), replays the sample deliveries into the register
/// inbox on their days, runs every night's verification and every month's settlement, sends the notices to a pickup
/// folder and the events to an outbox folder, and copies the documents out. Same code paths as the Functions app.
/// </summary>
public static class DemoCommand
{
    public const string Usage = "demo [--out DIR (out/demo)] [--samples DIR (samples)] [--until YYYY-MM-DD (the 1st after the last delivery: 2022-03-01)]";

    public static Task<int> RunAsync(CliArgs args, TextWriter stdout, TextWriter stderr) =>
        // A live progress display only on a terminal; redirected (a log, CI, a test) it prints one line per settlement.
        RunAsync(args, stdout, stderr, ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected ? AnsiConsole.Console : null);

    /// <param name="live">The terminal to show live progress on, or null for plain lines.</param>
    public static async Task<int> RunAsync(CliArgs args, TextWriter stdout, TextWriter stderr, IAnsiConsole? live)
    {
        var output = Path.GetFullPath(args.Optional("out") ?? Path.Combine("out", "demo"));
        var samples = Path.GetFullPath(args.Optional("samples") ?? "samples");
        var untilOption = args.OptionalDate("until");
        args.RejectUnknown();
        if (!File.Exists(Path.Combine(samples, DemoRegister.ReferralsFile)))
            throw new CannotRunException($"no sample data in '{samples}' (expected {DemoRegister.ReferralsFile}); run from the repository root or pass --samples");
        IReadOnlyList<DemoDelivery> deliveries;
        try { deliveries = DemoRegister.Plan(samples); }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new CannotRunException($"the sample data in '{samples}' cannot be replayed: {e.Message}");
        }
        var start = DemoRegister.Start;
        var until = untilOption ?? DemoRegister.DefaultUntil(deliveries);
        if (until < start) throw new CliUsageException($"--until {until:yyyy-MM-dd} is before the timeline starts ({start:yyyy-MM-dd})");

        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        Directory.CreateDirectory(output);

        AzuriteLauncher? azurite = null;
        var overrides = new Dictionary<string, string?>();
        var attention = 0;
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(AppSettingNames.Storage)))
        {
            await stdout.WriteLineAsync("Starting Azurite in memory (no AzureWebJobsStorage configured)…");
            azurite = await AzuriteLauncher.StartAsync(RepositoryRoot(samples));
            overrides[CliHost.Key(AppSettingNames.Storage)] = azurite.ConnectionString;
            // A key for this run only: the store lives in memory and dies with it.
            overrides[CliHost.Key(AppSettingNames.PseudonymisationKey)] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }
        try
        {
            await using var host = await CliHost.StartAsync(CliHost.LocalDefaults(output), overrides, Path.Combine(output, "events"), LogLevel.Warning);
            var pipeline = new LocalPipeline(host);
            var settlements = new List<(SettlementOutcome Outcome, StoredEntitlementSummary Summary)>();
            var rejected = 0;
            await DemoProgress.RunAsync(live, stdout, start, until, async progress =>
            {
                for (var day = start; day <= until; day = day.AddDays(1))
                {
                    foreach (var delivery in deliveries.Where(d => d.On == day))
                    {
                        await using var content = new MemoryStream(Encoding.UTF8.GetBytes(delivery.Content));
                        foreach (var o in await pipeline.DropAsync(delivery.FileName, content, day, CancellationToken.None))
                        {
                            rejected += o.Result?.RowsRejected ?? 0;
                            if (o.Result is { RowsRejected: > 0 } r)
                                await progress.LineAsync(ConsoleText.Plain($"{day:yyyy-MM-dd} {delivery.FileName}: {r.RowsRejected} row(s) quarantined ({r.QuarantineBlobName})"));
                            if (o.Error is not null) await progress.LineAsync(ConsoleText.Plain($"{day:yyyy-MM-dd} {delivery.FileName}: rejected whole: {o.Error}"));
                        }
                    }
                    await pipeline.Nightly.RunAsync(day, CancellationToken.None);
                    // One participant's failure never stops the night: it is shown, and retried by the following nights.
                    foreach (var failure in (await pipeline.DrainVerifyAsync(CancellationToken.None)).Failed)
                    {
                        attention++;
                        await progress.LineAsync(ConsoleText.Plain($"{day:yyyy-MM-dd} not verified: {failure}"));
                    }
                    if (day.Day == 1 && day > start)
                    {
                        var period = day.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
                        var outcome = await pipeline.Settlement.SettleAsync(period, day, CancellationToken.None);
                        await pipeline.DrainNoticesAsync(CancellationToken.None);
                        var summary = await StoredEntitlementSummary.ReadAsync(host.Get<EntitlementStore>());
                        settlements.Add((outcome, summary));
                        await progress.LineAsync($"{day:yyyy-MM-dd} settled {period}: " +
                            $"{Describe(outcome.Record.InvoiceNumber, outcome.Record.InvoiceTotal)}, {Describe(outcome.Record.CreditNoteNumber, outcome.Record.CreditTotal)}; " +
                            $"{summary.Achieved} of {summary.Referred} achieved self-sufficiency");
                        foreach (var n in outcome.NotSettled)
                        {
                            attention++;
                            await progress.LineAsync(ConsoleText.Plain($"{day:yyyy-MM-dd} not settled in {period}: {n.ReferralId} ({n.FokusRef}): the computation failed: {n.Reason}"));
                        }
                        progress.Settled();
                    }
                    progress.Night(day);
                }
            });
            await CopyDocumentsAsync(host, Path.Combine(output, "documents"));
            WriteSummary(settlements, host.Get<Impact60.Domain.Contracts.Contract>(), stdout);
            await stdout.WriteLineAsync($"{rejected} register row(s) quarantined in all.");
            await stdout.WriteLineAsync(ConsoleText.Plain($"Documents (XML, PDF, JSON): {Path.Combine(output, "documents")}"));
            await stdout.WriteLineAsync(ConsoleText.Plain($"Notices (.eml):            {Path.Combine(output, "emails")}"));
            await stdout.WriteLineAsync(ConsoleText.Plain($"Events (SettlementIssued): {Path.Combine(output, "events")}"));
            if (attention > 0)
                await stderr.WriteLineAsync($"impact60 demo: {attention} verification(s) or settlement(s) of a participant failed (listed above); the others went through");
        }
        finally
        {
            if (azurite is not null) await azurite.DisposeAsync();
        }
        return attention == 0 ? CliApp.Ok : CliApp.Problem;
    }

    /// <summary>Where the pinned Azurite is installed: above the samples folder, else above the current folder, else above the CLI.</summary>
    private static string RepositoryRoot(string samples)
    {
        foreach (var start in new[] { samples, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            try { return AzuriteLauncher.FindRepositoryRoot(start); }
            catch (InvalidOperationException) { }
        }
        throw new CannotRunException($"cannot find the repository (a folder holding Impact60.sln, with Azurite installed) above '{samples}', the current folder or the CLI; set {AppSettingNames.Storage} to a running Azurite instead");
    }

    private static string Describe(string? number, decimal total) => number is null ? "-" : $"{number} {MoneyText.Format(total)}";

    private static async Task CopyDocumentsAsync(CliHost host, string folder)
    {
        Directory.CreateDirectory(folder);
        var container = host.Get<StorageClients>().Container(StorageNames.Containers.Documents);
        await foreach (var blob in container.GetBlobsAsync())
        {
            if (blob.Name.StartsWith("settlements/", StringComparison.Ordinal)) continue; // plans, not documents
            await container.GetBlobClient(blob.Name).DownloadToAsync(Path.Combine(folder, Path.GetFileName(blob.Name)));
        }
    }

    private static void WriteSummary(List<(SettlementOutcome Outcome, StoredEntitlementSummary Summary)> settlements, Impact60.Domain.Contracts.Contract contract, TextWriter stdout)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 120;
        var table = new Table().Title(ConsoleText.Markup($"{contract.Programme} settlements (DKK ex VAT)"))
            .AddColumn("Month").AddColumn("Invoice").AddColumn(new TableColumn("Invoiced").RightAligned())
            .AddColumn("Credit note").AddColumn(new TableColumn("Credited").RightAligned())
            .AddColumn(new TableColumn("Revenue to date").RightAligned()).AddColumn(new TableColumn("Achieved / target").RightAligned());
        decimal revenue = 0;
        foreach (var (o, s) in settlements.Where(x => x.Outcome.Record.InvoiceNumber is not null || x.Outcome.Record.CreditNoteNumber is not null))
        {
            var r = o.Record;
            revenue = settlements.TakeWhile(x => x.Outcome != o).Sum(x => x.Outcome.Record.InvoiceTotal - x.Outcome.Record.CreditTotal) + r.InvoiceTotal - r.CreditTotal;
            table.AddRow(ConsoleText.Markup(r.Period), ConsoleText.Markup(r.InvoiceNumber), r.InvoiceNumber is null ? "" : MoneyText.Format(r.InvoiceTotal),
                ConsoleText.Markup(r.CreditNoteNumber), r.CreditNoteNumber is null ? "" : MoneyText.Format(r.CreditTotal),
                MoneyText.Format(revenue), $"{s.Achieved} / {ProgrammeTarget.Count(contract)}");
        }
        console.Write(table);
        var last = settlements.LastOrDefault().Summary;
        if (last is not null)
            console.WriteLine($"Target progress: {last.Achieved} of {contract.ReferralCap} referred achieved self-sufficiency; target {contract.TargetShare:P0} = {ProgrammeTarget.Count(contract)}. " +
                $"Invoiced {MoneyText.Format(settlements.Sum(x => x.Outcome.Record.InvoiceTotal))}, credited {MoneyText.Format(settlements.Sum(x => x.Outcome.Record.CreditTotal))}.");
    }
}

/// <summary>Programme counts from the stored entitlements (no personal data).</summary>
public sealed record StoredEntitlementSummary(int Referred, int InCourse, int Achieved, decimal Entitled)
{
    public static async Task<StoredEntitlementSummary> ReadAsync(EntitlementStore store)
    {
        var all = await store.ReadAllAsync(CancellationToken.None);
        var counts = ProgrammeCounts.Of(all.Select(e => (e.InCourse, e.AchievedSelfSufficiency)), notComputed: 0);
        return new(counts.Referred, counts.InCourse, counts.Achieved, all.Sum(e => e.Amount));
    }
}
