using System.Text;
using Impact60.Application.Ingestion;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Settlement;
using static Impact60.Application.Tests.Settlement.SettlementScenario;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>
/// The consequence that matters: a citizen delivered twice under two referral ids is one participant, and the settlement
/// invoices their weeks once. The whole pipeline's composition with the shipped contract (SettlementScenario: three
/// participants, July invoice 3 × 13 × 796).
/// </summary>
[Collection("Azurite")]
public sealed class ReReferralSettlementTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Given_a_referral_delivered_again_under_a_second_id_when_the_month_is_settled_then_one_participant_is_stored_and_their_weeks_are_invoiced_once()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        await LoadAsync(host);
        // A later referrals delivery brings participant A (JC-2018-0001) again, as JC-2018-0101 with another FOKUS reference.
        var again = SettlementScenarioReferral("JC-2018-0101", 1, "F-101");
        await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(again)))
        {
            var result = await host.Get<RegisterIngestion>().IngestReferralsFileAsync(stream, "referrals-2019-08.csv", new DateOnly(2019, 7, 31));
            Assert.Equal((0, 1), (result.NewReferrals, result.RowsRejected));
            await host.Get<Application.Pipeline.NightlyRun>().VerifyChangedAsync(result.ChangedParticipants, new DateOnly(2019, 7, 31), CancellationToken.None);
        }
        await host.DrainVerifyAsync();

        var july = await host.Settlement.SettleAsync("2019-07", JulyRun, CancellationToken.None);

        Assert.Equal(["JC-2018-0001", "JC-2018-0002", "JC-2018-0003"], (await host.Get<ParticipantStore>().ReadReferralsAsync()).Select(r => r.ReferralId));
        Assert.Equal(3 * 13 * FullWeek, july.Record.InvoiceTotal);
        Assert.Equal(3, july.Plan.InvoiceLines.Select(l => l.ReferralId).Distinct().Count());
    }

    private static string SettlementScenarioReferral(string id, int participant, string fokusRef) =>
        Storage.SampleRegister.ReferralHeader + "\n" + $"{id};{Cpr(participant)};2018-09-27;2018-10-01;2019-02-15;{fokusRef};KaffeFair\n";
}
