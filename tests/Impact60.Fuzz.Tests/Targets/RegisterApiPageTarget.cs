using System.Globalization;
using System.Text.Json;
using Impact60.Application.RegisterApi;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Fuzz.Tests.Harness;

namespace Impact60.Fuzz.Tests.Targets;

/// <summary>
/// The register API's page parser, <c>RegisterApiPages.ParseWeeks</c> / <c>ParseReferrals</c> (Impact60.Application): the
/// function that turns a page's JSON bytes into weeks or referrals and rejections. It is internal; Impact60.Application
/// gives this assembly InternalsVisibleTo, so it is called directly, with the arguments the pull gives it (the referral
/// rules as of <see cref="Invariants.Today"/>, the pull's time, the harness's rejection log as the sink). Its public entry point, <c>RegisterPull.PullAsync</c>, needs the storage
/// emulator for every page, far too slow for thousands of cases.
/// Invariants: only <see cref="RegisterApiException"/> escapes (the page refused whole); otherwise items are accounted:
/// weeks page: every item is taken or rejected once, the weeks are the distinct (person, week) pairs of the taken items
/// (the same person-week twice in a page: the later change wins), and the page's highest changedAt, where the pull moves its
/// cursor, is the latest change of the items taken and not after the pull's time and clock skew; referrals page: referrals + rejected items = items;
/// weeks and referrals are plausible and not in the future; accepted referral identifiers are CPR-free; rejections
/// CPR-free and safe to show; memory and allocation within <see cref="Bounds"/> (time by hand).
/// </summary>
public sealed class RegisterApiPageTarget(bool weeks) : FuzzTarget
{
    private const string WeeksSource = "api:weeks page 1";
    private const string ReferralsSource = "api:referrals";

    /// <summary>As the pull reads a page: its time (01:00 UTC on <see cref="Invariants.Today"/>) and the clock skew allowed.</summary>
    private static readonly DateTimeOffset LatestChangedAt = new DateTimeOffset(Invariants.Today, new TimeOnly(1, 0), TimeSpan.Zero) + RegisterPull.ClockSkew;

    /// <summary>The rules the pull reads referrals under on <see cref="Invariants.Today"/>.</summary>
    private static readonly ReferralReadOptions ReferralRules = new() { DeliveryDate = Invariants.Today };

    public override string Name => weeks ? "api-weeks-page" : "api-referrals-page";

    public override IReadOnlyList<Seed> Seeds { get; } = weeks
        ? [Load("api-weeks-page.json"), Load("api-weeks-last-page.json")]
        : [Load("api-referrals-page.json")];

    public override OpKind[] Ops => JsonOps;

    public override int BoundedCases => 600;

    public override CaseOutcome Execute(byte[] input, Probe probe)
    {
        var model = PageModel.Of(input);
        var rejected = new HashSet<int>();
        var duplicateRejection = 0;
        var log = new RejectionLog(onEach: r =>
        {
            probe.Tick();
            Invariants.Rejection(r);
            if (!rejected.Add(r.Line)) duplicateRejection = r.Line;
        });
        WeeksPage? weeksPage = null;
        ReferralsPage? referralsPage = null;
        RegisterApiException? refused = null;

        probe.Begin(input.Length);
        try
        {
            if (weeks) weeksPage = RegisterApiPages.ParseWeeks(input, WeeksSource, Invariants.Pseudonymizer, Invariants.LatestAllowedWeek, LatestChangedAt, log);
            else referralsPage = RegisterApiPages.ParseReferrals(input, ReferralsSource, Invariants.Pseudonymizer, ReferralRules, log);
        }
        catch (RegisterApiException e)
        {
            refused = e;
        }
        probe.End(weeksPage, referralsPage, log, refused);

        if (refused is not null)
        {
            Invariants.CprFree(refused.Message, "a refusal message");
            probe.AssertBounds();
            return CaseOutcome.Refusal;
        }
        if (model.Items is null) throw new Violation("unreadable page accepted", "the page is not an object with an 'items' array, yet it was not refused");

        if (duplicateRejection != 0) throw new Violation("items not accounted", $"item {duplicateRejection} rejected twice");
        if (rejected.Any(i => i < 1 || i > model.Items.Count))
            throw new Violation("items not accounted", $"a rejection names item {rejected.First(i => i < 1 || i > model.Items.Count)} of {model.Items.Count}");
        if ((weeksPage?.Items ?? referralsPage!.Items) is var items && items != model.Items.Count)
            throw new Violation("items not accounted", string.Create(CultureInfo.InvariantCulture, $"the page says {items} items, the JSON has {model.Items.Count}"));
        if ((weeksPage?.Rejected ?? referralsPage!.Rejected) is var said && said != log.Total)
            throw new Violation("items not accounted", string.Create(CultureInfo.InvariantCulture, $"the page says {said} items were rejected, {log.Total} rejections were made"));

        long rows;
        if (weeks)
        {
            var taken = weeksPage!.Weeks;
            foreach (var w in taken) Invariants.Week(w, "API week");
            var expected = new HashSet<(Pseudonym, IsoWeek)>();
            DateTimeOffset? latestTaken = null;
            for (var i = 1; i <= model.Items.Count; i++)
            {
                if (rejected.Contains(i)) continue;
                var item = model.Items[i - 1];
                if (item.Cpr is null || item.Week is null || !Cpr.TryParse(item.Cpr, out var cpr, out _) || !IsoWeek.TryParse(item.Week, out var week, out _))
                    throw new Violation("items not accounted", $"item {i} was neither rejected nor a readable person-week");
                if (item.ChangedAt is null || !DateTimeOffset.TryParse(item.ChangedAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var changedAt))
                    throw new Violation("items not accounted", $"item {i} was taken without a readable changedAt");
                if (latestTaken is null || changedAt > latestTaken) latestTaken = changedAt;
                expected.Add((Invariants.Pseudonymizer.Of(cpr!), week));
            }
            // The pull moves its cursor to the page's MaxChangedAt: only the items taken may move it (docs/fuzzing.md, O1).
            if (weeksPage.MaxChangedAt != latestTaken)
                throw new Violation("cursor moved by an item not taken", string.Create(CultureInfo.InvariantCulture,
                    $"the page's highest changedAt is {weeksPage.MaxChangedAt:o}, the highest of the items taken {latestTaken:o}"));
            if (latestTaken > LatestChangedAt)
                throw new Violation("change in the future taken", string.Create(CultureInfo.InvariantCulture,
                    $"an item changed at {latestTaken:o} was taken, after the pull's time and clock skew {LatestChangedAt:o}"));
            if (taken.Count != expected.Count)
                throw new Violation("items not accounted", string.Create(CultureInfo.InvariantCulture,
                    $"{taken.Count} weeks taken, but the items not rejected hold {expected.Count} distinct person-weeks ({model.Items.Count} items, {rejected.Count} rejected)"));
            rows = taken.Count;
        }
        else
        {
            var referrals = referralsPage!.Referrals;
            foreach (var r in referrals) Invariants.Referral(r, "API referral");
            if (referrals.Count + rejected.Count != model.Items.Count)
                throw new Violation("items not accounted", string.Create(CultureInfo.InvariantCulture,
                    $"{referrals.Count} referrals + {rejected.Count} rejected items ≠ {model.Items.Count} items"));
            rows = referrals.Count;
        }
        probe.AssertBounds();
        return new CaseOutcome(false, rows, log.Total);
    }

    /// <summary>The harness's own reading of the page: the items, and each one's cpr and week if they are strings.</summary>
    private sealed record PageModel(List<(string? Cpr, string? Week, string? ChangedAt)>? Items)
    {
        public static PageModel Of(byte[] input)
        {
            try
            {
                using var document = JsonDocument.Parse(input);
                if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
                    return new PageModel((List<(string?, string?, string?)>?)null);
                return new PageModel(items.EnumerateArray().Select(i => (StringOf(i, "cpr"), StringOf(i, "week"), StringOf(i, "changedAt"))).ToList());
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // InvalidOperationException: a property name of the page that is not text (an escaped lone surrogate).
                return new PageModel((List<(string?, string?, string?)>?)null);
            }
        }

        /// <summary>The string, or null (also for a string that is not UTF-8, which <c>GetString</c> cannot decode).</summary>
        private static string? StringOf(JsonElement item, string name)
        {
            try
            {
                return item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }
    }
}
