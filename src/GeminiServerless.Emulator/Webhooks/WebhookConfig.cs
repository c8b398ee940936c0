using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Outputs;

namespace GeminiServerless.Emulator.Webhooks;

/// <summary>A per-job (dynamic) webhook: target URIs and the caller's metadata, kept as JSON text to echo it exactly.</summary>
internal sealed record WebhookConfig(IReadOnlyList<string> Uris, string? UserMetadataJson)
{
    /// <summary>Reads <c>webhookConfig</c> / <c>webhook_config</c> with inner <c>uris</c> and <c>userMetadata</c> / <c>user_metadata</c>.</summary>
    public static WebhookConfig? Parse(JsonObject? parent)
    {
        var config = EmulatorJson.Object(parent, "webhookConfig");
        if (config is null)
        {
            return null;
        }

        var uris = new List<string>();
        foreach (var item in EmulatorJson.Array(config, "uris") ?? [])
        {
            var uri = item is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
            if (uri is null || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
                            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                throw GoogleErrors.InvalidArgument($"Invalid webhook URI '{item?.ToJsonString()}': an absolute http(s) URI is required.");
            }

            uris.Add(uri);
        }

        var metadata = EmulatorJson.Field(config, "userMetadata");
        return new WebhookConfig(uris, metadata is null ? null : EmulatorJson.Serialize(metadata));
    }
}

/// <summary>A job reached a state that Gemini announces with a webhook event.</summary>
internal sealed record JobEvent(string Type, string JobName, JsonObject Data, WebhookConfig? Config, Faults Faults);
