using System.Collections.Concurrent;
using System.Text.Json;
using Fluid;

namespace Impact60.Application.Notices;

/// <summary>A notice template that is missing or does not parse. Raised at start-up, naming the file.</summary>
public sealed class NoticeTemplateException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The parsed templates of one language. Fluid templates are immutable once parsed and safe to render concurrently.</summary>
internal sealed record NoticeTemplateSet(
    string Language,
    NamedTemplate FokusHtml,
    NamedTemplate FokusText,
    NamedTemplate FundsHtml,
    NamedTemplate FundsText,
    NamedTemplate JobcenterHtml,
    NamedTemplate JobcenterText,
    NamedTemplate FokusSubject,
    NamedTemplate FundsSubject,
    NamedTemplate JobcenterSubject);

/// <summary>A parsed template and the file it came from, so a render failure can name it.</summary>
internal sealed record NamedTemplate(string Name, IFluidTemplate Template);

/// <summary>
/// Loads the templates embedded in this assembly (<c>Notices/Templates/{language}/...</c>, so the Functions package and
/// the CLI both carry them) and parses each language once per process.
/// </summary>
internal static class NoticeTemplates
{
    private const string ResourcePrefix = "Impact60.Notices.Templates/";
    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, Lazy<NoticeTemplateSet>> Cache = new(StringComparer.Ordinal);

    public static NoticeTemplateSet For(string language) =>
        Cache.GetOrAdd(language, l => new Lazy<NoticeTemplateSet>(() => Load(l, ReadEmbedded))).Value;

    /// <summary>Parses a language's templates from <paramref name="read"/> (relative path → text, or null when missing).</summary>
    internal static NoticeTemplateSet Load(string language, Func<string, string?> read)
    {
        if (!NoticeOptions.Languages.Contains(language))
            throw new NoticeTemplateException($"Notice language '{language}' is not supported; use one of: {string.Join(", ", NoticeOptions.Languages)}.");

        NamedTemplate Template(string file) => ParseOne($"{language}/{file}", Required(read, $"{language}/{file}"));

        var subjectsFile = $"{language}/subjects.json";
        Dictionary<string, string>? subjects;
        try
        {
            subjects = JsonSerializer.Deserialize<Dictionary<string, string>>(Required(read, subjectsFile));
        }
        catch (JsonException e)
        {
            throw new NoticeTemplateException($"Notice template '{subjectsFile}' is not a JSON object of strings: {e.Message}", e);
        }
        NamedTemplate Subject(string kind) =>
            subjects is not null && subjects.TryGetValue(kind, out var s)
                ? ParseOne($"{subjectsFile} \"{kind}\"", s)
                : throw new NoticeTemplateException($"Notice template '{subjectsFile}' has no subject for \"{kind}\".");

        return new NoticeTemplateSet(
            language,
            Template("fokus.html.liquid"), Template("fokus.txt.liquid"),
            Template("funds.html.liquid"), Template("funds.txt.liquid"),
            Template("jobcenter.html.liquid"), Template("jobcenter.txt.liquid"),
            Subject("fokus"), Subject("funds"), Subject("jobcenter"));
    }

    private static string Required(Func<string, string?> read, string file) =>
        read(file) ?? throw new NoticeTemplateException($"Notice template '{file}' is missing (expected under Notices/Templates/).");

    private static NamedTemplate ParseOne(string name, string source) =>
        Parser.TryParse(source, out var template, out var error)
            ? new NamedTemplate(name, template)
            : throw new NoticeTemplateException($"Notice template '{name}' does not parse: {error}");

    private static string? ReadEmbedded(string relativePath)
    {
        var assembly = typeof(NoticeTemplates).Assembly;
        // %(RecursiveDir) is written with the build host's separator.
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + relativePath)
            ?? assembly.GetManifestResourceStream(ResourcePrefix + relativePath.Replace('/', '\\'));
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
