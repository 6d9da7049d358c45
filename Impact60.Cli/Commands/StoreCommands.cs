using System.Globalization;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.RegisterApi;
using Impact60.Application.Settlement;
using Microsoft.Extensions.Logging;

namespace Impact60.Cli.Commands;

/// <summary>
/// Operator commands against the configured store (environment variables with the app settings' names:
/// <c>AzureWebJobsStorage</c> or the identity-based <c>AzureWebJobsStorage__*ServiceUri</c>, <c>Pseudonymisation__Key</c>,
/// and optionally <c>Register__BaseUrl</c>, <c>SendGrid__ApiKey</c>, <c>ServiceBusConnection__fullyQualifiedNamespace</c>).
/// </summary>
public static class StoreCommands
{
    public const string IngestUsage = "ingest (--referrals FILE | --weeks FILE) [--as-of YYYY-MM-DD] [--out DIR]";
    public const string PullUsage = "pull [--as-of YYYY-MM-DD] [--out DIR]";
    public const string NightlyUsage = "nightly --as-of YYYY-MM-DD [--no-drain] [--out DIR]";
    public const string SettleUsage = "settle --month YYYY-MM --as-of YYYY-MM-DD [--no-drain] [--out DIR]";
    public const string InvoicesUsage = "invoices [--out DIR]";
    public const string ReplayUsage = "replay --queue verify|notices|ingest [--out DIR]";

    private static async Task<CliHost> OpenAsync(CliArgs args)
    {
        var output = Path.GetFullPath(args.Optional("out") ?? "out");
        var defaults = CliHost.LocalDefaults(output);
        return await CliHost.StartAsync(defaults, null, Path.Combine(output, "events"), LogLevel.Warning);
    }

    private static DateOnly Today() => DateOnly.FromDateTime(DateTime.Now);

    public static async Task<int> IngestAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var referrals = args.Optional("referrals");
        var weeks = args.Optional("weeks");
        var asOf = args.OptionalDate("as-of") ?? Today();
        if ((referrals is null) == (weeks is null)) throw new CliUsageException("give exactly one of --referrals FILE or --weeks FILE");
        await using var host = await OpenAsync(args);
        args.RejectUnknown();
        var path = referrals ?? weeks!;
        // The jobcenter names its files; a name (and so the path, and any I/O message quoting it) may hold a CPR number.
        FileStream file;
        try { file = OpenFile(path); }
        catch (CannotRunException e) { throw new CannotRunException(ConsoleText.Plain(e.Message), e); }
        await using var _ = file;
        var ingestion = host.Get<RegisterIngestion>();
        IngestionResult result;
        try
        {
            result = referrals is not null
                ? await ingestion.IngestReferralsFileAsync(file, Path.GetFileName(path), asOf)
                : await ingestion.IngestWeeksFileAsync(file, Path.GetFileName(path), asOf);
        }
        catch (Impact60.Domain.Register.RegisterFileException e)
        {
            throw new CannotRunException($"the file was rejected whole: {ConsoleText.Plain(e.Message)}");
        }
        if (result.RefusedReason is { } refused)
            throw new CannotRunException(
                $"{ConsoleText.Plain(result.Source)} was refused whole: {ConsoleText.Plain(refused)}; the rejected rows are in {StorageNames.Containers.Quarantine}/{result.QuarantineBlobName}");
        var queued = await new LocalPipeline(host).Nightly.VerifyChangedAsync(result.ChangedParticipants, asOf, CancellationToken.None);
        await stdout.WriteLineAsync(Summary(result));
        await stdout.WriteLineAsync($"{queued} participant(s) queued for verification.");
        var exit = await ReportRejectionsAsync([result], stdout);
        await ReportUnlistedCodesAsync(result, stdout);
        return exit;
    }

    /// <summary>The delivery's source (from input: made safe to print) and its outcome (counts and Impact60's own ids: printed as they are).</summary>
    private static string Summary(IngestionResult result) => $"{ConsoleText.Plain(result.Source)}: {result.Outcome}";

    /// <summary>How many rejected rows are listed on the console per delivery; the quarantine report has them all.</summary>
    internal const int RejectedRowsShown = 20;

    /// <summary>How many codes not in the contract's list are listed per delivery.</summary>
    internal const int UnlistedCodesShown = 20;

    /// <summary>
    /// The benefit codes of the delivery that the contract's classification does not list: each is classed by the default,
    /// which may withhold money, so someone must confirm the list is complete. Not an error: the exit code is unchanged.
    /// </summary>
    private static async Task ReportUnlistedCodesAsync(IngestionResult result, TextWriter stdout)
    {
        foreach (var code in result.UnlistedCodes.Take(UnlistedCodesShown))
            await stdout.WriteLineAsync($"codes not in the contract's list: {ConsoleText.Plain(code.ToString())}");
        if (result.UnlistedCodes.Count > UnlistedCodesShown)
            await stdout.WriteLineAsync($"  … and {result.UnlistedCodes.Count - UnlistedCodesShown} more codes not in the contract's list");
    }

    public static async Task<int> PullAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var asOf = args.OptionalDate("as-of") ?? Today();
        await using var host = await OpenAsync(args);
        args.RejectUnknown();
        if (string.IsNullOrWhiteSpace(host.Configuration[CliHost.Key(AppSettingNames.RegisterBaseUrl)]))
            throw new CannotRunException($"no register API is configured: set {AppSettingNames.RegisterBaseUrl}");
        PullResult result;
        try
        {
            result = await host.Get<RegisterPull>().PullAsync(asOf);
        }
        catch (RegisterApiException e)
        {
            // The pages stored before the failure stay stored and the cursor stays behind the failed page: a rerun resumes.
            throw new CannotRunException($"the pull failed: {ConsoleText.Plain(e.Message.ReplaceLineEndings(" "))}");
        }
        await stdout.WriteLineAsync(Summary(result.Referrals));
        foreach (var page in result.WeekPages) await stdout.WriteLineAsync(Summary(page));
        await stdout.WriteLineAsync($"cursor {result.Cursor:O}; {result.ChangedParticipants.Count} participant(s) changed");
        var exit = await ReportRejectionsAsync([result.Referrals, .. result.WeekPages], stdout);
        foreach (var page in result.WeekPages) await ReportUnlistedCodesAsync(page, stdout);
        return exit;
    }

    public static async Task<int> NightlyAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var asOf = args.RequiredDate("as-of");
        var drain = !args.Flag("no-drain");
        await using var host = await OpenAsync(args);
        args.RejectUnknown();
        var pipeline = new LocalPipeline(host);
        var night = await pipeline.Nightly.RunAsync(asOf, CancellationToken.None);
        await stdout.WriteLineAsync($"night {asOf:yyyy-MM-dd}: {night.Changed} changed, {night.DueForReview} due for review, {night.NeverVerified} never verified; {night.Enqueued} queued");
        if (!drain) return CliApp.Ok;
        // One participant's failure never stops the night of the others: each is listed, and the night needs attention.
        var drained = await pipeline.DrainVerifyAsync(CancellationToken.None);
        await stdout.WriteLineAsync($"{drained.Verified} verified");
        if (drained.Failed.Count == 0) return CliApp.Ok;
        foreach (var failure in drained.Failed)
            await stdout.WriteLineAsync($"  not verified: {ConsoleText.Plain(failure.ToString())}");
        await stderr.WriteLineAsync($"impact60 nightly: {drained.Failed.Count} verification(s) failed (listed above); the others were verified");
        return CliApp.Problem;
    }

    public static async Task<int> SettleAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var month = args.Required("month");
        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
            throw new CliUsageException($"--month must be YYYY-MM, not '{month}'");
        var asOf = args.RequiredDate("as-of");
        if (asOf <= first.AddMonths(1).AddDays(-1))
            throw new CliUsageException($"--as-of {asOf:yyyy-MM-dd} must be after the month {month} has ended");
        var drain = !args.Flag("no-drain");
        await using var host = await OpenAsync(args);
        args.RejectUnknown();
        var pipeline = new LocalPipeline(host);
        var outcome = await pipeline.Settlement.SettleAsync(month, asOf, CancellationToken.None);
        await WriteSettlementAsync(outcome, stdout);
        if (drain) await stdout.WriteLineAsync($"{await pipeline.DrainNoticesAsync(CancellationToken.None)} notice(s) handled");
        if (outcome.NotSettled.Count == 0) return CliApp.Ok;
        await stderr.WriteLineAsync($"impact60 settle: {outcome.NotSettled.Count} participant(s) not settled: their entitlement could not be computed (listed above); " +
            "the others are settled, and what is owed to these is settled once their data is corrected");
        return CliApp.Problem;
    }

    internal static async Task WriteSettlementAsync(SettlementOutcome outcome, TextWriter stdout)
    {
        var r = outcome.Record;
        await stdout.WriteLineAsync(
            $"settlement {r.Period} as of {r.AsOf:yyyy-MM-dd}{(outcome.AlreadyIssued ? " (already issued: existing documents)" : "")}: " +
            (r.InvoiceNumber is null ? "no invoice" : $"invoice {r.InvoiceNumber} {MoneyText.Format(r.InvoiceTotal)} DKK ex VAT") + ", " +
            (r.CreditNoteNumber is null ? "no credit note" : $"credit note {r.CreditNoteNumber} {MoneyText.Format(r.CreditTotal)} DKK ex VAT"));
        foreach (var n in outcome.NotSettled)
            await stdout.WriteLineAsync(ConsoleText.Plain($"  not settled: {n.ReferralId} ({n.FokusRef}): the computation failed: {n.Reason}"));
    }

    public static async Task<int> InvoicesAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        await using var host = await OpenAsync(args);
        args.RejectUnknown();
        var documents = await host.Get<SettlementLedger>().ListDocumentsAsync(CancellationToken.None);
        await stdout.WriteLineAsync($"{"number",-14} {"kind",-10} {"period",-8} {"issued",-10} {"lines",5} {"total ex VAT",14}  corrects");
        foreach (var d in documents)
            await stdout.WriteLineAsync($"{d.Number,-14} {d.Kind,-10} {d.Period,-8} {d.IssueDate:yyyy-MM-dd} {d.LineCount,5} {MoneyText.Format(d.Total),14}  {d.Corrects}");
        await stdout.WriteLineAsync($"{documents.Count} document(s)");
        return CliApp.Ok;
    }

    public static async Task<int> ReplayAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var queue = args.Required("queue");
        if (queue is not (StorageNames.Queues.Verify or StorageNames.Queues.Notices or StorageNames.Queues.Ingest))
            throw new CliUsageException($"--queue must be verify, notices or ingest, not '{queue}'");
        await using var host = await OpenAsync(args);
        args.RejectUnknown();
        var moved = await new LocalPipeline(host).ReplayPoisonAsync(queue, CancellationToken.None);
        await stdout.WriteLineAsync($"{moved} message(s) moved from {queue}-poison back to {queue}");
        return CliApp.Ok;
    }

    private static FileStream OpenFile(string path)
    {
        try { return File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CannotRunException($"cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>
    /// Prints the rejected rows of the deliveries — the first <see cref="RejectedRowsShown"/> of each, made safe to print
    /// (masked, escaped, cut), then how many more and the counts by kind of reason — and where the quarantine report is.
    /// A duplicate delivery tells the rejections of its first receipt again: re-sending a file does not correct it.
    /// Exit code 1 (done, but needs attention) when any row was rejected: the jobcenter must correct and redeliver them.
    /// </summary>
    private static async Task<int> ReportRejectionsAsync(IReadOnlyList<IngestionResult> deliveries, TextWriter stdout)
    {
        long rejected = 0, earlier = 0;
        foreach (var delivery in deliveries)
        {
            if (delivery.RowsRejected == 0) continue;
            var shown = delivery.Rejections.Take(RejectedRowsShown).ToList();
            foreach (var r in shown)
                await stdout.WriteLineAsync($"  rejected {ConsoleText.Plain(r.File)}:{r.Line}: {ConsoleText.Plain(r.Reason)}");
            var report = delivery.QuarantineBlobName is { } name ? $"{StorageNames.Containers.Quarantine}/{name}" : null;
            var more = delivery.RowsRejected - shown.Count;
            if (more > 0)
            {
                await stdout.WriteLineAsync($"  … and {more} more{(report is null ? "" : $" (see report {report})")}");
                foreach (var (kind, count) in delivery.RejectionsByKind)
                    await stdout.WriteLineAsync($"    {count} × {ConsoleText.Plain(kind)}");
            }
            if (report is not null)
                await stdout.WriteLineAsync($"  quarantine report: {report}");
            if (delivery.Duplicate) earlier += delivery.RowsRejected;
            else rejected += delivery.RowsRejected;
        }
        if (rejected + earlier == 0) return CliApp.Ok;
        if (rejected > 0)
            await stdout.WriteLineAsync($"{rejected} row(s) rejected: the rest is stored; the rejected rows need correcting and redelivering.");
        if (earlier > 0)
            await stdout.WriteLineAsync($"{earlier} row(s) were rejected when the same delivery was first received and are still to be corrected and redelivered.");
        return CliApp.Problem;
    }
}
