using System.Globalization;
using Impact60.Application.Storage;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Rules;
using Impact60.Domain.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Ingestion;

/// <summary>
/// Takes one register delivery (an extract file, or a page of the API) into the store, writing only what changed:
/// hash → duplicate? → archive evidence → read (bad rows streamed to the quarantine report) → the programme's rules
/// (one person one referral, one fokus_ref one referral, the referral cap) and the storage limits → refuse whole? →
/// compare with stored → write changes → quarantine report → delivery log. Latest delivery wins. docs/ingestion.md
/// tells the whole story.
/// </summary>
/// <remarks>
/// <paramref name="contract"/> is optional: where the contract is registered (the pipeline's composition), a weeks
/// delivery's codes are compared with its classification (<see cref="UnlistedCodes"/>); where it is not, they are not.
/// </remarks>
public sealed class RegisterIngestion(
    ParticipantStore participants,
    DeliveryLog deliveries,
    EvidenceArchive evidence,
    QuarantineReports quarantine,
    Pseudonymizer pseudonymizer,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<RegisterIngestion> logger,
    Contract? contract = null)
{
    internal const string WeeksKind = "weeks";
    internal const string ReferralsKind = "referrals";

    internal Pseudonymizer Pseudonymizer => pseudonymizer;

    /// <summary>The referral rules a delivery received on <paramref name="today"/> is read under (the API pull applies them too).</summary>
    internal ReferralReadOptions ReferralRules(DateOnly today) => options.Value.ReferralRules(today);

    /// <summary>Ingests a weeks extract (long or wide form). Weeks after the ISO week containing <paramref name="today"/> are rejected.</summary>
    /// <exception cref="RegisterFileException">The file cannot be read at all; nothing was stored except its evidence copy.</exception>
    public async Task<IngestionResult> IngestWeeksFileAsync(Stream content, string fileName, DateOnly today, CancellationToken cancellationToken = default)
    {
        await using var delivery = await BufferedDelivery.FromStreamAsync(content, cancellationToken).ConfigureAwait(false);
        var latestAllowedWeek = IsoWeek.Containing(today);
        // The reader gets the masked name too: it goes into every rejection and into the message of a file rejected whole.
        var source = MaskedSource(fileName);
        return await IngestAsync(delivery, source, WeeksKind, "csv",
            (stream, rejections) => Parsed.OfWeeks(WeeksFile.Read(stream, source, pseudonymizer, latestAllowedWeek, rejections).ToList()),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ingests a referrals extract. A new referral id beyond the referral cap is rejected with the reason; known ids are updates.</summary>
    /// <exception cref="RegisterFileException">The file cannot be read at all; nothing was stored except its evidence copy.</exception>
    public async Task<IngestionResult> IngestReferralsFileAsync(Stream content, string fileName, DateOnly today, CancellationToken cancellationToken = default)
    {
        await using var delivery = await BufferedDelivery.FromStreamAsync(content, cancellationToken).ConfigureAwait(false);
        var source = MaskedSource(fileName);
        return await IngestAsync(delivery, source, ReferralsKind, "csv",
            (stream, rejections) => Parsed.OfReferrals(ReferralFile.ReadRows(stream, source, pseudonymizer, rejections, options.Value.ReferralRules(today)).ToList()),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A file name can be anything the jobcenter chose: anything CPR-shaped in it is masked before it is stored or
    /// logged, control characters are escaped and a very long name is cut.</summary>
    internal static string MaskedSource(string fileName) => SafeText.Show(Cpr.MaskAll(fileName), MaxSourceLength);

    /// <summary>How much of a file name is kept as a delivery's source.</summary>
    internal const int MaxSourceLength = 260;

    internal sealed record Parsed(IReadOnlyList<ReferralRow>? Referrals, IReadOnlyList<RegisterWeek>? Weeks)
    {
        public static Parsed OfWeeks(IReadOnlyList<RegisterWeek> weeks) => new(null, weeks);
        public static Parsed OfReferrals(IReadOnlyList<ReferralRow> referrals) => new(referrals, null);

        /// <summary>Referrals that did not come from a file (an API page): the line is the item's position, the raw line
        /// the referral as a file row would hold it, CPR masked.</summary>
        public static Parsed OfReferrals(IReadOnlyList<Referral> referrals) =>
            new(referrals.Select((r, i) => new ReferralRow(r, i + 1, AsMaskedRow(r))).ToList(), null);

        public int Count => (Weeks?.Count ?? 0) + (Referrals?.Count ?? 0);
    }

    internal async Task<IngestionResult> IngestAsync(
        BufferedDelivery delivery, string source, string kind, string extension,
        Func<Stream, ICollection<Rejection>, Parsed> parse, CancellationToken cancellationToken)
    {
        if (kind == ReferralsKind) _ = Intake(); // no referral cap, no referrals: refused before anything is stored
        var receivedAt = time.GetUtcNow();
        var deliveryId = DeliveryLog.DeliveryIdOf(delivery.Sha256);

        var earlier = await deliveries.FindIngestedAsync(delivery.Sha256, cancellationToken).ConfigureAwait(false);
        if (earlier is not null)
            return await DuplicateAsync(delivery, source, kind, receivedAt, earlier, cancellationToken).ConfigureAwait(false);

        var evidenceBlobName = EvidenceArchive.BlobNameFor(receivedAt, deliveryId, kind, extension);
        await using (var stream = delivery.OpenRead())
            await evidence.ArchiveAsync(evidenceBlobName, stream, delivery.Sha256, kind, cancellationToken).ConfigureAwait(false);

        // Every rejection is counted and written to the report as it happens; only the first few are kept in memory.
        await using var report = quarantine.Start();
        var rejections = new RejectionLog(options.Value.RejectionExamples, report.Add);
        Parsed parsed;
        try
        {
            await using var stream = delivery.OpenRead();
            parsed = parse(stream, rejections);
        }
        catch (RegisterFileException e)
        {
            var reason = SafeText.Show(Cpr.MaskAll(e.Reason), MaxReasonLength);
            // Rejected whole: logged as such (not as ingested), so the same file again is rejected again, not "duplicate".
            await deliveries.AppendAsync(new DeliveryRecord(deliveryId, delivery.Sha256, source, kind, receivedAt, DeliveryRecord.FileRejected,
                false, 0, 0, 0, 0, 0, 0, 0, evidenceBlobName, null, reason), cancellationToken).ConfigureAwait(false);
            logger.LogWarning("Delivery {DeliveryId} from {Source} rejected whole: {Reason}", deliveryId, source, reason);
            // Rethrown masked and cut: callers print and log this message, whatever the reader put in it.
            throw new RegisterFileException(source, reason);
        }
        var rowsRead = ToInt(parsed.Count + rejections.Total);

        // Before anything is written: the storage limits, then the programme's rules. A row that breaks one is rejected
        // like a bad row (with its line), so it neither stops the delivery nor takes a place under the referral cap.
        IReadOnlyList<RegisterWeek>? weeks = null;
        IReadOnlyList<Referral>? referrals = null;
        if (parsed.Weeks is { } parsedWeeks)
            weeks = StorableWeeks(parsedWeeks, source, rejections);
        else
            referrals = await ApplyReferralRulesAsync(StorableReferrals(parsed.Referrals ?? [], source, rejections), source, rejections, cancellationToken).ConfigureAwait(false);
        var accepted = weeks?.Count ?? referrals!.Count;
        var rejected = ToInt(rejections.Total);
        var byKind = rejections.ByKind.Select(k => new RejectionCount(k.Kind, k.Count)).ToList();
        var quarantineBlobName = rejected > 0 ? QuarantineReports.BlobNameFor(evidenceBlobName) : null;

        if (RejectionPolicy.RefusesWhole(rowsRead, rejected))
        {
            var refused = string.Create(CultureInfo.InvariantCulture,
                $"{rejected} of {rowsRead} rows rejected, more than {RejectionPolicy.MaxRejectedShare:P0}: a delivery that is mostly wrong is taken to be the wrong file, so nothing of it was stored");
            await report.UploadAsync(quarantineBlobName!, refused, cancellationToken).ConfigureAwait(false);
            await deliveries.AppendAsync(new DeliveryRecord(deliveryId, delivery.Sha256, source, kind, receivedAt, DeliveryRecord.Refused, false,
                rowsRead, 0, rejected, 0, 0, 0, 0, evidenceBlobName, quarantineBlobName, refused) { RejectionsByKind = byKind }, cancellationToken).ConfigureAwait(false);
            logger.LogWarning("Delivery {DeliveryId} from {Source} refused whole: {Reason} (report {Report})", deliveryId, source, refused, quarantineBlobName);
            return new IngestionResult(deliveryId, delivery.Sha256, source, false, rowsRead, 0, rejected, 0, 0, 0, 0, 0, [],
                rejections.Examples.ToList(), evidenceBlobName, quarantineBlobName) { RejectionsByKind = byKind, RefusedReason = refused };
        }

        ParticipantWriteResult written;
        int newWeeks = 0, revisedWeeks = 0, newReferrals = 0, changedReferrals = 0;
        IReadOnlyList<UnlistedCode> unlisted = [];
        if (weeks is not null)
        {
            written = await participants.WriteWeeksAsync(weeks, deliveryId, receivedAt, cancellationToken).ConfigureAwait(false);
            (newWeeks, revisedWeeks) = (written.New, written.Revised);
            if (contract is not null) unlisted = UnlistedCodes.Find(weeks, contract.Classification);
        }
        else
        {
            written = await participants.WriteReferralsAsync(referrals!, deliveryId, receivedAt, cancellationToken).ConfigureAwait(false);
            (newReferrals, changedReferrals) = (written.New, written.Revised);
        }

        if (quarantineBlobName is not null)
            await report.UploadAsync(quarantineBlobName, null, cancellationToken).ConfigureAwait(false);

        // The log entry is written LAST: it is what makes the next receipt of these bytes a "duplicate". If the process
        // dies before this line, a rerun finds no entry and redoes everything; that is safe because every step before is
        // idempotent (evidence is write-once, the store writes only differences, the report is rewritten identically).
        await deliveries.AppendAsync(new DeliveryRecord(deliveryId, delivery.Sha256, source, kind, receivedAt, DeliveryRecord.Ingested, false,
            rowsRead, accepted, rejected, written.New, written.Revised, written.Unchanged, written.ChangedParticipants.Count,
            evidenceBlobName, quarantineBlobName, null)
        {
            RejectionsByKind = byKind,
            UnlistedCodes = unlisted.Select(c => c.ToString()).ToList(),
        }, cancellationToken).ConfigureAwait(false);

        var result = new IngestionResult(deliveryId, delivery.Sha256, source, false, rowsRead, accepted, rejected,
            newWeeks, revisedWeeks, newReferrals, changedReferrals, written.Unchanged, written.ChangedParticipants, rejections.Examples.ToList(),
            evidenceBlobName, quarantineBlobName) { RejectionsByKind = byKind, UnlistedCodes = unlisted };
        logger.LogInformation("Ingested {Summary}", result.ToString());
        if (unlisted.Count > 0)
            logger.LogInformation("Delivery {DeliveryId} from {Source} has codes not in the contract's list (classed by its default): {Codes}", deliveryId, source, string.Join("; ", unlisted));
        return result;
    }

    private const int MaxReasonLength = 1000;

    private static int ToInt(long n) => (int)Math.Min(n, int.MaxValue);

    /// <summary>
    /// The same bytes were ingested before: nothing can have changed, so nothing is written but the receipt. What the first
    /// time rejected is told again (the counts from the delivery log, the first rows from its quarantine report), so a
    /// delivery re-sent without being corrected still needs attention.
    /// </summary>
    private async Task<IngestionResult> DuplicateAsync(
        BufferedDelivery delivery, string source, string kind, DateTimeOffset receivedAt, DeliveryRecord earlier, CancellationToken cancellationToken)
    {
        var deliveryId = DeliveryLog.DeliveryIdOf(delivery.Sha256);
        IReadOnlyList<Rejection> examples = earlier is { RowsRejected: > 0, QuarantineBlobName: { } report }
            ? await quarantine.ReadExamplesAsync(report, options.Value.RejectionExamples, cancellationToken).ConfigureAwait(false)
            : [];
        await deliveries.AppendAsync(new DeliveryRecord(deliveryId, delivery.Sha256, source, kind, receivedAt, DeliveryRecord.Ingested,
            Duplicate: true, 0, 0, 0, 0, 0, 0, 0, earlier.EvidenceBlobName, earlier.QuarantineBlobName, null), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Delivery {DeliveryId} from {Source} was ingested before ({Earlier:o}); nothing changed; it had {Rejected} rejected row(s)",
            deliveryId, source, earlier.ReceivedAt, earlier.RowsRejected);
        return new IngestionResult(deliveryId, delivery.Sha256, source, true, earlier.RowsRead, 0, earlier.RowsRejected, 0, 0, 0, 0, 0, [], examples,
            earlier.EvidenceBlobName, earlier.QuarantineBlobName)
        {
            RejectionsByKind = earlier.RejectionsByKind,
            FirstReceivedAt = earlier.ReceivedAt,
        };
    }

    /// <summary>Weeks whose row the table would refuse are rejected (by their types none can be; the check is the last line of defence).</summary>
    private static IReadOnlyList<RegisterWeek> StorableWeeks(IReadOnlyList<RegisterWeek> weeks, string source, ICollection<Rejection> rejections)
    {
        List<RegisterWeek>? kept = null;
        for (var i = 0; i < weeks.Count; i++)
        {
            if (ParticipantStore.WeekProblem(weeks[i]) is not { } problem)
            {
                kept?.Add(weeks[i]);
                continue;
            }
            kept ??= weeks.Take(i).ToList();
            rejections.Add(new Rejection(source, 0, $"person-week {weeks[i].Week}: {problem}", $"{weeks[i].Person.Short}…;{weeks[i].Week};{SafeText.Quote(weeks[i].Code.Value)}"));
        }
        return kept ?? weeks;
    }

    /// <summary>Referrals whose row the table would refuse (docs/ingestion.md "Azure storage limits") are rejected with their line.</summary>
    private static List<ReferralRow> StorableReferrals(IReadOnlyList<ReferralRow> rows, string source, ICollection<Rejection> rejections)
    {
        var kept = new List<ReferralRow>(rows.Count);
        foreach (var row in rows)
        {
            if (ParticipantStore.ReferralProblem(row.Referral) is { } problem)
                rejections.Add(new Rejection(source, row.Line, problem, row.MaskedRawLine));
            else
                kept.Add(row);
        }
        return kept;
    }

    /// <summary>
    /// The programme's rules for referrals, across deliveries (docs/ingestion.md "One person, one referral"), applied to
    /// the store as this delivery would leave it: a referral id appears once in a delivery (the first is kept; the file
    /// reader does this for files, an API page is checked here), then the intake rules R1-R3 of the contract
    /// (<see cref="ReferralIntake"/>: one person one referral unless <see cref="IngestionOptions.AllowReReferral"/>, one
    /// fokus_ref one referral, the referral cap <see cref="IngestionOptions.ReferralCap"/>), deciding the delivery against
    /// the referrals stored before it. Reasons name referral ids, never a person. A rejected change leaves the stored
    /// referral as it was.
    /// </summary>
    private async Task<List<Referral>> ApplyReferralRulesAsync(IReadOnlyList<ReferralRow> rows, string source, ICollection<Rejection> rejections, CancellationToken cancellationToken)
    {
        var intake = Intake();
        var stored = await participants.ReadReferralsAsync(cancellationToken).ConfigureAwait(false);
        var ruled = new List<Rejection>();
        var where = source.StartsWith("api:", StringComparison.Ordinal) ? "item" : "line";

        var candidates = new List<ReferralRow>(rows.Count);
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (firstLine.TryGetValue(row.Referral.ReferralId, out var first))
                ruled.Add(new Rejection(source, row.Line, $"referral_id '{SafeText.Quote(row.Referral.ReferralId)}' already appears at {where} {first}; the first is kept", row.MaskedRawLine));
            else
            {
                firstLine.Add(row.Referral.ReferralId, row.Line);
                candidates.Add(row);
            }
        }

        var decisions = intake.Decide(stored, [.. candidates.Select(c => c.Referral)]);
        var taken = new List<Referral>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (decisions[i].Taken) taken.Add(candidates[i].Referral);
            else ruled.Add(new Rejection(source, candidates[i].Line, decisions[i].Reason!, candidates[i].MaskedRawLine));
        }

        foreach (var r in ruled.OrderBy(r => r.Line)) rejections.Add(r);
        return taken;
    }

    /// <summary>The contract's intake rules as the options carry them; the referral cap has no default but the contract's.</summary>
    private ReferralIntake Intake() => new(
        options.Value.ReferralCap ?? throw new InvalidOperationException(
            "IngestionOptions.ReferralCap is not set: the referral cap comes from the contract's referralCap (AddImpact60Pipeline sets it)."),
        options.Value.AllowReReferral);

    private static string AsMaskedRow(Referral r)
    {
        static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return string.Join(';', r.ReferralId, Cpr.Masked, Date(r.ReferredOn), Date(r.CourseStart), r.CourseEnd is { } end ? Date(end) : "", r.FokusRef, r.Business);
    }
}
