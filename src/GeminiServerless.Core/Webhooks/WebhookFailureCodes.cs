namespace GeminiServerless.Core.Webhooks;

/// <summary>
/// The reason codes found in <see cref="WebhookVerificationResult.Failure"/>. They never contain secrets or tokens.
/// </summary>
public static class WebhookFailureCodes
{
    /// <summary>No key material is configured for the scheme the delivery uses (fail closed).</summary>
    public const string NoKeyMaterial = "no_key_material";

    /// <summary>A required header is missing or empty.</summary>
    public const string MissingHeaders = "missing_headers";

    /// <summary><c>webhook-timestamp</c> is not integer Unix seconds.</summary>
    public const string BadTimestamp = "bad_timestamp";

    /// <summary><c>webhook-timestamp</c> is older than the tolerance.</summary>
    public const string StaleTimestamp = "stale_timestamp";

    /// <summary><c>webhook-timestamp</c> is further in the future than the tolerance.</summary>
    public const string FutureTimestamp = "future_timestamp";

    /// <summary>No <c>v1</c> HMAC signature matches any configured secret.</summary>
    public const string BadSignature = "bad_signature";

    /// <summary>The body is larger than <see cref="WebhookOptions.MaxBodyBytes"/>.</summary>
    public const string BodyTooLarge = "body_too_large";

    /// <summary>The JWT names a <c>kid</c> that the JWKS does not contain, even after a refetch.</summary>
    public const string UnknownKid = "unknown_kid";

    /// <summary>The JWKS could not be fetched (transient: <see cref="WebhookVerificationResult.IsTransient"/>).</summary>
    public const string JwksUnavailable = "jwks_unavailable";

    /// <summary>Prefix of every JWT validation failure, followed by a short reason.</summary>
    public const string JwtInvalidPrefix = "jwt_invalid:";

    /// <summary>The token is not a readable compact JWT.</summary>
    public const string JwtMalformed = JwtInvalidPrefix + "malformed";

    /// <summary>The token's <c>alg</c> is not RS256.</summary>
    public const string JwtAlgorithm = JwtInvalidPrefix + "algorithm";

    /// <summary>The token has no <c>kid</c> and the JWKS holds more than one key.</summary>
    public const string JwtAmbiguousKey = JwtInvalidPrefix + "ambiguous_key";

    /// <summary>The RS256 signature does not verify.</summary>
    public const string JwtSignature = JwtInvalidPrefix + "signature";

    /// <summary>The token is past its <c>exp</c> (plus the tolerance).</summary>
    public const string JwtExpired = JwtInvalidPrefix + "expired";

    /// <summary>The token is before its <c>nbf</c> (minus the tolerance).</summary>
    public const string JwtNotYetValid = JwtInvalidPrefix + "not_yet_valid";

    /// <summary>The token has no <c>exp</c> claim.</summary>
    public const string JwtNoExpiration = JwtInvalidPrefix + "no_exp";

    /// <summary>The token's lifetime is otherwise invalid.</summary>
    public const string JwtLifetime = JwtInvalidPrefix + "lifetime";

    /// <summary>The <c>aud</c> claim does not match (or no audience is known to compare with).</summary>
    public const string JwtAudience = JwtInvalidPrefix + "audience";

    /// <summary>The <c>iss</c> claim does not match the configured issuer.</summary>
    public const string JwtIssuer = JwtInvalidPrefix + "issuer";

    /// <summary>The <c>body_sha256</c> claim does not match the body.</summary>
    public const string JwtBodyHash = JwtInvalidPrefix + "body_sha256";

    /// <summary>The <c>webhook_id</c> claim disagrees with the <c>webhook-id</c> header.</summary>
    public const string JwtWebhookId = JwtInvalidPrefix + "webhook_id";

    /// <summary>Any other JWT validation failure.</summary>
    public const string JwtOther = JwtInvalidPrefix + "invalid";
}
