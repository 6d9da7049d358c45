using Impact60.Application.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Ingestion;

/// <summary>
/// Takes one register delivery (an extract file, or a page of the API) into the store, writing only what changed:
/// hash → duplicate? → archive evidence → read (bad rows to quarantine) → compare with stored → write changes →
/// quarantine report → delivery log. Latest delivery wins.
/// </summary>
public sealed class RegisterIngestion(
    ParticipantStore participants,
    DeliveryLog deliveries,
    EvidenceArchive evidence,
    QuarantineReports quarantine,
    Pseudonymizer pseudonymizer,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<RegisterIngestion> logger)
{
    internal const string WeeksKind = "weeks";
    internal const string ReferralsKind = "referrals";

    internal Pseudonymizer Pseudonymizer => pseudonymizer;

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
            (stream, rejections) => Parsed.OfReferrals(ReferralFile.ReadRows(stream, source, pseudonymizer, rejections).ToList()),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A file name can be anything the jobcenter chose: anything CPR-shaped in it is masked before it is stored or logged.</summary>
    internal static string MaskedSource(string fileName) => Cpr.MaskAll(fileName);

    private static Rejection Masked(Rejection r) =>
        new(Cpr.MaskAll(r.File), r.Line, Cpr.MaskAll(r.Reason), Cpr.MaskAll(r.MaskedRawLine));

    internal sealed record Parsed(IReadOnlyList<ReferralRow>? Referrals, IReadOnlyList<RegisterWeek>? Weeks)
    {
        public static Parsed OfWeeks(IReadOnlyList<RegisterWeek> weeks) => new(null, weeks);
        public static Parsed OfReferrals(IReadOnlyList<ReferralRow> referrals) => new(referrals, null);

        /// <summary>Referrals that did not come from a file (an API page): the line is the item's position, the raw line
        /// the referral as a file row would hold it, CPR masked.</summary>
        public static Parsed OfReferrals(IReadOnlyList<Referral> referrals) =>
            new(referrals.Select((r, i) => new ReferralRow(r, i + 1, AsMaskedRow(r))).ToList(), null);
    }

    internal async Task<IngestionResult> IngestAsync(
        BufferedDelivery delivery, string source, string kind, string extension,
        Func<Stream, List<Rejection>, Parsed> parse, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var deliveryId = DeliveryLog.DeliveryIdOf(delivery.Sha256);

        var earlier = await deliveries.FindIngestedAsync(delivery.Sha256, cancellationToken).ConfigureAwait(false);
        if (earlier is not null)
        {
            // The same bytes were ingested before: nothing can have changed. Record the receipt, change nothing.
            await deliveries.AppendAsync(new DeliveryRecord(deliveryId, delivery.Sha256, source, kind, receivedAt, DeliveryRecord.Ingested,
                Duplicate: true, 0, 0, 0, 0, 0, 0, 0, earlier.EvidenceBlobName, earlier.QuarantineBlobName, null), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Delivery {DeliveryId} from {Source} was ingested before ({Earlier:o}); nothing changed", deliveryId, source, earlier.ReceivedAt);
            return new IngestionResult(deliveryId, delivery.Sha256, source, true, 0, 0, 0, 0, 0, 0, 0, 0, [], [], earlier.EvidenceBlobName, earlier.QuarantineBlobName);
        }

        var evidenceBlobName = EvidenceArchive.BlobNameFor(receivedAt, deliveryId, kind, extension);
        await using (var stream = delivery.OpenRead())
            await evidence.ArchiveAsync(evidenceBlobName, stream, delivery.Sha256, kind, cancellationToken).ConfigureAwait(false);

        var rejections = new List<Rejection>();
        Parsed parsed;
        try
        {
            await using var stream = delivery.OpenRead();
            parsed = parse(stream, rejections);
        }
        catch (RegisterFileException e)
        {
            // Rejected whole: logged as such (not as ingested), so the same file again is rejected again, not "duplicate".
            await deliveries.AppendAsync(new DeliveryRecord(deliveryId, delivery.Sha256, source, kind, receivedAt, DeliveryRecord.FileRejected,
                false, 0, 0, 0, 0, 0, 0, 0, evidenceBlobName, null, Cpr.MaskAll(e.Reason)), cancellationToken).ConfigureAwait(false);
            logger.LogWarning("Delivery {DeliveryId} from {Source} rejected whole: {Reason}", deliveryId, source, Cpr.MaskAll(e.Reason));
            // Rethrown masked: callers print and log this message, whatever the reader put in it.
            throw new RegisterFileException(source, Cpr.MaskAll(e.Reason));
        }
        // The readers mask already; masked again here because these go to the CLI, logs and the report whatever a reader does.
        for (var i = 0; i < rejections.Count; i++) rejections[i] = Masked(rejections[i]);
        var rowsRead = (parsed.Weeks?.Count ?? 0) + (parsed.Referrals?.Count ?? 0) + rejections.Count;

        ParticipantWriteResult written;
        int newWeeks = 0, revisedWeeks = 0, newReferrals = 0, changedReferrals = 0, accepted;
        if (parsed.Weeks is { } weeks)
        {
            written = await participants.WriteWeeksAsync(weeks, deliveryId, receivedAt, cancellationToken).ConfigureAwait(false);
            (newWeeks, revisedWeeks, accepted) = (written.New, written.Revised, weeks.Count);
        }
        else
        {
            var withinCap = await ApplyReferralCapAsync(parsed.Referrals ?? [], source, rejections, cancellationToken).ConfigureAwait(false);
            written = await participants.WriteReferralsAsync(withinCap, deliveryId, receivedAt, cancellationToken).ConfigureAwait(false);
            (newReferrals, changedReferrals, accepted) = (written.New, written.Revised, withinCap.Count);
        }

        string? quarantineBlobName = null;
        if (rejections.Count > 0)
        {
            quarantineBlobName = QuarantineReports.BlobNameFor(evidenceBlobName);
            await quarantine.WriteAsync(quarantineBlobName, rejections, cancellationToken).ConfigureAwait(false);
        }

        // The log entry is written LAST: it is what makes the next receipt of these bytes a "duplicate". If the process
        // dies before this line, a rerun finds no entry and redoes everything; that is safe because every step before is
        // idempotent (evidence is write-once, the store writes only differences, the report is rewritten identically).
        await deliveries.AppendAsync(new DeliveryRecord(deliveryId, delivery.Sha256, source, kind, receivedAt, DeliveryRecord.Ingested, false,
            rowsRead, accepted, rejections.Count, written.New, written.Revised, written.Unchanged, written.ChangedParticipants.Count,
            evidenceBlobName, quarantineBlobName, null), cancellationToken).ConfigureAwait(false);

        var result = new IngestionResult(deliveryId, delivery.Sha256, source, false, rowsRead, accepted, rejections.Count,
            newWeeks, revisedWeeks, newReferrals, changedReferrals, written.Unchanged, written.ChangedParticipants, rejections,
            evidenceBlobName, quarantineBlobName);
        logger.LogInformation("Ingested {Summary}", result.ToString());
        return result;
    }

    /// <summary>
    /// DOMAIN.md "Referrals": the programme takes at most <see cref="IngestionOptions.ReferralCap"/> referrals. Ids already
    /// stored are updates and always pass; new ids are taken in file order until the cap, the rest rejected with the reason.
    /// A rejection names the referral's line and its raw line with the CPR masked, like a reader's.
    /// </summary>
    private async Task<List<Referral>> ApplyReferralCapAsync(IReadOnlyList<ReferralRow> rows, string source, List<Rejection> rejections, CancellationToken cancellationToken)
    {
        var cap = options.Value.ReferralCap;
        var known = (await participants.ReadReferralsAsync(cancellationToken).ConfigureAwait(false))
            .Select(r => r.ReferralId).ToHashSet(StringComparer.Ordinal);
        var taken = new List<Referral>();
        foreach (var row in rows)
        {
            var referral = row.Referral;
            if (known.Contains(referral.ReferralId) || known.Count < cap)
            {
                known.Add(referral.ReferralId);
                taken.Add(referral);
                continue;
            }
            rejections.Add(new Rejection(source, row.Line,
                $"referral {referral.ReferralId} is new and would exceed the programme's referral cap of {cap} ({known.Count} referrals already taken)",
                row.MaskedRawLine));
        }
        return taken;
    }

    private static string AsMaskedRow(Referral r)
    {
        static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(';', r.ReferralId, Cpr.Masked, Date(r.ReferredOn), Date(r.CourseStart), r.CourseEnd is { } end ? Date(end) : "", r.FokusRef, r.Business);
    }
}
