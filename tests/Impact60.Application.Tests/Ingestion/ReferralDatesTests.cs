using System.Text.Json;
using Impact60.Application.RegisterApi;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>
/// A course_end of 9999-12-31 (a register's "open-ended" placeholder) once stopped every later settlement. The readers'
/// date rules — the accepted range and the course-end horizon counted from the delivery's date — apply to a referrals
/// file and to the register API alike: the row is rejected with its line, the other referrals are stored.
/// </summary>
[Collection("Azurite")]
public sealed class ReferralDatesTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateOnly Today = new(2019, 6, 3);
    private readonly WireMockServer _register = WireMockServer.Start();

    public void Dispose() => _register.Stop();

    [Theory]
    [InlineData("9999-12-31", "course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31")]
    [InlineData("2021-06-03", "course_end 2021-06-03 is more than 52 weeks after the delivery date 2019-06-03")]
    public async Task Given_a_referrals_file_with_an_implausible_course_end_when_ingested_then_that_row_is_rejected_and_the_others_are_stored(string courseEnd, string reason)
    {
        await using var host = await StorageTestHost.StartAsync(azurite);

        var result = await host.Ingestion.IngestReferralsFileAsync(Csv(
            ReferralHeader, ReferralLine(1),
            $"JC-2018-0002;{Cpr(2)};2018-09-27;2018-10-01;{courseEnd};F-002;KaffeFair",
            ReferralLine(3)), "referrals.csv", Today);

        var rejection = Assert.Single(result.Rejections);
        Assert.Equal(3, rejection.Line);
        Assert.StartsWith(reason, rejection.Reason);
        Assert.Equal(["JC-2018-0001", "JC-2018-0003"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
    }

    [Fact]
    public async Task Given_the_register_api_with_an_open_ended_course_end_and_a_week_of_year_1989_when_pulled_then_both_items_are_rejected_and_the_rest_stored()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, _register.Urls[0]);
        object Item(string id, int person, string? courseEnd) =>
            new { referralId = id, cpr = Cpr(person), referredOn = "2018-09-27", courseStart = "2018-10-01", courseEnd, fokusRef = $"F-{person:000}", business = "KaffeFair" };
        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/referrals").UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(JsonSerializer.Serialize(new { items = new[] { Item("JC-1", 1, "2019-03-29"), Item("JC-2", 2, "9999-12-31") } })));
        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/weeks").UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody($$"""
                { "items": [
                  { "cpr": "{{Cpr(1)}}", "week": "2019-W14", "code": "", "changedAt": "2019-05-01T02:00:00Z" },
                  { "cpr": "{{Cpr(1)}}", "week": "1989-W02", "code": "", "changedAt": "2019-05-01T02:00:00Z" } ],
                  "nextPageToken": null }
                """));

        var result = await host.Get<RegisterPull>().PullAsync(Today);

        Assert.StartsWith("item 2: course_end 9999-12-31 is outside the accepted range", Assert.Single(result.Referrals.Rejections).Reason);
        Assert.Equal(["JC-1"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
        var weekRejection = Assert.Single(result.WeekPages.SelectMany(p => p.Rejections));
        Assert.Contains("week 1989-W02 is outside the accepted range 1990-W01 to 2100-W52", weekRejection.Reason);
        Assert.Equal(["2019-W14"], (await host.Participants.ReadWeeksAsync(PseudonymOf(host.Pseudonymizer, Cpr(1)))).Select(w => w.Week.ToString()));
    }
}
