using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Microsoft.Extensions.Logging;
using MimeKit;
using static Impact60.Application.Tests.Settlement.SettlementScenario;

namespace Impact60.Application.Tests.Settlement;

/// <summary>
/// One participant's bad data never stops the settlement of the others: a participant whose entitlement cannot be
/// computed (here a course_end of 9999-12-31, a register's "open-ended" value, stored before the readers refused it) is
/// reported — operator log, FOKUS notice, the plan — and left out of the settlement altogether; the rest are settled.
/// </summary>
[Collection("Azurite")]
public sealed class SettlementIsolationTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateOnly OpenEnded = new(9999, 12, 31);
    private const string Reason = "course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31";

    /// <summary>Writes a referral straight into the store, past the readers (as data stored before they refused it would be).</summary>
    private static async Task StoreDirectlyAsync(PipelineTestHost host, Referral referral) =>
        await host.Get<ParticipantStore>().WriteReferralsAsync([referral], "stored-directly", PipelineTestHost.Now, None);

    private static async Task<Referral> StoredReferralAsync(PipelineTestHost host, string referralId) =>
        (await host.Get<ParticipantStore>().ReadReferralAsync(referralId, None))!;

    [Fact]
    public async Task Given_a_referral_with_course_end_9999_12_31_beside_three_good_ones_when_July_is_settled_then_the_three_are_invoiced_and_the_fourth_is_reported_everywhere_and_left_out()
    {
        // Given July's three participants, and JC-2018-0004 stored directly with course_end 9999-12-31
        await using var host = await PipelineTestHost.StartAsync(azurite);
        await LoadAsync(host);
        var fourth = new Referral("JC-2018-0004", Pseudonym.Parse(new string('d', 64)), new DateOnly(2018, 9, 27), new DateOnly(2018, 10, 1),
            OpenEnded, "F-004", "KaffeFair");
        await StoreDirectlyAsync(host, fourth);

        // when July is settled
        var july = await host.Settlement.SettleAsync("2019-07", JulyRun, None);
        await host.DrainNoticesAsync();

        // then the three are invoiced as without the fourth
        Assert.Equal(("I60F-000001", 3 * 13 * FullWeek, (string?)null), (july.Record.InvoiceNumber, july.Record.InvoiceTotal, july.Record.CreditNoteNumber));
        Assert.DoesNotContain(july.Plan.InvoiceLines, l => l.ReferralId == "JC-2018-0004");

        // and the plan keeps the fourth, with its FOKUS reference and the reason, counted as referred
        Assert.Equal([new SnapshotNotSettled("JC-2018-0004", "F-004", Reason)], july.NotSettled);
        Assert.Equal(4, july.Plan.Snapshot.Referred);

        // and the operator gets an error line naming it
        var error = Assert.Single(host.Logs, l => l.Level == LogLevel.Error);
        Assert.Equal($"Settlement 2019-07: JC-2018-0004 (F-004) is not settled: the computation failed: {Reason}; what is owed will be settled once the data is corrected",
            error.Message);

        // and FOKUS's notice names it
        var fokus = MimeMessage.Load(Path.Combine(host.PickupFolder, "impact60-2019-07-fokus.eml"));
        Assert.Contains($"- JC-2018-0004 (F-004): beregningen mislykkedes: {Reason}; det skyldige beløb afregnes, når data er rettet", fokus.TextBody);

        // and a rerun returns the same documents and the same list
        var again = await host.Settlement.SettleAsync("2019-07", JulyRun, None);
        Assert.True(again.AlreadyIssued);
        Assert.Equal(july.Record.PlanSha256, again.Record.PlanSha256);
        Assert.Equal(july.NotSettled, again.NotSettled);
    }

    [Fact]
    public async Task Given_an_invoiced_participant_whose_data_later_cannot_be_computed_when_August_is_settled_then_nothing_of_theirs_is_credited_and_once_corrected_nothing_is_paid_twice()
    {
        // Given July invoiced for A, B and C (13 weeks each)
        await using var host = await PipelineTestHost.StartAsync(azurite);
        await LoadAsync(host);
        await host.Settlement.SettleAsync("2019-07", JulyRun, None);
        var invoicedBefore = (await host.Ledger.ReadInvoicedAsync(None)).Where(g => g.Key.StartsWith("JC-2018-0001|", StringComparison.Ordinal)).ToList();

        // and then A's referral stored with course_end 9999-12-31, and the revision of B
        var a = await StoredReferralAsync(host, "JC-2018-0001");
        await StoreDirectlyAsync(host, a with { CourseEnd = OpenEnded });
        await host.IngestAsync("weeks-2019-08-revision.csv", Revision, RevisionDay);

        // when August is settled
        var august = await host.Settlement.SettleAsync("2019-08", AugustRun, None);

        // then C's second period is invoiced and B's revision credited, as without A — and A is not credited at all
        Assert.Equal((13 * FullWeek, 5 * FullWeek), (august.Record.InvoiceTotal, august.Record.CreditTotal));
        Assert.DoesNotContain(august.Plan.CreditLines.Concat(august.Plan.InvoiceLines), l => l.ReferralId == "JC-2018-0001");
        Assert.Equal(["JC-2018-0001"], august.NotSettled.Select(n => n.ReferralId));
        // and A's invoiced grains are as July left them
        var invoicedAfter = (await host.Ledger.ReadInvoicedAsync(None)).Where(g => g.Key.StartsWith("JC-2018-0001|", StringComparison.Ordinal)).ToList();
        Assert.Equal(invoicedBefore.Select(g => (g.Key, g.Value.Weeks, g.Value.Amount)), invoicedAfter.Select(g => (g.Key, g.Value.Weeks, g.Value.Amount)));

        // when A's data is corrected and September settled
        await StoreDirectlyAsync(host, a);
        var september = await host.Settlement.SettleAsync("2019-09", new DateOnly(2019, 10, 1), None);

        // then A is settled again, and nothing is due for A: what was invoiced in July still stands
        Assert.Empty(september.NotSettled);
        Assert.True(september.Plan.IsEmpty, string.Join("; ", september.Plan.InvoiceLines.Concat(september.Plan.CreditLines).Select(l => l.GrainKey)));
    }
}
