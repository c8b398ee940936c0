using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace GeminiServerless.Core.Gemini;

public static class GeminiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GeminiClient"/> as a typed client with retries for idempotent calls only
    /// (408/429/5xx, honouring <c>Retry-After</c> / <c>RetryInfo</c>) and a per-attempt timeout.
    /// </summary>
    public static IServiceCollection AddGeminiClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GeminiOptions>()
            .Bind(configuration.GetSection(GeminiOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp),
                "Gemini:BaseUrl must be an absolute http(s) URL.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        services.AddHttpClient<GeminiClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("gemini", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<GeminiOptions>>().Value;
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 4,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromSeconds(1),
                    MaxDelay = TimeSpan.FromSeconds(60),
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Context, args.Outcome)),
                });
                pipeline.AddTimeout(options.AttemptTimeout);
            });
        services.AddTransient<IGeminiFiles>(sp => sp.GetRequiredService<GeminiClient>());
        services.AddTransient<IGeminiBatches>(sp => sp.GetRequiredService<GeminiClient>());
        services.AddTransient<IGeminiModels>(sp => sp.GetRequiredService<GeminiClient>());
        return services;
    }

    private static bool IsRetryable(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        var request = context.GetRequestMessage();
        if (request is null || !request.Options.TryGetValue(GeminiClient.Idempotent, out var idempotent) || !idempotent)
        {
            return false;
        }

        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException;
        }

        return outcome.Result?.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
    }
}
