using System.Text.Json.Nodes;

namespace Impact60.Infra.Tests.Support;

/// <summary>
/// infra/main.bicep built and linted once for all tests in the "main.bicep" collection (a build takes seconds), and
/// read in each deployment mode: public networking (the default) and private networking (<c>vnetEnabled</c>).
/// In both, the optional principals (operator, inbox uploader) are named, so their role assignments are deployed.
/// </summary>
public sealed class CompiledMainTemplate
{
    /// <summary>The modes a policy test runs in: vnetEnabled false (the default) and true.</summary>
    public static TheoryData<bool> NetworkModes => new(false, true);

    private readonly Dictionary<bool, ArmTemplate> _modes = [];

    public CompiledMainTemplate()
    {
        MainBicep = Repository.PathOf("infra", "main.bicep");
        Build = Bicep.Build(MainBicep);
        Lint = Bicep.Lint(MainBicep);
        if (Build.ExitCode == 0)
        {
            foreach (var vnetEnabled in new[] { false, true })
            {
                _modes[vnetEnabled] = ArmTemplate.Parse(Build.StandardOutput, ModeParameters(vnetEnabled));
            }
        }
    }

    public string MainBicep { get; }

    public BicepResult Build { get; }

    public BicepResult Lint { get; }

    /// <summary>The compiled template in the default mode; fails the calling test with the compiler's output when the build failed.</summary>
    public ArmTemplate Arm => In(vnetEnabled: false);

    /// <summary>The compiled template as deployed with <c>vnetEnabled</c> set as given.</summary>
    public ArmTemplate In(bool vnetEnabled) =>
        _modes.TryGetValue(vnetEnabled, out var template)
            ? template
            : throw new Xunit.Sdk.XunitException($"bicep build failed:{Environment.NewLine}{Build.AllOutput}");

    private static Dictionary<string, JsonNode?> ModeParameters(bool vnetEnabled) => new()
    {
        ["vnetEnabled"] = JsonValue.Create(vnetEnabled),
        ["operatorPrincipalId"] = JsonValue.Create("00000000-0000-0000-0000-0000000000a1"),
        ["inboxUploaderPrincipalId"] = JsonValue.Create("00000000-0000-0000-0000-0000000000b1"),
    };
}

[CollectionDefinition(Name)]
public sealed class MainTemplateCollection : ICollectionFixture<CompiledMainTemplate>
{
    public const string Name = "infra/main.bicep";
}
