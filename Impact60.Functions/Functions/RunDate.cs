namespace Impact60.Functions.Functions;

/// <summary>
/// The run date of a function: today's date in Denmark. Timer schedules are UTC (Flex Consumption on Linux has no
/// WEBSITE_TIME_ZONE), so the date is taken in Europe/Copenhagen explicitly — a night run at 23:30 UTC is tomorrow there.
/// </summary>
public static class RunDate
{
    private static readonly TimeZoneInfo Denmark = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    public static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Denmark).DateTime);
}
