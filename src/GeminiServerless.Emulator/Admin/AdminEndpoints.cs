using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Batches;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Files;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Interactions;
using GeminiServerless.Emulator.StaticWebhooks;
using GeminiServerless.Emulator.Videos;
using GeminiServerless.Emulator.Webhooks;

namespace GeminiServerless.Emulator.Admin;

/// <summary>Unauthenticated endpoints for test suites: logs, counters, reset, runtime knobs, and the JWKS.</summary>
internal static class AdminEndpoints
{
    public const string Prefix = "/emulator";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/jwks.json", (WebhookSigner signer) => ApiResults.Json(signer.Jwks()));

        var admin = app.MapGroup(Prefix);
        admin.MapGet("/health", () => ApiResults.Json(new JsonObject { ["status"] = "ok" }));

        admin.MapGet("/requests", (HttpContext context, EmulatorLog log) =>
            ApiResults.Json(log.Requests(context.Request.Query["pathPrefix"].FirstOrDefault())));

        admin.MapGet("/deliveries", (HttpContext context, EmulatorLog log) =>
            ApiResults.Json(log.Deliveries(context.Request.Query["jobName"].FirstOrDefault())));

        admin.MapGet("/stats", (EmulatorLog log) => ApiResults.Json(log.Stats()));

        admin.MapPost("/reset", (HttpContext context, EmulatorLog log, FileStore files, BatchService batches,
            InteractionService interactions, VideoService videos, StaticWebhookStore webhooks) =>
        {
            log.Reset();
            var all = string.Equals(context.Request.Query["all"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);
            if (all)
            {
                batches.Clear();
                interactions.Clear();
                videos.Clear();
                webhooks.Clear();
                files.Clear();
            }

            return ApiResults.Json(new JsonObject { ["reset"] = all ? "logs-and-state" : "logs" });
        });

        admin.MapGet("/config", (RuntimeSettings settings) => ApiResults.Json(ConfigJson(settings.Current)));

        admin.MapPost("/config", async (HttpContext context, RuntimeSettings settings) =>
        {
            var body = await EmulatorJson.ReadObjectAsync(context.Request, allowEmpty: false, context.RequestAborted);
            var updated = settings.Update(options => Apply(options, body!));
            return ApiResults.Json(ConfigJson(updated));
        });
    }

    /// <summary>The runtime knobs, as <c>GET /emulator/config</c> shows them (TimeSpans as "c" format strings).</summary>
    public static JsonObject ConfigJson(EmulatorOptions options) => new()
    {
        ["completionDelay"] = Span(options.CompletionDelay),
        ["slowFactor"] = options.SlowFactor,
        ["fileProcessingDelay"] = Span(options.FileProcessingDelay),
        ["echoInlinedMetadata"] = options.EchoInlinedMetadata,
        ["retryInitialDelay"] = Span(options.RetryInitialDelay),
        ["retryBackoffFactor"] = options.RetryBackoffFactor,
        ["retryMaxDelay"] = Span(options.RetryMaxDelay),
        ["retryWindow"] = Span(options.RetryWindow),
        ["deliveryTimeout"] = Span(options.DeliveryTimeout),
        ["duplicateDeliveryRate"] = options.DuplicateDeliveryRate,
        ["dropDeliveryRate"] = options.DropDeliveryRate,
        ["deliveryJitter"] = Span(options.DeliveryJitter),
        ["createRateLimitRate"] = options.CreateRateLimitRate,
        ["createUnavailableRate"] = options.CreateUnavailableRate,
        ["createResponseDelay"] = Span(options.CreateResponseDelay),
    };

    private static string Span(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private static void Apply(EmulatorOptions options, JsonObject body)
    {
        foreach (var (key, value) in body)
        {
            switch (key)
            {
                case "completionDelay": options.CompletionDelay = ReadSpan(key, value); break;
                case "slowFactor": options.SlowFactor = ReadNumber(key, value); break;
                case "fileProcessingDelay": options.FileProcessingDelay = ReadSpan(key, value); break;
                case "echoInlinedMetadata": options.EchoInlinedMetadata = value?.GetValueKind() == JsonValueKind.True; break;
                case "retryInitialDelay": options.RetryInitialDelay = ReadSpan(key, value); break;
                case "retryBackoffFactor": options.RetryBackoffFactor = ReadNumber(key, value); break;
                case "retryMaxDelay": options.RetryMaxDelay = ReadSpan(key, value); break;
                case "retryWindow": options.RetryWindow = ReadSpan(key, value); break;
                case "deliveryTimeout": options.DeliveryTimeout = ReadSpan(key, value); break;
                case "duplicateDeliveryRate": options.DuplicateDeliveryRate = ReadNumber(key, value); break;
                case "dropDeliveryRate": options.DropDeliveryRate = ReadNumber(key, value); break;
                case "deliveryJitter": options.DeliveryJitter = ReadSpan(key, value); break;
                case "createRateLimitRate": options.CreateRateLimitRate = ReadNumber(key, value); break;
                case "createUnavailableRate": options.CreateUnavailableRate = ReadNumber(key, value); break;
                case "createResponseDelay": options.CreateResponseDelay = ReadSpan(key, value); break;
                default: throw GoogleErrors.InvalidArgument($"Unknown emulator setting '{key}'.");
            }
        }
    }

    /// <summary>A TimeSpan given as a string ("00:00:02") or as a number of milliseconds.</summary>
    private static TimeSpan ReadSpan(string key, JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && TimeSpan.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, out var span))
        {
            return span;
        }

        if (value is JsonValue n && n.GetValueKind() == JsonValueKind.Number)
        {
            return TimeSpan.FromMilliseconds(n.GetValue<double>());
        }

        throw GoogleErrors.InvalidArgument($"'{key}' must be a TimeSpan string such as \"00:00:02\" or a number of milliseconds.");
    }

    private static double ReadNumber(string key, JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? v.GetValue<double>()
            : throw GoogleErrors.InvalidArgument($"'{key}' must be a number.");
}
