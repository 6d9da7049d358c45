using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Impact60.Functions.Functions;

/// <summary>Placeholder: pulls the register every night (wired in the pipeline issue).</summary>
public sealed class NightlyRegisterPull(ILogger<NightlyRegisterPull> logger)
{
    [Function(nameof(NightlyRegisterPull))]
    [FixedDelayRetry(5, "00:10:00")]
    public Task Run([TimerTrigger("%NightlySchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        logger.LogInformation("Nightly register pull triggered; next run {Next}", timer.ScheduleStatus?.Next);
        return Task.CompletedTask;
    }
}
