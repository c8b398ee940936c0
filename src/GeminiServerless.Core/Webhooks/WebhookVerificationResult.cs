namespace GeminiServerless.Core.Webhooks;

/// <summary>
/// The outcome of verifying one delivery.
/// </summary>
/// <param name="IsValid">Whether the delivery is authentic and fresh.</param>
/// <param name="Kind">The scheme that was used.</param>
/// <param name="DeliveryId">
/// The dedupe key of a valid delivery: the <c>webhook-id</c> header; for JWT deliveries without it the
/// <c>webhook_id</c> claim, then the <c>jti</c> claim; otherwise <c>sha256:</c> + hex SHA-256 of the body.
/// Null when the delivery is not valid.
/// </param>
/// <param name="Failure">A short reason code, safe to log (see <see cref="WebhookFailureCodes"/>); null when valid.</param>
public sealed record WebhookVerificationResult(bool IsValid, WebhookSignatureKind Kind, string? DeliveryId, string? Failure)
{
    /// <summary>
    /// True when the delivery could not be verified for a reason on our side that may clear up
    /// (e.g. the JWKS could not be fetched): answer 503 so the sender retries, not 401.
    /// </summary>
    public bool IsTransient { get; init; }

    /// <summary>A valid delivery.</summary>
    public static WebhookVerificationResult Success(WebhookSignatureKind kind, string deliveryId) =>
        new(true, kind, deliveryId, null);

    /// <summary>A delivery rejected for good (answer 401/400).</summary>
    public static WebhookVerificationResult Reject(WebhookSignatureKind kind, string failure) =>
        new(false, kind, null, failure);

    /// <summary>A delivery that could not be verified right now (answer 503).</summary>
    public static WebhookVerificationResult TransientFailure(WebhookSignatureKind kind, string failure) =>
        new(false, kind, null, failure) { IsTransient = true };
}
