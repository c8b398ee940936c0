using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Core.Webhooks;

/// <summary>Registers webhook verification.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>Timeout of one JWKS fetch, retries included (enforced by the resilience handler).</summary>
    public static readonly TimeSpan JwksRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Binds <see cref="WebhookOptions"/> from the <c>Webhooks</c> section (validated at start-up), registers
    /// <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered, the named JWKS
    /// <see cref="HttpClient"/> (<see cref="JwksKeyProvider.HttpClientName"/>) and <see cref="IWebhookVerifier"/>
    /// → <see cref="GeminiWebhookVerifier"/> as a singleton.
    /// </summary>
    public static IServiceCollection AddGeminiWebhookVerification(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient(JwksKeyProvider.HttpClientName, client =>
            {
                client.MaxResponseContentBufferSize = 1024 * 1024;
                client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
            })
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.TotalRequestTimeout.Timeout = JwksRequestTimeout;
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(4);
                resilience.Retry.MaxRetryAttempts = 1;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(250);
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
            });

        services.TryAddSingleton<JwksKeyProvider>();
        services.TryAddSingleton<StandardWebhookVerifier>();
        services.TryAddSingleton<JwksWebhookVerifier>();
        services.TryAddSingleton<GeminiWebhookVerifier>();
        services.TryAddSingleton<IWebhookVerifier>(sp => sp.GetRequiredService<GeminiWebhookVerifier>());
        return services;
    }
}
