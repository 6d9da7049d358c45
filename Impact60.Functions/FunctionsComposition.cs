using Impact60.Application.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
}
