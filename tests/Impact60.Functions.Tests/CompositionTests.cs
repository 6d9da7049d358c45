using Impact60.Application.Configuration;
using Impact60.Application.Storage;
using Impact60.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Impact60.Functions.Tests;

/// <summary>
/// The container as Program.cs builds it (<see cref="FunctionsComposition.BuildHost"/>, which Program.cs calls too): every function can be
/// created, and a missing or bad setting stops start-up with a message naming it, not the first night at 01:00.
/// </summary>
public sealed class CompositionTests : IDisposable
{
    // Never contacted: these tests only build the container. Port 1 so nothing is reached by accident.
    private static readonly string Storage = AzuriteLauncher.BuildConnectionString(1, 1, 1);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("impact60-functests-");

    public void Dispose() => _folder.Delete(recursive: true);

    private Dictionary<string, string?> ValidSettings() => TestSettings.AppSettings(Storage, Path.Combine(_folder.FullName, "pickup"));

    /// <summary>The host Program.cs runs (the same method), with the app settings given here instead of the environment.</summary>
    private static IHost BuildLikeProgram(Dictionary<string, string?> appSettings) =>
        FunctionsComposition.BuildHost([], c => c.AddInMemoryCollection(TestSettings.AsWorkerConfiguration(appSettings)));

    [Fact]
    public void Given_the_app_settings_when_the_worker_creates_each_function_then_every_function_class_gets_its_dependencies()
    {
        using var host = BuildLikeProgram(ValidSettings());
        ValidateOnStart(host);

        Assert.Equal(5, TestSettings.FunctionClasses.Count);
        using var scope = host.Services.CreateScope(); // the worker activates functions per invocation, from a scope
        Assert.All(TestSettings.FunctionClasses, type =>
            Assert.IsType(type, ActivatorUtilities.CreateInstance(scope.ServiceProvider, type)));
    }

    /// <summary>
    /// The start-up check: Host.StartAsync runs the ValidateOnStart validators through <see cref="IStartupValidator"/>
    /// before any hosted service starts. (StartAsync itself cannot run here: it first creates the worker's gRPC channel,
    /// which needs the endpoint of a Functions host.)
    /// </summary>
    private static void ValidateOnStart(IHost host) => host.Services.GetRequiredService<IStartupValidator>().Validate();

    [Fact]
    public void Given_no_pseudonymisation_key_when_the_host_starts_then_it_fails_naming_the_setting()
    {
        var settings = ValidSettings();
        settings.Remove(AppSettingNames.PseudonymisationKey);
        using var host = BuildLikeProgram(settings);

        var failure = Assert.Throws<OptionsValidationException>(() => ValidateOnStart(host));

        Assert.Contains("Pseudonymisation__Key", failure.Message);
    }

    [Fact]
    public void Given_neither_a_SendGrid_key_nor_a_pickup_folder_when_the_host_starts_then_it_fails_naming_both_settings()
    {
        var settings = ValidSettings();
        settings.Remove(AppSettingNames.NoticesPickupFolder);
        using var host = BuildLikeProgram(settings);

        var failure = Assert.Throws<OptionsValidationException>(() => ValidateOnStart(host));

        Assert.Contains("SendGrid__ApiKey", failure.Message);
        Assert.Contains("Notices__PickupFolder", failure.Message);
    }

    [Fact]
    public void Given_no_contract_path_when_the_app_is_composed_then_it_fails_naming_the_setting()
    {
        var settings = ValidSettings();
        settings.Remove(AppSettingNames.ContractPath);

        var failure = Assert.Throws<InvalidOperationException>(() => BuildLikeProgram(settings));

        Assert.Contains("Contract__Path", failure.Message);
    }

    [Fact]
    public void Given_a_contract_path_to_no_file_when_the_app_is_composed_then_it_fails_naming_the_setting_and_the_file()
    {
        var settings = ValidSettings();
        settings[AppSettingNames.ContractPath] = Path.Combine(_folder.FullName, "no-such-contract.json");

        var failure = Assert.Throws<InvalidOperationException>(() => BuildLikeProgram(settings));

        Assert.Contains("Contract__Path", failure.Message);
        Assert.Contains("no-such-contract.json", failure.Message);
    }

    [Fact]
    public void Given_an_invalid_contract_when_the_app_is_composed_then_it_fails_naming_the_setting_and_the_bad_property()
    {
        var contract = Path.Combine(_folder.FullName, "bad.contract.json");
        File.WriteAllText(contract, File.ReadAllText(TestSettings.ContractPath).Replace("\"referralCap\": 120", "\"referralCap\": \"many\"", StringComparison.Ordinal));
        Assert.NotEqual(File.ReadAllText(TestSettings.ContractPath), File.ReadAllText(contract)); // the edit took
        var settings = ValidSettings();
        settings[AppSettingNames.ContractPath] = contract;

        var failure = Assert.Throws<InvalidOperationException>(() => BuildLikeProgram(settings));

        Assert.Contains("Contract__Path", failure.Message);
        Assert.Contains("referralCap", failure.Message);
    }
}
