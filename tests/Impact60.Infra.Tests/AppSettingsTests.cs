using System.Reflection;
using Impact60.Application.Configuration;
using Impact60.Infra.Tests.Support;

namespace Impact60.Infra.Tests;

/// <summary>The Function App's settings in Bicep and the names the code reads (AppSettingNames) cannot drift.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class AppSettingsTests(CompiledMainTemplate main)
{
    // Read only by the platform, never by our code.
    private static readonly string[] PlatformSettings = ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];

    private static readonly FieldInfo[] SettingFields = typeof(AppSettingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .ToArray();

    private static IEnumerable<string> Names(Func<FieldInfo, bool> include) =>
        SettingFields.Where(include).Select(f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void Every_setting_the_code_reads_in_Azure_is_deployed()
    {
        var deployed = TemplateChecks.AppSettings(main.Arm).Keys.ToHashSet();

        var missing = Names(f => f.GetCustomAttribute<LocalOnlyAttribute>() is null).Where(n => !deployed.Contains(n));

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_deployed_setting_is_one_the_code_reads_or_the_platform_reads()
    {
        var known = Names(f => f.GetCustomAttribute<LocalOnlyAttribute>() is null).Concat(PlatformSettings).ToHashSet();

        var unknown = TemplateChecks.AppSettings(main.Arm).Keys.Where(n => !known.Contains(n));

        Assert.Empty(unknown);
    }

    [Fact]
    public void Local_only_settings_such_as_connection_strings_are_not_deployed()
    {
        var localOnly = Names(f => f.GetCustomAttribute<LocalOnlyAttribute>() is not null).ToList();
        var deployed = TemplateChecks.AppSettings(main.Arm);

        Assert.Equal(
            new[] { AppSettingNames.Storage, AppSettingNames.NoticesPickupFolder, AppSettingNames.ServiceBusConnectionString }.Order(),
            localOnly.Order());
        Assert.All(localOnly, n => Assert.False(deployed.ContainsKey(n), $"{n} is local-only but deployed"));
    }

    [Theory]
    [InlineData("NightlySchedule", "0 0 1 * * *")]
    [InlineData("SettlementSchedule", "0 0 6 1 * *")]
    [InlineData("Contract__Path", "contracts/impact60.contract.json")]
    [InlineData("Notices__Language", "da")]
    [InlineData("Register__AuthMode", "Entra")]
    [InlineData("SendGrid__Host", "https://api.sendgrid.com")]
    [InlineData("AzureWebJobsStorage__credential", "managedidentity")]
    [InlineData("ServiceBusConnection__credential", "managedidentity")]
    public void Given_no_parameter_overrides_then_the_setting_has_its_default(string setting, string expected)
    {
        var (template, config) = main.Arm.ResourcesOfType("Microsoft.Web/sites/config").Single();

        Assert.Equal(expected, template.ResolveString(config["properties"]![setting]));
    }

    [Fact]
    public void The_identity_settings_all_name_the_same_user_assigned_identity()
    {
        var settings = TemplateChecks.AppSettings(main.Arm);

        Assert.All(
            new[] { "AzureWebJobsStorage__clientId", "ServiceBusConnection__clientId", "AZURE_CLIENT_ID" },
            s => Assert.Equal("[parameters('identityClientId')]", settings[s]!.GetValue<string>()));
    }
}
