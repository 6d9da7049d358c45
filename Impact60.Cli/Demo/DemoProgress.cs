using Spectre.Console;

namespace Impact60.Cli.Demo;

/// <summary>
/// How the demo shows where it is in its timeline. On a terminal: a live Spectre.Console progress display (nights and
/// settlements, with the current night and the time left), the settlement lines printed above it. Redirected (a log
/// file, CI, a test capturing stdout): plain lines, one per settlement and per quarantined delivery, nothing per
/// night — about forty lines for the whole demo, never an escape code.
/// </summary>
public abstract class DemoProgress
{
    public abstract Task LineAsync(string line);

    /// <summary>One night of the timeline is done.</summary>
    public abstract void Night(DateOnly day);

    /// <summary>One month is settled.</summary>
    public abstract void Settled();

    /// <param name="live">A terminal for the live display, or null for plain lines on <paramref name="plain"/>.</param>
    public static async Task RunAsync(IAnsiConsole? live, TextWriter plain, DateOnly start, DateOnly until, Func<DemoProgress, Task> run)
    {
        if (live is null)
        {
            await run(new Plain(plain));
            return;
        }
        var nights = until.DayNumber - start.DayNumber + 1;
        var months = (until.Year - start.Year) * 12 + until.Month - start.Month;
        await live.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var progress = new Live(live,
                    context.AddTask($"Nights (at {start:yyyy-MM-dd})", maxValue: nights),
                    context.AddTask("Settlements", maxValue: Math.Max(months, 1)));
                await run(progress);
                progress.Finish();
            });
    }

    private sealed class Plain(TextWriter stdout) : DemoProgress
    {
        public override Task LineAsync(string line) => stdout.WriteLineAsync(line);
        public override void Night(DateOnly day) { }
        public override void Settled() { }
    }

    private sealed class Live(IAnsiConsole console, ProgressTask nights, ProgressTask settlements) : DemoProgress
    {
        public override Task LineAsync(string line)
        {
            // Written through the same console, so Spectre prints it above the live display instead of through it.
            console.WriteLine(line);
            return Task.CompletedTask;
        }

        public override void Night(DateOnly day)
        {
            nights.Description = $"Nights (at {day:yyyy-MM-dd})";
            nights.Increment(1);
        }

        public override void Settled() => settlements.Increment(1);

        public void Finish()
        {
            nights.Value = nights.MaxValue;
            settlements.Value = settlements.MaxValue;
        }
    }
}
