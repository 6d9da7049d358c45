using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Impact60.Infra.Tests.Support;

/// <summary>One binding of a function as the Functions host reads it from functions.metadata.</summary>
public sealed record FunctionBinding(
    string Function, string Type, string Direction, string? Connection, string? QueueName, IReadOnlyList<string> SettingReferences);

/// <summary>
/// The functions.metadata the Functions SDK generates from the [Function] and trigger attributes of Impact60.Functions
/// when it builds (this project references it, so the file is copied next to the test assembly). It is what the
/// Functions host reads in Azure: the function names, the <c>%Setting%</c> names it resolves (schedules) and the
/// connection of each binding.
/// </summary>
public static partial class FunctionsMetadata
{
    /// <summary>Connection a storage binding uses when its attribute names none, and the host's own storage.</summary>
    public const string HostStorageConnection = "AzureWebJobsStorage";

    private static readonly Lazy<JsonArray> Functions = new(Load);

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "functions.metadata");

    public static IReadOnlyList<string> FunctionNames =>
        Functions.Value.Select(f => f!["name"]!.GetValue<string>()).ToList();

    public static IReadOnlyList<FunctionBinding> Bindings =>
        Functions.Value.SelectMany(f => f!["bindings"]!.AsArray().Select(b => new FunctionBinding(
                f["name"]!.GetValue<string>(),
                b!["type"]!.GetValue<string>(),
                b["direction"]?.GetValue<string>() ?? "",
                b["connection"]?.GetValue<string>(),
                b["queueName"]?.GetValue<string>(),
                StringValues(b).SelectMany(v => SettingReference().Matches(v).Select(m => m.Groups["name"].Value)).ToList())))
            .ToList();

    /// <summary>Every <c>%Name%</c> the host resolves from app settings (schedules, queue names written as settings).</summary>
    public static IReadOnlySet<string> ReferencedSettings =>
        Bindings.SelectMany(b => b.SettingReferences).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The function whose timer trigger is scheduled by the app setting <paramref name="setting"/>.</summary>
    public static string TimerFunctionScheduledBy(string setting) =>
        Bindings.Single(b => b.Type == "timerTrigger" && b.SettingReferences.Contains(setting)).Function;

    private static JsonArray Load()
    {
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException(
                $"No functions.metadata at {Path}: the Functions SDK writes it when Impact60.Functions builds, and the " +
                "reference from this project copies it here. Build tests/Impact60.Infra.Tests.", Path);
        }

        var functions = JsonNode.Parse(File.ReadAllText(Path))!.AsArray();
        if (functions.Count == 0)
        {
            throw new InvalidOperationException($"{Path} lists no functions.");
        }

        return functions;
    }

    private static IEnumerable<string> StringValues(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => StringValues(p.Value)),
        JsonArray a => a.SelectMany(StringValues),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    [GeneratedRegex("%(?<name>[^%]+)%")]
    private static partial Regex SettingReference();
}
