namespace Impact60.Infra.Tests.Support;

/// <summary>
/// infra/main.bicep built and linted once for all tests in the "main.bicep" collection (a build takes seconds).
/// </summary>
public sealed class CompiledMainTemplate
{
    public CompiledMainTemplate()
    {
        MainBicep = Repository.PathOf("infra", "main.bicep");
        Build = Bicep.Build(MainBicep);
        Lint = Bicep.Lint(MainBicep);
        Template = Build.ExitCode == 0 ? ArmTemplate.Parse(Build.StandardOutput) : null;
    }

    public string MainBicep { get; }

    public BicepResult Build { get; }

    public BicepResult Lint { get; }

    private ArmTemplate? Template { get; }

    /// <summary>The compiled template; fails the calling test with the compiler's output when the build failed.</summary>
    public ArmTemplate Arm => Template ?? throw new Xunit.Sdk.XunitException($"bicep build failed:{Environment.NewLine}{Build.AllOutput}");
}

[CollectionDefinition(Name)]
public sealed class MainTemplateCollection : ICollectionFixture<CompiledMainTemplate>
{
    public const string Name = "infra/main.bicep";
}
