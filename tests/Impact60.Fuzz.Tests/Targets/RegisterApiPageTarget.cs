using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Impact60.Application.RegisterApi;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Fuzz.Tests.Harness;

namespace Impact60.Fuzz.Tests.Targets;

/// <summary>
/// The register API's page parser, <c>RegisterApiPages.ParseWeeks</c> / <c>ParseReferrals</c> (Impact60.Application): the
/// function that turns a page's JSON bytes into weeks or referrals and rejections. It is internal and InternalsVisibleTo
/// names only Impact60.Application.Tests, so it is called by reflection (the production code is not changed for the
/// harness); its public entry point, <c>RegisterPull.PullAsync</c>, needs the storage emulator for every page, far too
/// slow for thousands of cases. Arguments are bound by type, so a sink for rejections added later is handed the log.
/// Invariants: only <see cref="RegisterApiException"/> escapes (the page refused whole); otherwise items are accounted:
/// weeks page: every item is taken or rejected once, and the weeks are the distinct (person, week) pairs of the taken items
/// (the same person-week twice in a page: the later change wins); referrals page: referrals + rejected items = items;
/// weeks and referrals are plausible and not in the future; accepted referral identifiers are CPR-free; rejections
/// CPR-free and safe to show; memory and time within <see cref="Bounds"/>.
/// </summary>
public sealed class RegisterApiPageTarget(bool weeks) : FuzzTarget
{
    private static readonly Type Pages = typeof(RegisterApiClient).Assembly.GetType("Impact60.Application.RegisterApi.RegisterApiPages", throwOnError: true)!;

    private readonly MethodInfo _parse = Pages.GetMethod(weeks ? "ParseWeeks" : "ParseReferrals", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException($"RegisterApiPages.{(weeks ? "ParseWeeks" : "ParseReferrals")} is gone: update the fuzz harness.");

    public override string Name => weeks ? "api-weeks-page" : "api-referrals-page";

    public override IReadOnlyList<Seed> Seeds { get; } = weeks
        ? [Load("api-weeks-page.json"), Load("api-weeks-last-page.json")]
        : [Load("api-referrals-page.json")];

    public override OpKind[] Ops => JsonOps;

    public override int BoundedCases => 600;

    private object?[] Arguments(byte[] input, ICollection<Rejection> sink) =>
        _parse.GetParameters().Select(object? (p) => p.ParameterType switch
        {
            var t when t == typeof(byte[]) => input,
            var t when t == typeof(ReadOnlyMemory<byte>) => new ReadOnlyMemory<byte>(input),
            var t when t == typeof(string) => weeks ? "api:weeks page 1" : "api:referrals",
            var t when t == typeof(Pseudonymizer) => Invariants.Pseudonymizer,
            var t when t == typeof(IsoWeek) => Invariants.LatestAllowedWeek,
            var t when t == typeof(DateOnly) => Invariants.Today,
            var t when t.IsAssignableFrom(typeof(RejectionLog)) => sink,
            var t => throw new InvalidOperationException($"RegisterApiPages.{_parse.Name} takes a {t.Name} ({p.Name}): update the fuzz harness."),
        }).ToArray();

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
        var arguments = Arguments(input, log);
        object? page = null;
        RegisterApiException? refused = null;

        probe.Begin(input.Length);
        try
        {
            page = _parse.Invoke(null, BindingFlags.DoNotWrapExceptions, null, arguments, CultureInfo.InvariantCulture);
        }
        catch (RegisterApiException e)
        {
            refused = e;
        }
        probe.End(page, log, refused);

        if (refused is not null)
        {
            Invariants.CprFree(refused.Message, "a refusal message");
            probe.AssertBounds();
            return CaseOutcome.Refusal;
        }
        if (model.Items is null) throw new Violation("unreadable page accepted", "the page is not an object with an 'items' array, yet it was not refused");

        // Rejections returned with the page (today) or handed to the sink (if the parser takes one).
        if (Property(page!, "Rejections") is IEnumerable returned)
            foreach (var r in returned.Cast<Rejection>()) log.Add(r);
        if (duplicateRejection != 0) throw new Violation("items not accounted", $"item {duplicateRejection} rejected twice");
        if (rejected.Any(i => i < 1 || i > model.Items.Count))
            throw new Violation("items not accounted", $"a rejection names item {rejected.First(i => i < 1 || i > model.Items.Count)} of {model.Items.Count}");
        if (Property(page!, "Items") is int items && items != model.Items.Count)
            throw new Violation("items not accounted", string.Create(CultureInfo.InvariantCulture, $"the page says {items} items, the JSON has {model.Items.Count}"));

        long rows;
        if (weeks)
        {
            var taken = ((IEnumerable)Property(page!, "Weeks")!).Cast<RegisterWeek>().ToList();
            foreach (var w in taken) Invariants.Week(w, "API week");
            var expected = new HashSet<(Pseudonym, IsoWeek)>();
            for (var i = 1; i <= model.Items.Count; i++)
            {
                if (rejected.Contains(i)) continue;
                var item = model.Items[i - 1];
                if (item.Cpr is null || item.Week is null || !Cpr.TryParse(item.Cpr, out var cpr, out _) || !IsoWeek.TryParse(item.Week, out var week, out _))
                    throw new Violation("items not accounted", $"item {i} was neither rejected nor a readable person-week");
                expected.Add((Invariants.Pseudonymizer.Of(cpr!), week));
            }
            if (taken.Count != expected.Count)
                throw new Violation("items not accounted", string.Create(CultureInfo.InvariantCulture,
                    $"{taken.Count} weeks taken, but the items not rejected hold {expected.Count} distinct person-weeks ({model.Items.Count} items, {rejected.Count} rejected)"));
            rows = taken.Count;
        }
        else
        {
            var referrals = ((IEnumerable)Property(page!, "Referrals")!).Cast<Referral>().ToList();
            foreach (var r in referrals) Invariants.Referral(r, "API referral");
            if (referrals.Count + rejected.Count != model.Items.Count)
                throw new Violation("items not accounted", string.Create(CultureInfo.InvariantCulture,
                    $"{referrals.Count} referrals + {rejected.Count} rejected items ≠ {model.Items.Count} items"));
            rows = referrals.Count;
        }
        probe.AssertBounds();
        return new CaseOutcome(false, rows, log.Total);
    }

    private static object? Property(object page, string name) => page.GetType().GetProperty(name)?.GetValue(page);

    /// <summary>The harness's own reading of the page: the items, and each one's cpr and week if they are strings.</summary>
    private sealed record PageModel(List<(string? Cpr, string? Week)>? Items)
    {
        public static PageModel Of(byte[] input)
        {
            try
            {
                using var document = JsonDocument.Parse(input);
                if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
                    return new PageModel((List<(string?, string?)>?)null);
                return new PageModel(items.EnumerateArray().Select(i => (StringOf(i, "cpr"), StringOf(i, "week"))).ToList());
            }
            catch (JsonException)
            {
                return new PageModel((List<(string?, string?)>?)null);
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
