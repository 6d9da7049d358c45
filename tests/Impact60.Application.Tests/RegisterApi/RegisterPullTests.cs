using System.Text.Json;
using AccessToken = Azure.Core.AccessToken;
using TokenCredential = Azure.Core.TokenCredential;
using TokenRequestContext = Azure.Core.TokenRequestContext;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.RegisterApi;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Primitives;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.RegisterApi;

/// <summary>The nightly pull against a real local HTTP server (WireMock.Net) and real Azurite.</summary>
[Collection("Azurite")]
public sealed class RegisterPullTests(AzuriteFixture azurite) : IDisposable
{
    private const string Weeks = "/v1/programmes/IMPACT60/weeks";
    private const string Referrals = "/v1/programmes/IMPACT60/referrals";
    private static readonly DateOnly Today = new(2019, 6, 3);
    private readonly WireMockServer _register = WireMockServer.Start();

    public void Dispose() => _register.Stop();

    private Task<StorageTestHost> HostAsync(Action<Dictionary<string, string?>>? settings = null, Action<IServiceCollection>? services = null) =>
        StorageTestHost.StartAsync(azurite, _register.Urls[0], settingsOverride: settings, servicesOverride: services);

    internal sealed record Item(string cpr, string week, string? code, string changedAt);

    private static string Page(IEnumerable<Item> items, string? next) =>
        JsonSerializer.Serialize(new { items, nextPageToken = next });

    /// <summary>Page n (1-4): participants 10n..10n+2, weeks W10+n, changed at 02:00:0n.</summary>
    private static Item[] PageItems(int n) =>
        Enumerable.Range(10 * n, 3).Select(i => new Item(Cpr(i), $"2019-W{10 + n:00}", i % 2 == 0 ? "130" : null, $"2019-05-0{n}T02:00:00Z")).ToArray();

    private static DateTimeOffset MaxOf(int page) => new(2019, 5, page, 2, 0, 0, TimeSpan.Zero);

    private IRequestBuilder WeeksRequest(string? pageToken = null)
    {
        var request = Request.Create().WithPath(Weeks).UsingGet().WithHeader("X-Api-Key", StorageTestHost.RegisterApiKey);
        return pageToken is null ? request : request.WithParam("pageToken", pageToken);
    }

    private void ServeReferrals(params int[] participants) =>
        _register.Given(Request.Create().WithPath(Referrals).UsingGet().WithHeader("X-Api-Key", StorageTestHost.RegisterApiKey))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(new
            {
                items = participants.Select(i => new { referralId = $"JC-2018-{i:0000}", cpr = Cpr(i), referredOn = "2018-09-27", courseStart = "2018-10-01", courseEnd = (string?)null, fokusRef = $"F-{i:000}", business = "KaffeFair" }),
            })));

    /// <summary>Serves pages 1-4 linked by tokens p2, p3, p4; the first page is whatever comes without a page token.</summary>
    /// <summary>The register recovers. Asked for changes since page 2's max, it repeats page 2's last item (changed at that
    /// very instant) and then brings pages 3 and 4.</summary>
    private void ServeRecoveryAfterPage2()
    {
        _register.Reset();
        ServeReferrals();
        _register.Given(WeeksRequest().WithParam("changedSince", "2019-05-02T02:00:00Z")).AtPriority(100)
            .RespondWith(Json(Page([PageItems(2)[^1], .. PageItems(3)], "p4")));
        _register.Given(WeeksRequest("p4")).AtPriority(1).RespondWith(Json(Page(PageItems(4), null)));
    }

    private void ServeFourPages(bool page3Fails = false)
    {
        _register.Given(WeeksRequest()).AtPriority(100).RespondWith(Json(Page(PageItems(1), "p2")));
        _register.Given(WeeksRequest("p2")).AtPriority(1).RespondWith(Json(Page(PageItems(2), "p3")));
        _register.Given(WeeksRequest("p3")).AtPriority(1).RespondWith(page3Fails ? Response.Create().WithStatusCode(500) : Json(Page(PageItems(3), "p4")));
        _register.Given(WeeksRequest("p4")).AtPriority(1).RespondWith(Json(Page(PageItems(4), null)));
    }

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);

    private static async Task<Dictionary<(string, string), string>> StoredWeeksAsync(StorageTestHost host)
    {
        var stored = new Dictionary<(string, string), string>();
        await foreach (var e in host.Clients.Table(StorageNames.Tables.RegisterWeeks).QueryAsync<TableEntity>())
            stored.Add((e.PartitionKey, e.RowKey), e.GetString("Code"));
        return stored;
    }

    [Fact]
    public async Task Given_four_pages_of_weeks_when_pulled_then_referrals_and_every_week_are_stored_and_the_cursor_is_the_highest_changedAt()
    {
        await using var host = await HostAsync();
        ServeReferrals(10, 11);
        ServeFourPages();

        var result = await host.Get<RegisterPull>().PullAsync(Today);

        Assert.Equal(2, result.Referrals.NewReferrals);
        Assert.Equal(4, result.WeekPages.Count);
        Assert.All(result.WeekPages, p => Assert.Equal((3, 0), (p.NewWeeks, p.RejectionsCount())));
        Assert.Equal(MaxOf(4), result.Cursor);
        Assert.Equal(MaxOf(4), await host.Get<PullCursor>().ReadAsync());
        Assert.Equal(12, result.ChangedParticipants.Count);
        var stored = await StoredWeeksAsync(host);
        Assert.Equal(12, stored.Count);
        Assert.Equal("130", stored[(PseudonymOf(host.Pseudonymizer, Cpr(20)).Value, "2019-W12")]);
        Assert.Equal("", stored[(PseudonymOf(host.Pseudonymizer, Cpr(21)).Value, "2019-W12")]);
        // Each page is evidence of its own, as received.
        var evidence = await host.Clients.Container(StorageNames.Containers.Evidence).GetBlobsAsync().Select(b => b.Name).ToListAsync();
        Assert.Equal(5, evidence.Count);
        Assert.Equal(4, evidence.Count(n => n.EndsWith("-api-weeks.json", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Given_a_stored_cursor_when_pulled_then_the_register_is_asked_only_for_changes_since_it()
    {
        await using var host = await HostAsync();
        await host.Get<PullCursor>().CommitAsync(MaxOf(2), "earlier");
        ServeReferrals();
        _register.Given(WeeksRequest().WithParam("changedSince", "2019-05-02T02:00:00Z")).RespondWith(Json(Page(PageItems(3), null)));

        var result = await host.Get<RegisterPull>().PullAsync(Today);

        Assert.Equal(3, Assert.Single(result.WeekPages).NewWeeks);
        Assert.Equal(MaxOf(3), result.Cursor);
    }

    [Fact]
    public async Task Given_the_register_answers_429_with_Retry_After_2_when_pulled_then_it_waits_at_least_2_seconds_before_retrying_and_succeeds()
    {
        await using var host = await HostAsync(); // backoff 20 ms in the test host: only Retry-After can make the wait 2 s
        ServeReferrals();
        _register.Given(WeeksRequest()).InScenario("busy").WillSetStateTo("told-to-wait")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "2"));
        _register.Given(WeeksRequest()).InScenario("busy").WhenStateIs("told-to-wait").RespondWith(Json(Page(PageItems(1), null)));

        var result = await host.Get<RegisterPull>().PullAsync(Today);

        Assert.Equal(3, Assert.Single(result.WeekPages).NewWeeks);
        Assert.Equal([429, 200], WeeksStatuses());
        // When the register received each request (WireMock's own log): the retry came no sooner than it was told.
        var received = _register.LogEntries.Where(e => e.RequestMessage.Path == Weeks).Select(e => e.RequestMessage.DateTime).Order().ToList();
        Assert.True(received[1] - received[0] >= TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(50),
            $"retried after {(received[1] - received[0]).TotalMilliseconds:0} ms, though Retry-After said 2 s");
    }

    [Fact]
    public async Task Given_the_register_keeps_failing_when_a_pull_has_used_up_its_retries_then_the_circuit_opens_and_the_next_pull_fails_at_once_without_calling_the_register()
    {
        await using var host = await HostAsync(); // 3 retries: the circuit opens once 4 attempts, 9 in 10 of them, failed
        _register.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        var pull = host.Get<RegisterPull>();

        var first = await Assert.ThrowsAsync<RegisterApiException>(() => pull.PullAsync(Today));
        var callsAfterFirst = _register.LogEntries.Count();
        var second = await Assert.ThrowsAsync<RegisterApiException>(() => pull.PullAsync(Today));

        Assert.Contains("answered the referrals request with 503", first.Message);
        Assert.Equal(1 + 3, callsAfterFirst);
        Assert.Contains("circuit breaker is open", second.Message);
        Assert.Equal(callsAfterFirst, _register.LogEntries.Count()); // failed fast: the register was not asked again
    }

    [Fact]
    public async Task Given_the_register_answers_500_once_when_pulled_then_it_retries_and_succeeds()
    {
        await using var host = await HostAsync();
        ServeReferrals();
        _register.Given(WeeksRequest()).InScenario("flaky").WillSetStateTo("failed-once").RespondWith(Response.Create().WithStatusCode(500));
        _register.Given(WeeksRequest()).InScenario("flaky").WhenStateIs("failed-once").RespondWith(Json(Page(PageItems(1), null)));

        var result = await host.Get<RegisterPull>().PullAsync(Today);

        Assert.Equal(3, Assert.Single(result.WeekPages).NewWeeks);
        Assert.Equal([500, 200], WeeksStatuses());
    }

    [Fact]
    public async Task Given_the_register_is_too_slow_once_when_pulled_then_the_attempt_times_out_is_retried_and_succeeds()
    {
        await using var host = await HostAsync(); // attempt timeout 1 s in the test host
        ServeReferrals();
        // WireMock moves a scenario on only after the (delayed) answer, so the first call is told apart by a counter.
        var calls = 0;
        _register.Given(WeeksRequest()).RespondWith(Response.Create().WithCallback(_ =>
        {
            var first = Interlocked.Increment(ref calls) == 1;
            if (first) Thread.Sleep(TimeSpan.FromSeconds(4));
            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                BodyData = new WireMock.Util.BodyData { BodyAsString = Page(PageItems(first ? 1 : 2), null), DetectedBodyType = WireMock.Types.BodyType.String },
            };
        }));

        var result = await host.Get<RegisterPull>().PullAsync(Today);

        // The slow answer (page 1's items) was abandoned; the retry's answer was ingested.
        Assert.Equal(3, Assert.Single(result.WeekPages).NewWeeks);
        Assert.Equal(MaxOf(2), result.Cursor);
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Given_page_3_of_4_keeps_failing_when_pulled_then_the_run_fails_loudly_with_the_cursor_at_page_2_and_a_rerun_stores_every_week_exactly_once()
    {
        await using var host = await HostAsync();
        ServeReferrals();
        ServeFourPages(page3Fails: true);
        var pull = host.Get<RegisterPull>();

        var failure = await Assert.ThrowsAsync<RegisterApiException>(() => pull.PullAsync(Today));

        Assert.Contains("page 3", failure.Message);
        Assert.Equal(MaxOf(2), await host.Get<PullCursor>().ReadAsync());
        Assert.Equal(6, (await StoredWeeksAsync(host)).Count);
        Assert.Equal(1 + 3, _register.LogEntries.Count(e => e.RequestMessage.Query?.ContainsKey("pageToken") == true && e.RequestMessage.Query["pageToken"].Contains("p3")));

        ServeRecoveryAfterPage2();

        var rerun = await pull.PullAsync(Today);

        Assert.Equal((3, 1), (rerun.WeekPages[0].NewWeeks, rerun.WeekPages[0].Unchanged));
        Assert.Equal(3, rerun.WeekPages[1].NewWeeks);
        Assert.Equal(MaxOf(4), await host.Get<PullCursor>().ReadAsync());
        var stored = await StoredWeeksAsync(host);
        var expected = Enumerable.Range(1, 4).SelectMany(PageItems)
            .ToDictionary(i => (PseudonymOf(host.Pseudonymizer, i.cpr).Value, i.week), i => i.code ?? "");
        Assert.Equal(expected.OrderBy(kv => kv.Key), stored.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task Given_storing_page_3_of_4_fails_when_pulled_then_the_cursor_is_still_page_2s_highest_changedAt_and_a_rerun_stores_every_week_exactly_once()
    {
        // The process "dies" while writing page 3's weeks (W13): whatever was to happen after, did not.
        var crash = new BeforeRequest
        {
            Matches = m => BeforeRequest.IsWriteTo(m, StorageNames.Tables.RegisterWeeks) && BeforeRequest.BodyOf(m).Contains("2019-W13", StringComparison.Ordinal),
            Before = _ => throw new SimulatedCrash("storing page 3"),
        };
        var armed = true;
        var interception = new BeforeRequest { Matches = m => armed && crash.Matches(m), Before = crash.Before };
        await using var host = await StorageTestHost.StartAsync(azurite, _register.Urls[0], tablePolicy: interception);
        ServeReferrals();
        ServeFourPages();
        var pull = host.Get<RegisterPull>();

        await Assert.ThrowsAsync<SimulatedCrash>(() => pull.PullAsync(Today));

        // Page 3 was fetched (and archived as evidence) but not stored: the cursor must not have passed page 2.
        Assert.Equal(MaxOf(2), await host.Get<PullCursor>().ReadAsync());
        Assert.Equal(6, (await StoredWeeksAsync(host)).Count);

        armed = false;
        ServeRecoveryAfterPage2();

        var rerun = await pull.PullAsync(Today);

        Assert.Equal((3, 1), (rerun.WeekPages[0].NewWeeks, rerun.WeekPages[0].Unchanged));
        Assert.Equal(3, rerun.WeekPages[1].NewWeeks);
        Assert.Equal(MaxOf(4), await host.Get<PullCursor>().ReadAsync());
        // Every week once: 6 new before the crash, 6 new in the rerun (page 2's repeated item is unchanged): the 12 person-weeks.
        Assert.Equal(6, rerun.WeekPages.Sum(p => p.NewWeeks));
        var expected = Enumerable.Range(1, 4).SelectMany(PageItems)
            .ToDictionary(i => (PseudonymOf(host.Pseudonymizer, i.cpr).Value, i.week), i => i.code ?? "");
        Assert.Equal(expected.OrderBy(kv => kv.Key), (await StoredWeeksAsync(host)).OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task Given_a_page_with_bad_items_when_pulled_then_good_items_are_stored_and_bad_ones_quarantined_masked()
    {
        await using var host = await HostAsync();
        ServeReferrals();
        var body = $$"""
            { "items": [
              { "cpr": "{{Cpr(1)}}", "week": "2019-W14", "code": "130", "changedAt": "2019-05-01T02:00:00Z" },
              { "cpr": "{{Cpr(2)}}", "week": "2019-W14", "code": 130, "changedAt": "2019-05-01T02:00:00Z" },
              { "cpr": "{{Cpr(3)}}", "week": "2019-W14", "code": "", "changedAt": "2019-05-01T02:00:00Z", "note": "x" },
              { "cpr": "{{Cpr(4)}}", "week": "2029-W14", "code": null, "changedAt": "2019-05-01T02:00:00Z" },
              { "cpr": "32139912345", "week": "2019-W14", "code": null, "changedAt": "2019-05-01T02:00:00Z" },
              { "cpr": "{{Cpr(5)}}", "week": "2019-W15", "code": null, "changedAt": "yesterday" },
              { "cpr": "{{Cpr(6)}}", "week": "2019-W15", "code": null, "changedAt": "2019-05-01T03:00:00Z" }
            ], "nextPageToken": null }
            """;
        _register.Given(WeeksRequest()).RespondWith(Json(body));

        var result = await host.Get<RegisterPull>().PullAsync(Today);

        var page = Assert.Single(result.WeekPages);
        Assert.Equal((2, 5), (page.NewWeeks, page.RowsRejected));
        Assert.Equal([2, 3, 4, 5, 6], page.Rejections.Select(r => r.Line));
        Assert.Contains("field 'code' must be a string or null", page.Rejections[0].Reason);
        Assert.Contains("unknown field 'note'", page.Rejections[1].Reason);
        Assert.Contains("in the future", page.Rejections[2].Reason);
        var report = await host.Get<QuarantineReports>().ReadAsync(page.QuarantineBlobName!);
        Assert.Contains("api:weeks page 1;3;", report);
        Assert.Contains("XXXXXX-XXXX", report);
        Assert.False(PrivacyScan.ContainsAny(report, Enumerable.Range(1, 6).Select(Cpr)));
        Assert.Single(await host.Participants.ReadWeeksAsync(PseudonymOf(host.Pseudonymizer, Cpr(6))));
        Assert.Equal(new DateTimeOffset(2019, 5, 1, 3, 0, 0, TimeSpan.Zero), result.Cursor);
    }

    /// <summary>
    /// docs/fuzzing.md, O1: the cursor is where the next pull starts asking, so only items that were taken may move it. A
    /// rejected item changed in 2099 used to take it to 2099, and every later pull asked only for changes since then: the
    /// register's real changes were never fetched again.
    /// </summary>
    [Theory]
    [InlineData("2099-W14", "2099-04-08T02:00:00Z", "in the future (latest allowed")] // rejected for its week
    [InlineData("2019-W14", "2099-04-08T02:00:00Z", "changedAt 2099-04-08T02:00:00Z is in the future")] // rejected for its changedAt
    [InlineData("2019-W14", "0:0Z", "'changedAt' must be an ISO 8601 instant")] // a time of day without a date
    public async Task Given_a_page_with_an_item_rejected_with_a_later_changedAt_when_pulled_then_the_cursor_moves_only_to_the_items_taken_and_the_next_pull_asks_from_there(
        string week, string changedAt, string reason)
    {
        await using var host = await HostAsync();
        ServeReferrals();
        _register.Given(WeeksRequest()).RespondWith(Json($$"""
            { "items": [
              { "cpr": "{{Cpr(1)}}", "week": "2019-W14", "code": "130", "changedAt": "2019-05-01T02:00:00Z" },
              { "cpr": "{{Cpr(2)}}", "week": "2019-W14", "code": "130", "changedAt": "2019-04-30T02:00:00Z" },
              { "cpr": "{{Cpr(3)}}", "week": "{{week}}", "code": "130", "changedAt": "{{changedAt}}" }
            ], "nextPageToken": null }
            """));
        var pull = host.Get<RegisterPull>();

        var first = await pull.PullAsync(Today);

        var page = Assert.Single(first.WeekPages);
        Assert.Equal((2, 1), (page.NewWeeks, page.RowsRejected));
        Assert.Contains(reason, Assert.Single(page.Rejections).Reason, StringComparison.Ordinal);
        var latestTaken = new DateTimeOffset(2019, 5, 1, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal(latestTaken, first.Cursor);
        Assert.Equal(latestTaken, await host.Get<PullCursor>().ReadAsync());

        // The next night the register has a new change; it is asked for from the cursor, and stored.
        _register.Reset();
        ServeReferrals();
        _register.Given(WeeksRequest().WithParam("changedSince", "2019-05-01T02:00:00Z")).RespondWith(Json(Page(PageItems(4), null)));

        var next = await pull.PullAsync(Today);

        Assert.Equal(3, Assert.Single(next.WeekPages).NewWeeks);
        Assert.Equal(MaxOf(4), next.Cursor);
    }

    [Fact]
    public async Task Given_a_page_that_is_not_json_when_pulled_then_the_run_fails_and_nothing_of_that_page_is_committed()
    {
        await using var host = await HostAsync();
        ServeReferrals();
        _register.Given(WeeksRequest()).RespondWith(Json("<html>maintenance</html>"));

        var failure = await Assert.ThrowsAsync<RegisterApiException>(() => host.Get<RegisterPull>().PullAsync(Today));

        Assert.Contains("not valid JSON", failure.Message);
        Assert.Null(await host.Get<PullCursor>().ReadAsync());
        Assert.Empty(await StoredWeeksAsync(host));
    }

    [Fact]
    public async Task Given_Entra_authentication_when_pulled_then_each_request_carries_the_bearer_token_for_the_configured_scope()
    {
        var credential = new RecordingCredential();
        await using var host = await HostAsync(
            s => { s["Register__AuthMode"] = "Entra"; s["Register__Scope"] = "api://register/.default"; },
            services => services.AddSingleton<TokenCredential>(credential));
        _register.Given(Request.Create().WithPath(Referrals).WithHeader("Authorization", "Bearer token-1"))
            .RespondWith(Json("""{ "items": [] }"""));
        _register.Given(Request.Create().WithPath(Weeks).WithHeader("Authorization", "Bearer token-1"))
            .RespondWith(Json("""{ "items": [], "nextPageToken": null }"""));

        await host.Get<RegisterPull>().PullAsync(Today);

        Assert.Equal(["api://register/.default"], credential.Scopes.Distinct());
        Assert.Equal(1, credential.Calls); // cached for the second request
    }

    private int[] WeeksStatuses() =>
        _register.LogEntries.Where(e => e.RequestMessage.Path == Weeks).Select(e => Convert.ToInt32(e.ResponseMessage.StatusCode, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private sealed class RecordingCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];
        public int Calls { get; private set; }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Calls++;
            Scopes.AddRange(requestContext.Scopes);
            return ValueTask.FromResult(new AccessToken($"token-{Calls}", DateTimeOffset.UtcNow.AddHours(1)));
        }
    }
}

internal static class IngestionResultTestExtensions
{
    public static int RejectionsCount(this Impact60.Application.Ingestion.IngestionResult r) => r.Rejections.Count;
}
