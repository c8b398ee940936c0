namespace GeminiServerless.Core.Webhooks;

/// <summary>The signature scheme a delivery was verified with.</summary>
public enum WebhookSignatureKind
{
    /// <summary>No scheme could be chosen (e.g. no signature, body too large).</summary>
    None,

    /// <summary>Standard Webhooks HMAC-SHA256 (static webhooks).</summary>
    Hmac,

    /// <summary>RS256 JWT verified against a JWKS (dynamic webhooks).</summary>
    Jwt,
}
