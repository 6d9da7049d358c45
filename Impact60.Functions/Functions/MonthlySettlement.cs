using Impact60.Application.Settlement;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Impact60.Functions.Functions;

/// <summary>
/// On the 1st of each month (app setting <c>SettlementSchedule</c>, default <c>0 0 6 1 * *</c>): settles the previous
/// calendar month as of the run date. Settling a month again returns its existing documents, so a retry is harmless.
/// A participant whose entitlement cannot be computed does not fail the run: it is left out, and logged as an error.
/// </summary>
public sealed class MonthlySettlement(SettlementService settlement, TimeProvider clock, ILogger<MonthlySettlement> logger)
{
    [Function(nameof(MonthlySettlement))]
    [FixedDelayRetry(3, "00:15:00")]
    public async Task Run([TimerTrigger("%SettlementSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var today = RunDate.Today(clock);
        var period = today.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var outcome = await settlement.SettleAsync(period, today, cancellationToken);
        logger.LogInformation("Settlement {Period} as of {AsOf}: {Documents} (already issued: {Already})",
            period, today, string.Join(", ", outcome.Record.DocumentNumbers.DefaultIfEmpty("no documents")), outcome.AlreadyIssued);
        // The others are settled; these wait for their data to be corrected (each was logged with its reason when planned).
        if (outcome.NotSettled.Count > 0)
            logger.LogError("Settlement {Period}: {Count} participant(s) not settled because their entitlement could not be computed: {ReferralIds}",
                period, outcome.NotSettled.Count, string.Join(", ", outcome.NotSettled.Select(n => n.ReferralId)));
    }
}
