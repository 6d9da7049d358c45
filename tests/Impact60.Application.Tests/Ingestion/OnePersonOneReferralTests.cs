using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Register;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Ingestion;

/// <summary>
/// One person is one referral in a programme, and a FOKUS reference names one referral, across deliveries: a later
/// delivery that brings an already referred person under a new referral id, moves a referral to a person another referral
/// holds, or reuses another referral's fokus_ref is rejected row by row, naming both referral ids and never the CPR.
/// (Within one file the reader already rejects such rows; these are the cases only the store can see.)
/// </summary>
[Collection("Azurite")]
public sealed class OnePersonOneReferralTests(AzuriteFixture azurite)
{
    private static readonly DateOnly Today = new(2019, 6, 3);

    private static string Line(string id, int person, string fokusRef = "F-100") =>
        $"{id};{Cpr(person)};2018-09-27;2018-10-01;2019-03-29;{fokusRef};KaffeFair";

    [Fact]
    public async Task Given_a_referred_person_when_a_later_delivery_brings_them_under_a_new_referral_id_then_the_new_id_is_rejected_naming_both_ids_and_nothing_new_is_stored()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, Line("JC-1", 1, "F-001")), "referrals-1.csv", Today);

        // The later delivery does not repeat JC-1, so the file reader, which compares rows within a file, cannot see it.
        var result = await host.Ingestion.IngestReferralsFileAsync(
            Csv(ReferralHeader, Line("JC-2", 2, "F-002"), Line("JC-9", 1, "F-009")), "referrals-2.csv", Today);

        Assert.Equal((1, 0, 0, 1), (result.NewReferrals, result.ChangedReferrals, result.Unchanged, result.RowsRejected));
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal(3, rejection.Line);
        Assert.Equal("referral JC-9 is new, but the same person is already referred under referral JC-1: one person is one referral " +
                     "in the programme, so JC-9 is not taken (the contract does not allow re-referral)", rejection.Reason);
        Assert.False(PrivacyScan.ContainsAny(rejection.Reason + rejection.MaskedRawLine, [Cpr(1)]));
        Assert.Equal([PseudonymOf(host.Pseudonymizer, Cpr(2))], result.ChangedParticipants);
        Assert.Equal(["JC-1", "JC-2"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
        var report = await host.Get<QuarantineReports>().ReadAsync(result.QuarantineBlobName!);
        Assert.Contains("referral JC-9 is new, but the same person is already referred under referral JC-1", report);
    }

    [Fact]
    public async Task Given_two_referrals_when_a_revision_moves_one_to_the_person_the_other_holds_then_the_change_is_rejected_and_the_stored_referral_stays()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, Line("JC-1", 1, "F-001"), Line("JC-2", 2, "F-002")), "referrals-1.csv", Today);
        var before = await host.Participants.ReadReferralsAsync();

        var result = await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, Line("JC-2", 1, "F-002")), "referrals-2.csv", Today);

        var rejection = Assert.Single(result.Rejections);
        Assert.Equal(2, rejection.Line);
        Assert.Equal("referral JC-2 would change to a person already referred under referral JC-1: one person is one referral " +
                     "in the programme, so the change is not taken and JC-2 stays as stored", rejection.Reason);
        Assert.Equal((0, 0), (result.NewReferrals, result.ChangedReferrals));
        Assert.Equal(before, await host.Participants.ReadReferralsAsync());
    }

    [Fact]
    public async Task Given_two_referrals_whose_cprs_were_swapped_when_a_delivery_corrects_both_then_both_changes_are_taken()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, Line("JC-1", 1, "F-001"), Line("JC-2", 2, "F-002")), "referrals-1.csv", Today);

        var result = await host.Ingestion.IngestReferralsFileAsync(
            Csv(ReferralHeader, Line("JC-1", 2, "F-001"), Line("JC-2", 1, "F-002")), "referrals-2.csv", Today);

        Assert.Equal((0, 2, 0), (result.NewReferrals, result.ChangedReferrals, result.RowsRejected));
        var stored = await host.Participants.ReadReferralsAsync();
        Assert.Equal([PseudonymOf(host.Pseudonymizer, Cpr(2)), PseudonymOf(host.Pseudonymizer, Cpr(1))], stored.Select(r => r.Person));
    }

    [Fact]
    public async Task Given_a_stored_fokus_ref_when_a_new_or_changed_referral_brings_it_under_another_id_then_the_row_is_rejected_naming_the_holder()
    {
        await using var host = await StorageTestHost.StartAsync(azurite);
        await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, Line("JC-1", 1, "F-001"), Line("JC-2", 2, "F-002")), "referrals-1.csv", Today);

        // (Two deliveries: within one file a repeated fokus_ref is already the reader's rejection.)
        var changed = await host.Ingestion.IngestReferralsFileAsync(
            Csv(ReferralHeader, Line("JC-2", 2, "F-001"), Line("JC-4", 4, "F-004")), "referrals-2.csv", Today);
        var added = await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, Line("JC-3", 3, "F-001")), "referrals-3.csv", Today);

        Assert.Equal(
            [(2, "fokus_ref 'F-001' is already held by referral JC-1: a FOKUS reference names one referral, so the change of JC-2 is not taken"),
             (2, "fokus_ref 'F-001' is already held by referral JC-1: a FOKUS reference names one referral, so JC-3 is not taken")],
            changed.Rejections.Concat(added.Rejections).Select(r => (r.Line, r.Reason)));
        Assert.Equal((1, 0, 0), (changed.NewReferrals, changed.ChangedReferrals, added.NewReferrals));
        Assert.Equal(["F-001", "F-002", "F-004"], (await host.Participants.ReadReferralsAsync()).Select(r => r.FokusRef));
    }

    [Fact]
    public async Task Given_the_contract_allows_re_referral_when_a_referred_person_comes_under_a_new_id_then_it_is_taken()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, ingestion: o => o.AllowReReferral = true);
        await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, Line("JC-1", 1, "F-001")), "referrals-1.csv", Today);

        var result = await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, Line("JC-9", 1, "F-009")), "referrals-2.csv", Today);

        Assert.Equal((1, 0), (result.NewReferrals, result.RowsRejected));
        Assert.Equal(["JC-1", "JC-9"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
    }

    [Fact]
    public async Task Given_the_referral_cap_when_a_re_referral_is_rejected_then_it_does_not_use_a_place_under_the_cap()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, referralCap: 2);
        await host.Ingestion.IngestReferralsFileAsync(Csv(ReferralHeader, Line("JC-1", 1, "F-001")), "referrals-1.csv", Today);

        var result = await host.Ingestion.IngestReferralsFileAsync(
            Csv(ReferralHeader, Line("JC-9", 1, "F-009"), Line("JC-2", 2, "F-002")), "referrals-2.csv", Today);

        Assert.Equal([2], result.Rejections.Select(r => r.Line));
        Assert.Equal(["JC-1", "JC-2"], (await host.Participants.ReadReferralsAsync()).Select(r => r.ReferralId));
    }

    [Fact]
    public void The_default_does_not_allow_re_referral() =>
        Assert.False(new Impact60.Application.Ingestion.IngestionOptions().AllowReReferral);
}
