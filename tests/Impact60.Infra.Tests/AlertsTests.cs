using System.Text.Json.Nodes;
using Impact60.Application.Configuration;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>The alerts a person must see, all to the action group whose e-mail is a parameter.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class AlertsTests(CompiledMainTemplate main)
{
    [Fact]
    public void The_action_group_mails_the_address_given_as_a_parameter()
    {
        var (template, group) = main.Arm.ResourcesOfType("Microsoft.Insights/actionGroups").Single();
        var receiver = Assert.Single(group["properties"]!["emailReceivers"]!.AsArray())!;

        Assert.Equal("[parameters('alertEmail')]", receiver["emailAddress"]!.GetValue<string>());
        Assert.Equal("[parameters('alertEmail')]", template.ModuleCall!["properties"]!["parameters"]!["alertEmail"]!["value"]!.GetValue<string>());
        Assert.Equal("string", main.Arm.Parameters["alertEmail"]!["type"]!.GetValue<string>());
        Assert.Null(main.Arm.Parameters["alertEmail"]!["defaultValue"]);
    }

    [Fact]
    public void A_message_put_on_any_poison_queue_raises_an_alert()
    {
        var rule = Rule("-poison-queue");
        var query = Query(rule);

        Assert.Contains("StorageQueueLogs", query, StringComparison.Ordinal);
        Assert.Contains("\"PutMessage\"", query, StringComparison.Ordinal);
        Assert.Contains("endswith \"-poison\"", query, StringComparison.Ordinal);
        Assert.Equal("GreaterThan", Criterion(rule)["operator"]!.GetValue<string>());
        Assert.Equal(0, Criterion(rule)["threshold"]!.GetValue<int>());
        Assert.Equal("[parameters('workspaceId')]", Assert.Single(rule["properties"]!["scopes"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public void The_queue_write_logs_the_poison_alert_reads_are_sent_to_the_workspace()
    {
        // Diagnostic settings are per service: the queue service's is the one the poison alert reads.
        var (_, diagnostics) = main.Arm.ResourcesOfType("Microsoft.Insights/diagnosticSettings")
            .Single(d => d.Resource["scope"]!.GetValue<string>().StartsWith("[resourceId('Microsoft.Storage/storageAccounts/queueServices'", StringComparison.Ordinal));

        Assert.Equal("[parameters('workspaceId')]", diagnostics["properties"]!["workspaceId"]!.GetValue<string>());
        var log = Assert.Single(diagnostics["properties"]!["logs"]!.AsArray())!;
        Assert.Equal("StorageWrite", log["category"]!.GetValue<string>());
        Assert.True(log["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void A_failed_function_invocation_raises_an_alert()
    {
        var rule = Rule("-function-failures");

        Assert.Contains("requests", Query(rule), StringComparison.Ordinal);
        Assert.Contains("success == false", Query(rule), StringComparison.Ordinal);
        Assert.Equal("GreaterThan", Criterion(rule)["operator"]!.GetValue<string>());
        Assert.Equal(0, Criterion(rule)["threshold"]!.GetValue<int>());
    }

    [Fact]
    public void No_successful_nightly_run_in_26_hours_raises_an_alert()
    {
        var (template, rule) = RuleWithTemplate("-nightly-missing");
        var query = Query(rule);

        Assert.Contains("ago(26h)", query, StringComparison.Ordinal);
        Assert.Contains("success == true", query, StringComparison.Ordinal);
        Assert.Contains("parameters('nightlyFunctionName')", query, StringComparison.Ordinal);
        // The name the Functions host reports for the timer on the nightly schedule, as the SDK wrote it into
        // functions.metadata: renaming the function without the alert fails here, not silently in Azure.
        Assert.Equal(FunctionsMetadata.TimerFunctionScheduledBy(AppSettingNames.NightlySchedule), template.ResolveString(JsonValue.Create("[parameters('nightlyFunctionName')]")));
        // Fires on a count of zero, i.e. also when the run did not happen at all.
        Assert.Equal("Count", Criterion(rule)["timeAggregation"]!.GetValue<string>());
        Assert.Equal("LessThan", Criterion(rule)["operator"]!.GetValue<string>());
        Assert.Equal(1, Criterion(rule)["threshold"]!.GetValue<int>());
        // The evaluated window must cover the 26 hours the query looks back.
        Assert.Equal("P2D", rule["properties"]!["windowSize"]!.GetValue<string>());
    }

    [Fact]
    public void An_inbox_event_Event_Grid_dead_lettered_raises_an_alert()
    {
        var (template, alert) = main.Arm.ResourcesOfType("Microsoft.Insights/metricAlerts").Single();
        var criterion = Assert.Single(alert["properties"]!["criteria"]!["allOf"]!.AsArray())!;

        Assert.Equal("Microsoft.EventGrid/systemTopics", criterion["metricNamespace"]!.GetValue<string>());
        Assert.Equal("DeadLetteredCount", criterion["metricName"]!.GetValue<string>());
        Assert.Equal("GreaterThan", criterion["operator"]!.GetValue<string>());
        Assert.Equal(0, criterion["threshold"]!.GetValue<int>());
        Assert.Equal("[parameters('inboxTopicId')]", Assert.Single(alert["properties"]!["scopes"]!.AsArray())!.GetValue<string>());
        Assert.Contains("eventgrid-topic", template.ModuleCall!["properties"]!["parameters"]!["inboxTopicId"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_notifies_the_action_group()
    {
        var rules = main.Arm.ResourcesOfType("Microsoft.Insights/scheduledQueryRules").ToList();
        var metricAlerts = main.Arm.ResourcesOfType("Microsoft.Insights/metricAlerts").ToList();

        Assert.Equal(3, rules.Count);
        Assert.All(rules, r =>
        {
            var group = Assert.Single(r.Resource["properties"]!["actions"]!["actionGroups"]!.AsArray())!;
            Assert.StartsWith("[resourceId('Microsoft.Insights/actionGroups'", group.GetValue<string>(), StringComparison.Ordinal);
            Assert.True(r.Resource["properties"]!["enabled"]!.GetValue<bool>());
        });
        Assert.Single(metricAlerts);
        Assert.All(metricAlerts, a =>
        {
            var action = Assert.Single(a.Resource["properties"]!["actions"]!.AsArray())!;
            Assert.StartsWith("[resourceId('Microsoft.Insights/actionGroups'", action["actionGroupId"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.True(a.Resource["properties"]!["enabled"]!.GetValue<bool>());
        });
    }

    private JsonNode Rule(string suffix) => RuleWithTemplate(suffix).Rule;

    private (ArmTemplate Template, JsonNode Rule) RuleWithTemplate(string suffix) =>
        main.Arm.ResourcesOfType("Microsoft.Insights/scheduledQueryRules")
            .Single(x => x.Resource["name"]!.GetValue<string>().Contains(suffix, StringComparison.Ordinal));

    private static JsonNode Criterion(JsonNode rule) => Assert.Single(rule["properties"]!["criteria"]!["allOf"]!.AsArray())!;

    private static string Query(JsonNode rule) => Criterion(rule)["query"]!.GetValue<string>();
}
