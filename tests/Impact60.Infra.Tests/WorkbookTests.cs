using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Impact60.Application.Configuration;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>
/// The operations workbook: deployed, linked to Application Insights, and with one query per section that reads
/// the table and the log lines the app really writes. Each query quotes the log templates it reads at its top;
/// a quoted template the code no longer logs, or a filter that no longer matches one, fails here rather than
/// leaving an empty section in Azure.
/// </summary>
[Collection(MainTemplateCollection.Name)]
public sealed partial class WorkbookTests(CompiledMainTemplate main)
{
    public static TheoryData<string, string, string[]> Sections => new()
    {
        { "nightly-runs", "requests", ["NightlyRun", "RegisterPull"] },
        { "verification-failures", "requests", ["QueueFailures", "VerificationService"] },
        { "poison-messages", "StorageQueueLogs", [] },
        { "poison-reasons", "traces", ["QueueFailures"] },
        { "settlements", "traces", ["SettlementService"] },
        { "notices", "traces", ["SendNotice", "QueueFailures"] },
        { "register-freshness", "traces", ["RegisterPull", "RegisterInboxIngest"] },
    };

    [Theory]
    [MemberData(nameof(CompiledMainTemplate.NetworkModes), MemberType = typeof(CompiledMainTemplate))]
    public void The_workbook_is_shared_and_linked_to_the_Application_Insights_component(bool vnetEnabled)
    {
        var (template, workbook) = main.In(vnetEnabled).ResourcesOfType("Microsoft.Insights/workbooks").Single();
        var properties = workbook["properties"]!;

        Assert.Equal("shared", workbook["kind"]!.GetValue<string>());
        Assert.Equal("Impact60 operations", template.ResolveString(properties["displayName"]));
        Assert.Equal("[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]", properties["sourceId"]!.GetValue<string>());
        // The component monitoring.bicep creates: the same name goes to both modules.
        var monitoring = main.Arm.Modules.Single(m => m.ModuleName == "monitoring");
        Assert.Equal(monitoring.ModuleCall!["properties"]!["parameters"]!["applicationInsightsName"]!["value"]!.GetValue<string>(),
            template.ModuleCall!["properties"]!["parameters"]!["applicationInsightsName"]!["value"]!.GetValue<string>());
        Assert.Equal("Notebook/1.0", Content(vnetEnabled)["version"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Each_section_queries_its_table_and_quotes_the_log_templates_the_code_writes(string section, string table, string[] loggedBy)
    {
        var query = Query(section);

        Assert.Matches($@"(?m)^{table}\b|\b{table}\s*\|", query);
        var templates = QuotedTemplates(query);
        if (loggedBy.Length > 0)
        {
            Assert.NotEmpty(templates);
        }

        var source = AppSource.Value;
        Assert.All(templates, t => Assert.True(source.Any(file => file.Text.Contains($"\"{t}\"", StringComparison.Ordinal)),
            $"The workbook's {section} query reads the log template \"{t}\", which no logger call in Impact60.Application or Impact60.Functions writes any more."));
        foreach (var writer in loggedBy)
        {
            Assert.Contains(source, file => Path.GetFileNameWithoutExtension(file.Path) == writer && templates.Any(t => file.Text.Contains($"\"{t}\"", StringComparison.Ordinal)));
        }
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Each_message_filter_of_a_section_matches_the_start_of_a_template_it_quotes(string section, string table, string[] loggedBy)
    {
        _ = table;
        _ = loggedBy;
        var query = Query(section);
        var templates = QuotedTemplates(query);

        foreach (Match filter in StartsWithFilter().Matches(query))
        {
            var prefix = filter.Groups["prefix"].Value;
            Assert.True(templates.Any(t => t.StartsWith(prefix, StringComparison.Ordinal)),
                $"{section}: message startswith \"{prefix}\" matches none of the quoted templates: {string.Join(" | ", templates)}");
        }
    }

    [Fact]
    public void The_functions_the_queries_name_are_functions_of_the_app()
    {
        var named = Sections.Select(row => (string)row[0]).SelectMany(section => FunctionName().Matches(Query(section)).Select(m => m.Groups["name"].Value)).Distinct().ToList();

        Assert.Equal(["NightlyRegisterPull", "SendNotice", "VerifyParticipant"], named.Order());
        Assert.All(named, name => Assert.Contains(name, FunctionsMetadata.FunctionNames));
        // The nightly section reads the same function the missing-nightly-run alert watches.
        Assert.Contains($"name == \"{FunctionsMetadata.TimerFunctionScheduledBy(AppSettingNames.NightlySchedule)}\"", Query("nightly-runs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Poison_messages_are_counted_in_the_workspace_the_queue_write_log_goes_to_and_the_rest_in_Application_Insights()
    {
        var items = Content(false)["items"]!.AsArray();
        var poison = items.Single(i => i!["name"]!.GetValue<string>() == "poison-messages")!["content"]!;

        Assert.Equal("microsoft.operationalinsights/workspaces", poison["resourceType"]!.GetValue<string>());
        Assert.Equal("[resourceId('Microsoft.OperationalInsights/workspaces', parameters('logAnalyticsName'))]", Assert.Single(poison["crossComponentResources"]!.AsArray())!.GetValue<string>());
        Assert.All(items.Where(i => i!["type"]!.GetValue<int>() == 3 && i["name"]!.GetValue<string>() != "poison-messages"), i =>
        {
            Assert.Equal("microsoft.insights/components", i!["content"]!["resourceType"]!.GetValue<string>());
            Assert.Equal("[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]", Assert.Single(i["content"]!["crossComponentResources"]!.AsArray())!.GetValue<string>());
        });
    }

    [Fact]
    public void Given_a_template_the_code_does_not_log_then_the_check_names_it()
    {
        // The drift check above is not vacuous: a made-up template is found in no source file.
        var templates = QuotedTemplates("""
            // Reads: "Night {AsOf}: {Changed} participants were changed"
            traces
            """);

        Assert.Equal(["Night {AsOf}: {Changed} participants were changed"], templates);
        Assert.DoesNotContain(AppSource.Value, file => file.Text.Contains($"\"{templates[0]}\"", StringComparison.Ordinal));
    }

    private static readonly Lazy<List<(string Path, string Text)>> AppSource = new(() =>
        new[] { "Impact60.Application", "Impact60.Functions" }
            .SelectMany(project => Directory.EnumerateFiles(Repository.PathOf(project), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (f, File.ReadAllText(f)))
            .ToList());

    private JsonObject Content(bool vnetEnabled)
    {
        var (template, workbook) = main.In(vnetEnabled).ResourcesOfType("Microsoft.Insights/workbooks").Single();
        var serialized = template.ResolveString(workbook["properties"]!["serializedData"]);
        Assert.NotNull(serialized);
        return JsonNode.Parse(serialized)!.AsObject();
    }

    private string Query(string section)
    {
        var item = Content(false)["items"]!.AsArray().SingleOrDefault(i => i!["name"]!.GetValue<string>() == section);
        Assert.True(item is not null, $"The workbook has no section '{section}'.");
        Assert.Equal(3, item["type"]!.GetValue<int>()); // a query item
        return item["content"]!["query"]!.GetValue<string>();
    }

    /// <summary>The log templates a query quotes in its comment lines: "..." holding at least one {Placeholder}.</summary>
    private static List<string> QuotedTemplates(string query) =>
        query.Split('\n').Where(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .SelectMany(l => QuotedTemplate().Matches(l).Select(m => m.Groups["template"].Value))
            .ToList();

    [GeneratedRegex("\"(?<template>[^\"]*\\{[A-Za-z]+(:[a-z]+)?\\}[^\"]*)\"")]
    private static partial Regex QuotedTemplate();

    [GeneratedRegex("message startswith \"(?<prefix>[^\"]+)\"")]
    private static partial Regex StartsWithFilter();

    [GeneratedRegex("name == \"(?<name>\\w+)\"")]
    private static partial Regex FunctionName();
}
