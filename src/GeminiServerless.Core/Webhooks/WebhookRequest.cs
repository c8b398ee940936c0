namespace GeminiServerless.Core.Webhooks;

/// <summary>
/// One webhook delivery as received: the raw body bytes and the Standard Webhooks headers.
/// </summary>
/// <param name="Body">The raw request body, exactly as received.</param>
/// <param name="WebhookId">The <c>webhook-id</c> header, if present.</param>
/// <param name="WebhookTimestamp">The <c>webhook-timestamp</c> header, if present.</param>
/// <param name="WebhookSignature">The <c>webhook-signature</c> header, if present.</param>
/// <param name="ExpectedAudience">
/// The JWT audience to expect when <see cref="WebhookOptions.Audience"/> is not set: normally the URL this
/// delivery was sent to (<see cref="WebhookOptions.WebhookUrlFor"/>).
/// </param>
public sealed record WebhookRequest(
    ReadOnlyMemory<byte> Body,
    string? WebhookId,
    string? WebhookTimestamp,
    string? WebhookSignature,
    string ExpectedAudience)
{
    /// <summary>The <c>webhook-id</c> header name.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The <c>webhook-timestamp</c> header name.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The <c>webhook-signature</c> header name.</summary>
    public const string SignatureHeader = "webhook-signature";
}
