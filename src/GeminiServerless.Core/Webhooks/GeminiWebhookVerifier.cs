using Microsoft.Extensions.Options;

namespace GeminiServerless.Core.Webhooks;

/// <summary>
/// The verifier the app uses: picks the scheme from the <c>webhook-signature</c> header (a compact JWT → RS256/JWKS,
/// otherwise Standard Webhooks HMAC) and fails closed when the chosen scheme has no key material.
/// </summary>
public sealed class GeminiWebhookVerifier : IWebhookVerifier
{
    private readonly StandardWebhookVerifier _hmacVerifier;
    private readonly JwksWebhookVerifier _jwtVerifier;
    private readonly int _maxBodyBytes;

    /// <summary>Creates the composite over the two scheme verifiers.</summary>
    public GeminiWebhookVerifier(StandardWebhookVerifier hmacVerifier, JwksWebhookVerifier jwtVerifier, IOptions<WebhookOptions> options)
    {
        ArgumentNullException.ThrowIfNull(hmacVerifier);
        ArgumentNullException.ThrowIfNull(jwtVerifier);
        ArgumentNullException.ThrowIfNull(options);
        _hmacVerifier = hmacVerifier;
        _jwtVerifier = jwtVerifier;
        _maxBodyBytes = options.Value.MaxBodyBytes;
    }

    /// <inheritdoc />
    public async Task<WebhookVerificationResult> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_hmacVerifier.HasKeyMaterial && !_jwtVerifier.HasKeyMaterial)
        {
            return WebhookVerificationResult.Reject(WebhookSignatureKind.None, WebhookFailureCodes.NoKeyMaterial);
        }

        if (request.Body.Length > _maxBodyBytes)
        {
            return WebhookVerificationResult.Reject(WebhookSignatureKind.None, WebhookFailureCodes.BodyTooLarge);
        }

        var kind = DetectScheme(request.WebhookSignature);
        switch (kind)
        {
            case WebhookSignatureKind.Jwt:
                return _jwtVerifier.HasKeyMaterial
                    ? await _jwtVerifier.VerifyAsync(request, cancellationToken)
                    : WebhookVerificationResult.Reject(WebhookSignatureKind.Jwt, WebhookFailureCodes.NoKeyMaterial);
            case WebhookSignatureKind.Hmac:
                return _hmacVerifier.HasKeyMaterial
                    ? _hmacVerifier.Verify(request)
                    : WebhookVerificationResult.Reject(WebhookSignatureKind.Hmac, WebhookFailureCodes.NoKeyMaterial);
            default:
                return WebhookVerificationResult.Reject(WebhookSignatureKind.None, WebhookFailureCodes.MissingHeaders);
        }
    }

    /// <summary>
    /// The scheme a <c>webhook-signature</c> value belongs to: <see cref="WebhookSignatureKind.Jwt"/> for a compact JWT
    /// (three base64url segments separated by dots, the first two non-empty), <see cref="WebhookSignatureKind.None"/>
    /// for a missing or blank value, otherwise <see cref="WebhookSignatureKind.Hmac"/>.
    /// </summary>
    public static WebhookSignatureKind DetectScheme(string? signatureHeader)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return WebhookSignatureKind.None;
        }

        return IsCompactJwt(signatureHeader.AsSpan().Trim()) ? WebhookSignatureKind.Jwt : WebhookSignatureKind.Hmac;
    }

    private static bool IsCompactJwt(ReadOnlySpan<char> value)
    {
        var dots = 0;
        var segmentLength = 0;
        foreach (var c in value)
        {
            if (c == '.')
            {
                if (segmentLength == 0 || ++dots > 2)
                {
                    return false;
                }

                segmentLength = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')
            {
                segmentLength++;
            }
            else
            {
                return false;
            }
        }

        return dots == 2;
    }
}
