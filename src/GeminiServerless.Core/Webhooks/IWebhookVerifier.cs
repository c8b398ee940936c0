namespace GeminiServerless.Core.Webhooks;

/// <summary>Verifies the authenticity and freshness of one webhook delivery.</summary>
public interface IWebhookVerifier
{
    /// <summary>Verifies <paramref name="request"/>. Never throws for malformed input; the result says why it failed.</summary>
    Task<WebhookVerificationResult> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken = default);
}
