using Impact60.Cli.Demo;
using Spectre.Console;

namespace Impact60.Application.Tests.Cli;

/// <summary>
/// The demo's progress (issue #4: "Long runs show progress"): a live Spectre.Console display on a terminal, plain
/// lines — one per settlement, none per night — when the output is redirected.
/// </summary>
public sealed class DemoProgressTests
{
    private static readonly DateOnly Start = new(2018, 10, 1);
    private static readonly DateOnly Until = new(2018, 11, 1);

    private static async Task ReplayAsync(DemoProgress progress)
    {
        for (var day = Start; day <= Until; day = day.AddDays(1))
        {
            if (day == Until)
            {
                await progress.LineAsync("2018-11-01 settled 2018-10: -, -");
                progress.Settled();
            }
            progress.Night(day);
        }
    }

    [Fact]
    public async Task Given_redirected_output_when_the_demo_reports_its_nights_and_a_settlement_then_only_the_settlement_line_is_printed_plainly()
    {
        var output = new StringWriter();

        await DemoProgress.RunAsync(live: null, output, Start, Until, ReplayAsync);

        Assert.Equal("2018-11-01 settled 2018-10: -, -\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Given_a_terminal_when_the_demo_reports_its_nights_and_a_settlement_then_a_live_display_shows_both_tasks_to_completion_with_the_line_above()
    {
        var terminal = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(terminal),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
        });
        console.Profile.Width = 120;

        await DemoProgress.RunAsync(console, new StringWriter(), Start, Until, ReplayAsync);

        var shown = terminal.ToString();
        Assert.Contains('\u001b', shown); // drawn and redrawn in place: a live display, not lines
        Assert.Contains("2018-11-01 settled 2018-10: -, -", shown);
        Assert.Contains("Nights (at 2018-11-01)", shown);
        Assert.Contains("Settlements", shown);
        Assert.Contains("100%", shown);
    }
}
