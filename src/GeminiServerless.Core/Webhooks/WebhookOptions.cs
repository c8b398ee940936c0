namespace GeminiServerless.Core.Webhooks;

/// <summary>
/// Settings for receiving Gemini webhooks, bound from the configuration section <see cref="SectionName"/>.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>The route prefix of the webhook function, appended to <see cref="PublicBaseUrl"/>.</summary>
    public const string WebhookRoutePrefix = "api/webhooks/gemini";

    /// <summary>Public base URL of the app, e.g. <c>https://myapp.azurewebsites.net</c>.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>JWKS URL for dynamic webhooks (RS256 JWT). Null or empty disables the JWT scheme.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>Expected <c>iss</c> claim. Null or empty: the issuer is not checked.</summary>
    public string? Issuer { get; set; }

    /// <summary>Expected <c>aud</c> claim. Null or empty: the delivery's own webhook URL is expected.</summary>
    public string? Audience { get; set; }

    /// <summary>Whether the <c>aud</c> claim is validated. Defaults to <see langword="true"/>.</summary>
    public bool ValidateAudience { get; set; } = true;

    /// <summary>
    /// Static-webhook signing secrets (<c>whsec_...</c>), separated by commas, semicolons or whitespace.
    /// Several secrets cover a rotation overlap. Null or empty disables the HMAC scheme.
    /// </summary>
    public string? SigningSecrets { get; set; }

    /// <summary>
    /// Allowed distance between <c>webhook-timestamp</c> and now (both directions); also the clock skew
    /// applied to a JWT's <c>exp</c> and <c>nbf</c>.
    /// </summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest accepted request body, in bytes.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How long a fetched JWKS is used before it is fetched again.</summary>
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Minimum time between two JWKS fetches triggered by an unknown <c>kid</c> or a failed refresh.</summary>
    public TimeSpan JwksMinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The webhook URL for one orchestration instance:
    /// <c>{PublicBaseUrl}/api/webhooks/gemini/{escaped instanceId}</c>.
    /// </summary>
    public string WebhookUrlFor(string instanceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return $"{PublicBaseUrl.Trim().TrimEnd('/')}/{WebhookRoutePrefix}/{Uri.EscapeDataString(instanceId)}";
    }
}
