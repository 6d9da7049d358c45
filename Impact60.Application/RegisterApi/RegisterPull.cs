using Impact60.Application.Ingestion;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Microsoft.Extensions.Logging;

namespace Impact60.Application.RegisterApi;

/// <summary>What a nightly pull took in: the referrals, each weeks page, the cursor after the run and who changed.</summary>
public sealed record PullResult(
    IngestionResult Referrals,
    IReadOnlyList<IngestionResult> WeekPages,
    DateTimeOffset? Cursor,
    IReadOnlyList<Pseudonym> ChangedParticipants);

/// <summary>
/// The nightly pull from the register API (REGISTER.md): referrals first (so weeks can be matched to referrals), then
/// the weeks changed since the cursor, page by page. Each page is archived, ingested (same change detection as files),
/// and only then the cursor is moved to the highest <c>changedAt</c> of the page's items that were taken. A crash mid-pull
/// therefore resumes from the last stored page: nothing is lost, and items fetched again compare equal to what is stored
/// ("unchanged"), so nothing is counted twice. A page that still fails after the retries, or that is refused whole because
/// most of its items are bad (<see cref="Impact60.Domain.Register.RejectionPolicy"/>), fails the run with
/// <see cref="RegisterApiException"/>, and nothing of that page is committed.
/// </summary>
/// <remarks>
/// A rejected item does not move the cursor, and an item changed later than the pull's own time (and
/// <see cref="ClockSkew"/>) is rejected: the cursor is where the next pull starts asking, and one item changed "in 2099"
/// would otherwise make every later pull ask only for changes since 2099 (docs/fuzzing.md, O1).
/// </remarks>
public sealed class RegisterPull(RegisterApiClient api, RegisterIngestion ingestion, PullCursor cursor, TimeProvider time, ILogger<RegisterPull> logger)
{
    private const int MaxPages = 100_000; // a register handing out page tokens forever must not keep the night busy forever

    /// <summary>How far the register's clock may be ahead of ours: a change stamped later than now plus this is in the future.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public async Task<PullResult> PullAsync(DateOnly today, CancellationToken cancellationToken = default)
    {
        var pseudonymizer = ingestion.Pseudonymizer;
        var changed = new SortedSet<string>(StringComparer.Ordinal);

        var referralsJson = await api.GetReferralsAsync(cancellationToken).ConfigureAwait(false);
        var rules = ingestion.ReferralRules(today);
        // Read once before anything is archived, so that a response that is no page fails the run with nothing stored, and
        // again inside the ingestion, whose log counts the rejections and streams them to the quarantine report: they are
        // not held, however many there are.
        RegisterApiPages.ParseReferrals(referralsJson, "api:referrals", pseudonymizer, rules, new RejectionLog(exampleLimit: 0));
        IngestionResult referrals;
        await using (var delivery = BufferedDelivery.FromBytes(referralsJson))
            referrals = await ingestion.IngestAsync(delivery, "api:referrals", "api-referrals", "json",
                (_, rejections) => RegisterIngestion.Parsed.OfReferrals(RegisterApiPages.ParseReferrals(referralsJson, "api:referrals", pseudonymizer, rules, rejections).Referrals),
                cancellationToken).ConfigureAwait(false);
        if (referrals.RefusedReason is { } refusedReferrals)
        {
            logger.LogError("Register pull: the referrals were refused whole: {Reason}", refusedReferrals);
            throw new RegisterApiException($"api:referrals was refused whole: {refusedReferrals} (quarantine report {referrals.QuarantineBlobName}). No weeks were pulled.");
        }
        changed.UnionWith(referrals.ChangedParticipants.Select(p => p.Value));

        var since = await cursor.ReadAsync(cancellationToken).ConfigureAwait(false);
        var committed = since;
        var latestAllowedWeek = IsoWeek.Containing(today);
        var pages = new List<IngestionResult>();
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        string? pageToken = null;
        for (var page = 1; ; page++)
        {
            if (page > MaxPages) throw new RegisterApiException($"The register API returned more than {MaxPages} pages; stopping.");
            var source = $"api:weeks page {page}";
            byte[] json;
            try
            {
                json = await api.GetWeeksPageAsync(since, pageToken, cancellationToken).ConfigureAwait(false);
            }
            catch (RegisterApiException e)
            {
                var at = committed is { } c ? $"at {c:o}" : "unset (the next run starts from the beginning)";
                logger.LogError("Register pull failed at {Source}; the cursor stays {Cursor}: {Reason}", source, at, e.Message);
                throw new RegisterApiException($"{source}: {e.Message} The cursor stays {at}; the next run resumes there.", e);
            }
            // Read for the cursor and the next page's token whatever the ingestion does with the page (a page received before
            // is not read again there), and read again inside it for the weeks and the rejections, as the referrals above.
            var latestChangedAt = time.GetUtcNow() + ClockSkew;
            var parsed = RegisterApiPages.ParseWeeks(json, source, pseudonymizer, latestAllowedWeek, latestChangedAt, new RejectionLog(exampleLimit: 0));

            IngestionResult result;
            await using (var delivery = BufferedDelivery.FromBytes(json))
                result = await ingestion.IngestAsync(delivery, source, "api-weeks", "json",
                    (_, rejections) => RegisterIngestion.Parsed.OfWeeks(RegisterApiPages.ParseWeeks(json, source, pseudonymizer, latestAllowedWeek, latestChangedAt, rejections).Weeks),
                    cancellationToken).ConfigureAwait(false);
            if (result.RefusedReason is { } refused)
            {
                // Nothing of the page was stored, so the cursor must not pass it: the next run asks for it again.
                var at = committed is { } c ? $"at {c:o}" : "unset (the next run starts from the beginning)";
                logger.LogError("Register pull: {Source} was refused whole; the cursor stays {Cursor}: {Reason}", source, at, refused);
                throw new RegisterApiException($"{source} was refused whole: {refused} (quarantine report {result.QuarantineBlobName}). The cursor stays {at}.");
            }
            pages.Add(result);
            changed.UnionWith(result.ChangedParticipants.Select(p => p.Value));

            // Only now, with the page stored, may the cursor pass it: to the latest change of the items taken.
            if (parsed.MaxChangedAt is { } max && (committed is null || max > committed))
            {
                await cursor.CommitAsync(max, result.DeliveryId, cancellationToken).ConfigureAwait(false);
                committed = max;
            }

            pageToken = parsed.NextPageToken;
            if (pageToken is null) break;
            if (!seenTokens.Add(pageToken)) throw new RegisterApiException($"{source}: the register API handed out page token '{Cpr.MaskAll(pageToken)}' twice; stopping.");
        }

        logger.LogInformation("Register pull: {Pages} weeks pages, {Changed} participants changed, cursor {Cursor:o}", pages.Count, changed.Count, committed);
        return new PullResult(referrals, pages, committed, changed.Select(Pseudonym.Parse).ToList());
    }
}
