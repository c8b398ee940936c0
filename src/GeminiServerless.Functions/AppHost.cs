using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;

namespace GeminiServerless.Functions;

/// <summary>Composition of the Functions worker: ASP.NET Core integration, telemetry and the app's services.</summary>
public static class AppHost
{
    public static FunctionsApplicationBuilder CreateBuilder(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        configure?.Invoke(builder.Configuration);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.ConfigureFunctionsApplicationInsights();
        builder.Services.AddGeminiServerless(builder.Configuration);
        return builder;
    }
}
