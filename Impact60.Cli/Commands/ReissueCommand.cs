using System.Globalization;
using Impact60.Application.Pipeline;

namespace Impact60.Cli.Commands;

/// <summary>
/// <c>reissue --month YYYY-MM [--resend fokus|jobcenter|fund:NAME|all …] [--no-drain]</c>: writes the document blobs of an
/// issued settlement that are missing again from the ledger (the others are left as they are), and on request sends
/// chosen notices again. Safe to repeat: a second run finds nothing missing; each <c>--resend</c> sends once more.
/// </summary>
public static class ReissueCommand
{
    public const string Usage = "reissue --month YYYY-MM [--resend fokus|jobcenter|fund:NAME|all …] [--no-drain] [--out DIR]";

    public static async Task<int> RunAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var month = args.Required("month");
        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw new CliUsageException($"--month must be YYYY-MM, not '{month}'");
        if (args.Flag("resend")) throw new CliUsageException("--resend needs a recipient: fokus, jobcenter, fund:NAME or all");
        var resend = args.All("resend");
        var drain = !args.Flag("no-drain");
        await using var host = await CliHost.OpenStoreAsync(args.Optional("out"));
        args.RejectUnknown();

        ReissueOutcome outcome;
        try
        {
            outcome = await host.Get<SettlementReissue>().ReissueAsync(month, resend, CancellationToken.None);
        }
        catch (ReissueException e)
        {
            throw new CannotRunException(e.Message);
        }
        foreach (var blob in outcome.Blobs)
            await stdout.WriteLineAsync(ConsoleText.Plain($"  {blob.Name,-20} {(blob.Rewritten ? "was missing: written again from the ledger" : "present, left as it is")}"));
        await stdout.WriteLineAsync($"settlement {month}: {outcome.RewrittenCount} of {outcome.Blobs.Count} document blob(s) written again");
        foreach (var key in outcome.Resent)
            await stdout.WriteLineAsync(ConsoleText.Plain($"notice {key.Recipient} queued to be sent again"));
        if (drain && outcome.Resent.Count > 0)
            await stdout.WriteLineAsync($"{await new LocalPipeline(host).DrainNoticesAsync(CancellationToken.None)} notice(s) handled");
        return CliApp.Ok;
    }
}
