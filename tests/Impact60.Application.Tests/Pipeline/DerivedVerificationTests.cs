using Impact60.Application.Configuration;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Settlement;
using static Impact60.Application.Tests.Settlement.SettlementScenario;

namespace Impact60.Application.Tests.Pipeline;

/// <summary>
/// Issue #4: "Verification state is derived, never accumulated: entitlements are recomputed from stored weeks, so a night
/// that is skipped, repeated or run late changes nothing but the timing." The same register deliveries are replayed over
/// July 2019 night by night through the real nightly run and VerifyParticipant, once regularly and once with nights
/// skipped, repeated or late; the stored entitlements (every field but the date they were computed as of) are compared
/// at checkpoints after each disturbance has been caught up, and the July settlement made at the end must be the same
/// in every sequence, byte for byte. The month holds the moments that matter: a delivery on Saturday 13 July, the first
/// periods of A and B closing on Sunday 14 July (W20 final), B's data gap appearing on Sunday 21 July (W21 final).
/// </summary>
[Collection("Azurite")]
public sealed class DerivedVerificationTests(AzuriteFixture azurite)
{
    private static readonly DateOnly First = new(2019, 7, 1);
    private static readonly DateOnly Last = JulyRun; // 2019-08-01
    private static readonly DateOnly[] Checkpoints = [new(2019, 7, 14), new(2019, 7, 16), new(2019, 7, 23), Last];

    /// <summary>What a disturbed sequence does on a night instead of running it once.</summary>
    private enum Night { Regular, Skipped, Twice, Late }

    private sealed record Outcome(Dictionary<DateOnly, List<string>> Entitlements, List<string> Settled);

    private async Task<Outcome> RunAsync(Func<DateOnly, Night> night)
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        var atCheckpoint = new Dictionary<DateOnly, List<string>>();
        List<string>? late = null;
        for (var day = First; day <= Last; day = day.AddDays(1))
        {
            if (day == First)
            {
                await host.IngestAsync("referrals.csv", Referrals, day);
                await host.IngestAsync("weeks-2019-07-01.csv", WeeksFile((1, 8, 24, ""), (2, 8, 20, ""), (3, 2, 24, "")), day);
            }
            if (day == new DateOnly(2019, 7, 13))
                await host.IngestAsync("weeks-2019-07-13.csv", WeeksFile((1, 25, 27, ""), (3, 25, 27, "")), day);

            switch (night(day))
            {
                case Night.Regular:
                    await host.NightAsync(day);
                    break;
                case Night.Twice:
                    await host.NightAsync(day);
                    await host.NightAsync(day);
                    break;
                case Night.Skipped:
                    // The timer never fired; messages queued by the day's delivery stay on the queue for the next night.
                    break;
                case Night.Late:
                    // The night's verifications arrive after the next night's: hold them back.
                    await host.Get<Impact60.Application.Pipeline.NightlyRun>().RunAsync(day, CancellationToken.None);
                    late = await host.TakeAsync(StorageNames.Queues.Verify);
                    continue;
            }
            if (late is not null)
            {
                await host.HandleAsync(late);
                late = null;
            }
            if (Checkpoints.Contains(day)) atCheckpoint[day] = await EntitlementsAsync(host);
        }
        await host.Settlement.SettleAsync("2019-07", JulyRun, CancellationToken.None);
        await host.DrainNoticesAsync();
        return new Outcome(atCheckpoint, await host.SnapshotAsync());
    }

    private static async Task<List<string>> EntitlementsAsync(PipelineTestHost host) =>
        (await host.SnapshotAsync(withEntitlementDates: false)).Where(l => l.StartsWith("Entitlements", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Given_the_regular_nights_of_July_when_nights_are_skipped_repeated_or_run_late_then_the_stored_entitlements_and_the_settlement_are_the_same()
    {
        var regular = await RunAsync(_ => Night.Regular);
        // The checkpoints see real changes: A's and B's first periods verified on the 14th, B's gap on the 21st.
        Assert.NotEqual(regular.Entitlements[new DateOnly(2019, 7, 14)], regular.Entitlements[new DateOnly(2019, 7, 23)]);
        Assert.Contains(regular.Settled, l => l.StartsWith("Ledger IMPACT60 settlement|2019-07", StringComparison.Ordinal) && l.Contains("InvoiceTotal=31044.00", StringComparison.Ordinal));

        var skipped = await RunAsync(d => d.Day is 13 or 14 or 15 or 21 or 22 ? Night.Skipped : Night.Regular);
        var twice = await RunAsync(d => d.Day is 13 or 14 or 21 || d == Last ? Night.Twice : Night.Regular);
        var late = await RunAsync(d => d.Day is 13 or 20 ? Night.Late : Night.Regular);

        var differences = new List<string>();
        void Compare(string variant, Outcome disturbed, IEnumerable<DateOnly> checkpoints)
        {
            foreach (var checkpoint in checkpoints)
                if (!regular.Entitlements[checkpoint].SequenceEqual(disturbed.Entitlements[checkpoint]))
                    differences.Add($"{variant}: stored entitlements differ after the night of {checkpoint:yyyy-MM-dd}:\n  "
                        + string.Join("\n  ", disturbed.Entitlements[checkpoint].Except(regular.Entitlements[checkpoint])));
            if (!regular.Settled.SequenceEqual(disturbed.Settled))
                differences.Add($"{variant}: the July settlement differs:\n  " + string.Join("\n  ", disturbed.Settled.Except(regular.Settled)));
        }
        Compare("skipped", skipped, Checkpoints.Where(c => c.Day != 14)); // the 14th itself was skipped
        Compare("twice", twice, Checkpoints);
        Compare("late", late, Checkpoints);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }
}
