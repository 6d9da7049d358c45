using Impact60.Application.Pipeline;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Impact60.Functions;

/// <summary>The Functions app's composition root: the shared pipeline plus the clock. Tests build the same container.</summary>
public static class FunctionsComposition
{
    public static IServiceCollection AddImpact60Functions(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddImpact60Pipeline(configuration);
        return services;
    }

    /// <summary>
    /// The worker host exactly as Program.cs runs it. <paramref name="configure"/> lets a test add configuration after the
    /// host's own sources (environment variables, command line), where the Functions host's app settings would be;
    /// Program.cs passes none. One method for both, so the tested host cannot drift from the deployed one.
    /// </summary>
    public static IHost BuildHost(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        configure?.Invoke(builder.Configuration);
        builder.Services.AddImpact60Functions(builder.Configuration);
        return builder.Build();
    }
}
