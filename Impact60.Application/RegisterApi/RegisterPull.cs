using Impact60.Application.Ingestion;
using Impact60.Domain.Primitives;
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
/// and only then the cursor is moved to the page's highest <c>changedAt</c>. A crash mid-pull therefore resumes from the
/// last stored page: nothing is lost, and items fetched again compare equal to what is stored ("unchanged"), so nothing
/// is counted twice. A page that still fails after the retries, or that is refused whole because most of its items are
/// bad (<see cref="Impact60.Domain.Register.RejectionPolicy"/>), fails the run with <see cref="RegisterApiException"/>,
/// and nothing of that page is committed.
/// </summary>
public sealed class RegisterPull(RegisterApiClient api, RegisterIngestion ingestion, PullCursor cursor, ILogger<RegisterPull> logger)
{
    private const int MaxPages = 100_000; // a register handing out page tokens forever must not keep the night busy forever

    public async Task<PullResult> PullAsync(DateOnly today, CancellationToken cancellationToken = default)
    {
        var pseudonymizer = ingestion.Pseudonymizer;
        var changed = new SortedSet<string>(StringComparer.Ordinal);

        var referralsJson = await api.GetReferralsAsync(cancellationToken).ConfigureAwait(false);
        var referralsPage = RegisterApiPages.ParseReferrals(referralsJson, "api:referrals", pseudonymizer, ingestion.ReferralRules(today));
        IngestionResult referrals;
        await using (var delivery = BufferedDelivery.FromBytes(referralsJson))
            referrals = await ingestion.IngestAsync(delivery, "api:referrals", "api-referrals", "json",
                (_, rejections) => { foreach (var r in referralsPage.Rejections) rejections.Add(r); return RegisterIngestion.Parsed.OfReferrals(referralsPage.Referrals); },
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
            var parsed = RegisterApiPages.ParseWeeks(json, source, pseudonymizer, latestAllowedWeek);

            IngestionResult result;
            await using (var delivery = BufferedDelivery.FromBytes(json))
                result = await ingestion.IngestAsync(delivery, source, "api-weeks", "json",
                    (_, rejections) => { foreach (var r in parsed.Rejections) rejections.Add(r); return RegisterIngestion.Parsed.OfWeeks(parsed.Weeks); },
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

            // Only now, with the page stored, may the cursor pass it.
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
