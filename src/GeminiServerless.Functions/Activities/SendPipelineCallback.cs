using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using GeminiServerless.Core.Webhooks;
using GeminiServerless.Functions.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Activities;

/// <summary>Settings of the completion callback, bound from the <c>Callbacks</c> section.</summary>
public sealed class CallbackOptions
{
    public const string SectionName = "Callbacks";
    public const string HttpClientName = "callbacks";

    /// <summary>Standard Webhooks secret (<c>whsec_…</c>) that signs callbacks. Empty: callbacks are refused at start.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Allow <c>http://</c> callback URLs (local development only).</summary>
    public bool AllowHttp { get; set; }
}

/// <summary>
/// POSTs the finished pipeline's result to the caller's <c>callbackUrl</c>, signed like a Standard Webhook
/// (<c>webhook-id</c> = the pipeline id, stable across retries, so the receiver can deduplicate).
/// </summary>
public sealed class SendPipelineCallback(IHttpClientFactory httpClientFactory, IOptions<CallbackOptions> options, TimeProvider time, ILogger<SendPipelineCallback> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Function(nameof(SendPipelineCallback))]
    public async Task Run([ActivityTrigger] CallbackInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var secret = options.Value.SigningSecret;
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException("Callbacks:SigningSecret is not set; callbacks cannot be signed.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(input.Result, Json);
        var id = "pipeline_" + input.Result.PipelineId;
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, input.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(secret, id, timestamp, body));

        using var response = await httpClientFactory.CreateClient(CallbackOptions.HttpClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Thrown so that the activity retry policy tries again.
            throw new HttpRequestException($"The callback answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        logger.LogInformation("Pipeline {PipelineId}: callback delivered ({Status}).", input.Result.PipelineId, (int)response.StatusCode);
    }

    /// <summary>Checks a caller-supplied callback URL against the settings; returns an error message or null.</summary>
    public static string? Validate(string url, CallbackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.SigningSecret))
        {
            return "Callbacks are not enabled on this app (Callbacks:SigningSecret is not set).";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)
            || !(uri.Scheme == Uri.UriSchemeHttps || (options.AllowHttp && uri.Scheme == Uri.UriSchemeHttp)))
        {
            return options.AllowHttp ? "Must be an absolute http(s) URL." : "Must be an absolute https URL.";
        }

        return url.Length > 2048 ? "Too long (at most 2048 characters)." : null;
    }
}
