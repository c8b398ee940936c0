using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace GeminiServerless.Core.Gemini;

public static class GeminiServiceCollectionExtensions
{
    private static readonly ResiliencePropertyKey<TimeSpan?> _serverDelay = new("GeminiServerless.ServerDelay");

    /// <summary>
    /// Registers the typed Gemini clients: <see cref="GeminiClient"/> (files, models, batches, video operations;
    /// also as <see cref="IGeminiFiles"/>, <see cref="IGeminiBatches"/>, <see cref="IGeminiModels"/>,
    /// <see cref="IGeminiOperations"/>), <see cref="IGeminiInteractions"/> and <see cref="IGeminiWebhooks"/>.
    /// Each gets retries for idempotent calls only (408/429/500/502/503/504 and lost connections, honouring
    /// <c>Retry-After</c> / <c>RetryInfo</c>) and a per-attempt timeout; creates are never retried.
    /// </summary>
    public static IServiceCollection AddGeminiClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GeminiOptions>()
            .Bind(configuration.GetSection(GeminiOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp),
                "Gemini:BaseUrl must be an absolute http(s) URL.")
            .Validate(o => o.RetryBaseDelay >= TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay,
                "Gemini:RetryBaseDelay must be non-negative and not above Gemini:RetryMaxDelay.")
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero, "Gemini:AttemptTimeout must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        AddResilience(services.AddHttpClient<GeminiClient>(client => client.Timeout = Timeout.InfiniteTimeSpan));
        AddResilience(services.AddHttpClient<IGeminiInteractions, GeminiInteractionsClient>(client => client.Timeout = Timeout.InfiniteTimeSpan));
        AddResilience(services.AddHttpClient<IGeminiWebhooks, GeminiWebhooksClient>(client => client.Timeout = Timeout.InfiniteTimeSpan));
        services.AddTransient<IGeminiFiles>(sp => sp.GetRequiredService<GeminiClient>());
        services.AddTransient<IGeminiBatches>(sp => sp.GetRequiredService<GeminiClient>());
        services.AddTransient<IGeminiModels>(sp => sp.GetRequiredService<GeminiClient>());
        services.AddTransient<IGeminiOperations>(sp => sp.GetRequiredService<GeminiClient>());
        return services;
    }

    private static void AddResilience(IHttpClientBuilder builder) =>
        builder.AddResilienceHandler("gemini", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<GeminiOptions>>().Value;
            if (options.MaxRetryAttempts > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    MaxDelay = options.RetryMaxDelay,
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => ShouldRetryAsync(args.Context, args.Outcome, options.RetryMaxDelay),
                    DelayGenerator = args => ValueTask.FromResult(
                        args.Context.Properties.TryGetValue(_serverDelay, out var delay) ? delay : null),
                });
            }

            pipeline.AddTimeout(options.AttemptTimeout);
        });

    /// <summary>
    /// Retries idempotent calls only. A retryable answer's requested delay (<c>Retry-After</c>, else
    /// <c>RetryInfo.retryDelay</c>) is used as the wait; a request for longer than <paramref name="maxDelay"/> is not
    /// retried in-process, so the caller sees the error and its <see cref="GeminiApiException.RetryAfter"/>.
    /// </summary>
    private static async ValueTask<bool> ShouldRetryAsync(ResilienceContext context, Outcome<HttpResponseMessage> outcome, TimeSpan maxDelay)
    {
        context.Properties.Set(_serverDelay, null);
        var request = context.GetRequestMessage();
        if (request is null || !request.Options.TryGetValue(GeminiClient.Idempotent, out var idempotent) || !idempotent)
        {
            return false;
        }

        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException;
        }

        if (outcome.Result is not { } response || !GeminiErrors.IsRetryableStatus(response.StatusCode))
        {
            return false;
        }

        var requested = await RequestedDelayAsync(response, context.CancellationToken);
        if (requested > maxDelay)
        {
            return false;
        }

        context.Properties.Set(_serverDelay, requested);
        return true;
    }

    private static async Task<TimeSpan?> RequestedDelayAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (GeminiErrors.RetryAfterHeader(response.Headers) is { } header)
        {
            return header;
        }

        try
        {
            // Buffered, so the body can still be read into the error if this was the last attempt.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return GeminiErrors.Parse(response.StatusCode, body).RetryAfter;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
