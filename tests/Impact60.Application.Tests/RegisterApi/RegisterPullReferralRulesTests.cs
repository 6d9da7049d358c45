using System.Text.Json;
using Impact60.Application.RegisterApi;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.RegisterApi;

/// <summary>
/// The register API's referrals go through the same rules as a referrals file: one person is one referral, a FOKUS
/// reference names one referral, an identifier is never personal data. Real WireMock register, real Azurite.
/// </summary>
[Collection("Azurite")]
public sealed class RegisterPullReferralRulesTests(AzuriteFixture azurite) : IDisposable
{
    private const string Weeks = "/v1/programmes/IMPACT60/weeks";
    private const string Referrals = "/v1/programmes/IMPACT60/referrals";
    private static readonly DateOnly Today = new(2019, 6, 3);
    private readonly WireMockServer _register = WireMockServer.Start();

    public void Dispose() => _register.Stop();

    private static object Item(string id, int person, string fokusRef) =>
        new { referralId = id, cpr = Cpr(person), referredOn = "2018-09-27", courseStart = "2018-10-01", courseEnd = (string?)null, fokusRef, business = "KaffeFair" };

    private void Serve(params object[] referrals)
    {
        _register.Reset();
        _register.Given(Request.Create().WithPath(Referrals).UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(new { items = referrals })));
        _register.Given(Request.Create().WithPath(Weeks).UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{ "items": [], "nextPageToken": null }"""));
    }

    [Fact]
    public async Task Given_a_referred_person_when_a_later_pull_brings_them_under_a_new_referral_id_then_the_new_id_is_rejected_naming_both_ids()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, _register.Urls[0]);
        var pull = host.Get<RegisterPull>();
        Serve(Item("JC-1", 1, "F-001"));
        await pull.PullAsync(Today);

        Serve(Item("JC-1", 1, "F-001"), Item("JC-9", 1, "F-009"));
        var result = await pull.PullAsync(Today);

        Assert.Equal((0, 1), (result.Referrals.NewReferrals, result.Referrals.RowsRejected));
        var rejection = Assert.Single(result.Referrals.Rejections);
        Assert.Equal(2, rejection.Line);
        Assert.StartsWith("referral JC-9 is new, but the same person is already referred under referral JC-1", rejection.Reason);
        Assert.Equal(["JC-1"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
    }

    [Fact]
    public async Task Given_one_page_that_refers_a_person_twice_or_repeats_an_id_or_a_fokus_ref_when_pulled_then_the_first_is_kept_and_the_later_rejected()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, _register.Urls[0]);
        Serve(Item("JC-1", 1, "F-001"), Item("JC-2", 1, "F-002"), Item("JC-1", 3, "F-003"), Item("JC-4", 4, "F-001"), Item("JC-5", 5, "F-005"));

        var result = await host.Get<RegisterPull>().PullAsync(Today);

        Assert.Equal([2, 3, 4], result.Referrals.Rejections.Select(r => r.Line));
        Assert.StartsWith("referral JC-2 is new, but the same person is already referred under referral JC-1", result.Referrals.Rejections[0].Reason);
        Assert.Equal("referral_id 'JC-1' already appears at item 1; the first is kept", result.Referrals.Rejections[1].Reason);
        Assert.StartsWith("fokus_ref 'F-001' is already held by referral JC-1", result.Referrals.Rejections[2].Reason);
        Assert.Equal(["JC-1", "JC-5"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
        Assert.Equal(PseudonymOf(host.Pseudonymizer, Cpr(1)), (await host.Participants.ReadReferralAsync("JC-1"))!.Person);
    }

    [Fact]
    public async Task Given_an_api_referral_whose_id_fokus_ref_or_business_holds_a_cpr_when_pulled_then_it_is_rejected_and_the_cpr_is_stored_nowhere()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, _register.Urls[0]);
        Serve(Item(Cpr(7), 1, "F-001"), Item("JC-2", 2, $"F-{Cpr(8)}"),
            new { referralId = "JC-3", cpr = Cpr(3), referredOn = "2018-09-27", courseStart = "2018-10-01", courseEnd = (string?)null, fokusRef = "F-003", business = Cpr(9) },
            Item("JC-4", 4, ""), Item("JC-5", 5, "F-005"));

        var result = await host.Get<RegisterPull>().PullAsync(Today);

        Assert.Equal([1, 2, 3, 4], result.Referrals.Rejections.Select(r => r.Line));
        Assert.Equal(["JC-5"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
        Assert.Empty(await PrivacyScan.FindCprsAsync(host.Clients, [Cpr(7), Cpr(8), Cpr(9)], host.LogLines));
    }
}
