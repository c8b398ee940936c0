using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GeminiServerless.Core.Gemini;

// Wire types of the static WebhookService (snake_case, serialised with GeminiJson.SnakeCaseOptions).
// Event names are in GeminiServerless.Core.Webhooks.WebhookEventTypes.

/// <summary>The body of <c>POST /{v}/webhooks</c>.</summary>
public sealed class WebhookInput
{
    /// <summary>Optional display name.</summary>
    public string? Name { get; set; }

    /// <summary>Where events are POSTed.</summary>
    public string Uri { get; set; } = "";

    /// <summary>Event types, e.g. <c>batch.succeeded</c>.</summary>
    public List<string> SubscribedEvents { get; set; } = [];
}

/// <summary>The body of <c>PATCH /{v}/webhooks/{id}</c>: only the fields that are set are sent and masked.</summary>
public sealed class WebhookUpdate
{
    public string? Name { get; set; }
    public string? Uri { get; set; }
    public List<string>? SubscribedEvents { get; set; }

    /// <summary>See <see cref="WebhookStates"/>.</summary>
    public string? State { get; set; }

    /// <summary>The <c>update_mask</c> naming the fields that are set, in wire spelling.</summary>
    public string UpdateMask()
    {
        var fields = new List<string>(4);
        if (Name is not null)
        {
            fields.Add("name");
        }

        if (Uri is not null)
        {
            fields.Add("uri");
        }

        if (SubscribedEvents is not null)
        {
            fields.Add("subscribed_events");
        }

        if (State is not null)
        {
            fields.Add("state");
        }

        return string.Join(',', fields);
    }
}

/// <summary>A static webhook.</summary>
public sealed class Webhook
{
    public string Id { get; set; } = "";
    public string? Name { get; set; }
    public string? Uri { get; set; }
    public List<string> SubscribedEvents { get; set; } = [];

    /// <summary>See <see cref="WebhookStates"/>.</summary>
    public string? State { get; set; }
    public string? CreateTime { get; set; }
    public string? UpdateTime { get; set; }
    public List<SigningSecret>? SigningSecrets { get; set; }

    /// <summary>The signing secret (<c>whsec_…</c>); only in the answer to create.</summary>
    public string? NewSigningSecret { get; set; }

    [JsonExtensionData]
    public JsonObject? AdditionalProperties { get; set; }
}

public sealed class SigningSecret
{
    public string? TruncatedSecret { get; set; }
    public string? ExpireTime { get; set; }
}

/// <summary>One page of <c>GET /{v}/webhooks</c>.</summary>
public sealed class WebhookListResponse
{
    public List<Webhook> Webhooks { get; set; } = [];
    public string? NextPageToken { get; set; }
}

/// <summary>Values of <see cref="Webhook.State"/>.</summary>
public static class WebhookStates
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
    public const string DisabledDueToFailedDeliveries = "disabled_due_to_failed_deliveries";
}

/// <summary>What happens to the previous secrets when a webhook's signing secret is rotated.</summary>
public static class RevocationBehaviors
{
    /// <summary>Previous secrets stay valid for 24 h (the server's default).</summary>
    public const string RevokePreviousSecretsAfterH24 = "revoke_previous_secrets_after_h24";
    public const string RevokePreviousSecretsImmediately = "revoke_previous_secrets_immediately";
}
