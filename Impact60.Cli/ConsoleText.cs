using Impact60.Domain.Primitives;
using Impact60.Domain.Text;
using Spectre.Console;

namespace Impact60.Cli;

/// <summary>
/// Every value from input data that the CLI prints goes through here: CPR-shaped runs masked, control characters and
/// bidi overrides shown as escapes (an ESC from a register file never reaches the terminal), and — for Spectre
/// widgets that read markup, such as table cells — square brackets escaped, so <c>JC-[bold]0001[/]</c> is shown as
/// written instead of rendering as a different id, and <c>JC [0018]</c> does not break the table.
/// </summary>
public static class ConsoleText
{
    /// <summary>For plain text output (<c>TextWriter.WriteLine</c>, <c>IAnsiConsole.WriteLine</c>).</summary>
    public static string Plain(string? value) => SafeText.Show(Cpr.MaskAll(value ?? ""));

    /// <summary>For Spectre markup contexts (table cells, titles, <c>MarkupLine</c>).</summary>
    public static string Markup(string? value) => Spectre.Console.Markup.Escape(Plain(value));
}
