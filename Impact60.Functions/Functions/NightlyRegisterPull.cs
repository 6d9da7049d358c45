using Impact60.Application.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Impact60.Functions.Functions;

/// <summary>
/// Every night (app setting <c>NightlySchedule</c>, default <c>0 0 1 * * *</c> = 01:00 UTC, 02:00 Danish winter time):
/// pull the register and queue verification for the participants that can have changed. A failure is retried
/// (FixedDelayRetry) rather than skipping a night; the alert "no successful nightly run in 26 hours" watches this name.
/// </summary>
public sealed class NightlyRegisterPull(NightlyRun nightly, TimeProvider clock, ILogger<NightlyRegisterPull> logger)
{
    [Function(nameof(NightlyRegisterPull))]
    [FixedDelayRetry(5, "00:10:00")]
    public async Task Run([TimerTrigger("%NightlySchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await nightly.RunAsync(RunDate.Today(clock), cancellationToken);
        logger.LogInformation("Nightly run {AsOf} done: {Enqueued} participants queued for verification (late: {IsPastDue})",
            result.AsOf, result.Enqueued, timer.IsPastDue);
    }
}
