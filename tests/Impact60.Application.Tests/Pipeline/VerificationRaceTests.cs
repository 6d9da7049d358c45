using Azure.Core;
using Azure.Core.Pipeline;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Settlement;
using Impact60.Application.Verification;
using static Impact60.Application.Tests.Settlement.SettlementScenario;

namespace Impact60.Application.Tests.Pipeline;

/// <summary>
/// Two verifications of one participant at once, as of different dates — a delivery's message still queued from
/// Saturday and Tuesday night's review message end up in one batch of the queue trigger, which runs them in parallel.
/// Whatever the interleaving, the later date's result must be the one stored (a result is never replaced by one
/// computed for an earlier run date).
/// </summary>
[Collection("Azurite")]
public sealed class VerificationRaceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Given_the_earlier_dated_verification_writes_last_when_both_run_at_once_then_the_later_dated_result_stays_stored()
    {
        var order = new WriteOrder(first: "later", second: "earlier");
        await using var host = await PipelineTestHost.StartAsync(azurite, order);
        await host.IngestAsync("referrals.csv", Referrals, new DateOnly(2019, 7, 1));
        await host.IngestAsync("weeks.csv", Weeks, new DateOnly(2019, 7, 31));
        await host.TakeAsync(Impact60.Application.Configuration.StorageNames.Queues.Verify); // not these: the two below
        var verification = host.Get<VerificationService>();

        async Task Verify(string run, DateOnly asOf)
        {
            WriteOrder.Run.Value = run;
            await verification.VerifyAsync("JC-2018-0001", asOf, CancellationToken.None);
        }
        // As of 13 July A's first period is still open; as of 16 July (W20 final on the 14th) it is verified.
        await Task.WhenAll(Task.Run(() => Verify("earlier", new DateOnly(2019, 7, 13))), Task.Run(() => Verify("later", new DateOnly(2019, 7, 16))));

        Assert.True(order.Interleaved, "the earlier-dated verification did not write after the later-dated one");
        var stored = (await host.Get<EntitlementStore>().ReadAllAsync(CancellationToken.None)).Single(e => e.ReferralId == "JC-2018-0001");
        Assert.Equal(new DateOnly(2019, 7, 16), stored.AsOf);
        Assert.Equal("Verified", stored.Periods[0].Status);
        Assert.Equal(13 * FullWeek, stored.Amount);
    }
}

/// <summary>
/// Lets both named runs (<see cref="Run"/>) read freely, holds the <paramref name="second"/> run's first write until the
/// <paramref name="first"/> run's first write has completed — and the first run's write waits until the second has
/// read, so both decided from the same stored row.
/// </summary>
internal sealed class WriteOrder(string first, string second) : HttpPipelinePolicy
{
    public static readonly AsyncLocal<string?> Run = new();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _secondRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstWrote = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _firstWrites, _secondWrites;

    public bool Interleaved { get; private set; }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var run = Run.Value;
        var isWrite = message.Request.Method != RequestMethod.Get && message.Request.Method != RequestMethod.Head;
        var isEntitlement = message.Request.Uri.Path.Contains("/Entitlements", StringComparison.Ordinal);
        if (run == second && isEntitlement && !isWrite)
        {
            await ProcessNextAsync(message, pipeline);
            _secondRead.TrySetResult();
            return;
        }
        if (run == first && isEntitlement && isWrite && Interlocked.Increment(ref _firstWrites) == 1)
        {
            await _secondRead.Task.WaitAsync(Patience);
            try { await ProcessNextAsync(message, pipeline); }
            finally { _firstWrote.TrySetResult(); }
            return;
        }
        if (run == second && isEntitlement && isWrite && Interlocked.Increment(ref _secondWrites) == 1)
        {
            await _firstWrote.Task.WaitAsync(Patience);
            Interleaved = true;
        }
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNext(message, pipeline);
}
