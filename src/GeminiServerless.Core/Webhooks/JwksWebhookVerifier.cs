using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GeminiServerless.Core.Webhooks;

/// <summary>
/// Verifies Gemini dynamic-webhook deliveries whose <c>webhook-signature</c> header is an RS256 JWT signed by a key
/// of the JWKS at <see cref="WebhookOptions.JwksUrl"/>.
/// </summary>
public sealed class JwksWebhookVerifier : IWebhookVerifier
{
    /// <summary>Optional claim: base64url SHA-256 of the raw body.</summary>
    public const string BodyHashClaim = "body_sha256";

    /// <summary>Optional claim: the delivery id; must equal the <c>webhook-id</c> header when both are present.</summary>
    public const string WebhookIdClaim = "webhook_id";

    private static readonly string[] _validAlgorithms = [SecurityAlgorithms.RsaSha256];

    private readonly JwksKeyProvider _keyProvider;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly string? _issuer;
    private readonly string? _audience;
    private readonly bool _validateAudience;
    private readonly TimeSpan _tolerance;

    /// <summary>Creates a verifier that takes its keys from <paramref name="keyProvider"/>.</summary>
    public JwksWebhookVerifier(JwksKeyProvider keyProvider, IOptions<WebhookOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(keyProvider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var value = options.Value;
        _keyProvider = keyProvider;
        _timeProvider = timeProvider;
        _issuer = string.IsNullOrWhiteSpace(value.Issuer) ? null : value.Issuer;
        _audience = string.IsNullOrWhiteSpace(value.Audience) ? null : value.Audience;
        _validateAudience = value.ValidateAudience;
        _tolerance = value.TimestampTolerance;
    }

    /// <summary>True when a JWKS URL is configured.</summary>
    public bool HasKeyMaterial => _keyProvider.IsConfigured;

    /// <inheritdoc />
    public async Task<WebhookVerificationResult> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HasKeyMaterial)
        {
            return Reject(WebhookFailureCodes.NoKeyMaterial);
        }

        var token = request.WebhookSignature?.Trim();
        if (string.IsNullOrEmpty(token))
        {
            return Reject(WebhookFailureCodes.MissingHeaders);
        }

        if (request.WebhookTimestamp is not null)
        {
            var timestampFailure = WebhookTimestamp.Check(request.WebhookTimestamp, _timeProvider.GetUtcNow(), _tolerance);
            if (timestampFailure is not null)
            {
                return Reject(timestampFailure);
            }
        }

        if (!TryRead(token, out var unverified))
        {
            return Reject(WebhookFailureCodes.JwtMalformed);
        }

        if (!string.Equals(unverified.Alg, SecurityAlgorithms.RsaSha256, StringComparison.Ordinal))
        {
            return Reject(WebhookFailureCodes.JwtAlgorithm);
        }

        var audience = _audience ?? request.ExpectedAudience;
        if (_validateAudience && string.IsNullOrWhiteSpace(audience))
        {
            return Reject(WebhookFailureCodes.JwtAudience);
        }

        var keyId = string.IsNullOrEmpty(unverified.Kid) ? null : unverified.Kid;
        var lookup = await _keyProvider.GetKeysAsync(keyId, cancellationToken);
        switch (lookup.Status)
        {
            case JwksKeyLookupStatus.Unavailable:
                return WebhookVerificationResult.TransientFailure(WebhookSignatureKind.Jwt, WebhookFailureCodes.JwksUnavailable);
            case JwksKeyLookupStatus.UnknownKeyId:
                return Reject(WebhookFailureCodes.UnknownKid);
        }

        if (keyId is null && lookup.Keys.Count != 1)
        {
            return Reject(WebhookFailureCodes.JwtAmbiguousKey);
        }

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = lookup.Keys,
            ValidAlgorithms = _validAlgorithms,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = false,
            ValidateIssuer = _issuer is not null,
            ValidIssuer = _issuer,
            ValidateAudience = _validateAudience,
            ValidAudience = audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = _tolerance,
            LifetimeValidator = ValidateLifetime,
            ValidateTokenReplay = false,
        };

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, parameters);
        }
        catch (Exception ex) when (ex is SecurityTokenException or ArgumentException or FormatException)
        {
            return Reject(FailureFor(ex));
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken validated)
        {
            return Reject(FailureFor(result.Exception));
        }

        if (validated.TryGetClaim(BodyHashClaim, out var bodyHash) && !BodyHashMatches(bodyHash.Value, request.Body.Span))
        {
            return Reject(WebhookFailureCodes.JwtBodyHash);
        }

        string? claimedWebhookId = validated.TryGetClaim(WebhookIdClaim, out var webhookIdClaim) ? webhookIdClaim.Value : null;
        if (claimedWebhookId is not null
            && !string.IsNullOrEmpty(request.WebhookId)
            && !string.Equals(claimedWebhookId, request.WebhookId, StringComparison.Ordinal))
        {
            return Reject(WebhookFailureCodes.JwtWebhookId);
        }

        var deliveryId = FirstNonEmpty(request.WebhookId, claimedWebhookId, validated.Id) ?? BodyDeliveryId(request.Body.Span);
        return WebhookVerificationResult.Success(WebhookSignatureKind.Jwt, deliveryId);
    }

    /// <summary><c>sha256:</c> + lower-case hex SHA-256 of <paramref name="body"/>: the dedupe key of last resort.</summary>
    public static string BodyDeliveryId(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        return "sha256:" + Convert.ToHexStringLower(hash);
    }

    private static WebhookVerificationResult Reject(string failure) =>
        WebhookVerificationResult.Reject(WebhookSignatureKind.Jwt, failure);

    private bool TryRead(string token, out JsonWebToken jwt)
    {
        jwt = null!;
        if (!_handler.CanReadToken(token))
        {
            return false;
        }

        try
        {
            jwt = _handler.ReadJsonWebToken(token);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or FormatException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken securityToken, TokenValidationParameters parameters)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no 'exp' claim.");
        }

        if (notBefore is not null && notBefore.Value > expires.Value)
        {
            throw new SecurityTokenInvalidLifetimeException("The token's 'nbf' is after its 'exp'.");
        }

        if (notBefore is not null && notBefore.Value > now + parameters.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = notBefore.Value };
        }

        if (expires.Value < now - parameters.ClockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }

        return true;
    }

    private static string FailureFor(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => WebhookFailureCodes.JwtExpired,
        SecurityTokenNotYetValidException => WebhookFailureCodes.JwtNotYetValid,
        SecurityTokenNoExpirationException => WebhookFailureCodes.JwtNoExpiration,
        SecurityTokenInvalidLifetimeException => WebhookFailureCodes.JwtLifetime,
        SecurityTokenInvalidAudienceException => WebhookFailureCodes.JwtAudience,
        SecurityTokenInvalidIssuerException => WebhookFailureCodes.JwtIssuer,
        SecurityTokenInvalidAlgorithmException => WebhookFailureCodes.JwtAlgorithm,
        SecurityTokenInvalidSignatureException => WebhookFailureCodes.JwtSignature,
        SecurityTokenMalformedException => WebhookFailureCodes.JwtMalformed,
        _ => WebhookFailureCodes.JwtOther,
    };

    private static bool BodyHashMatches(string claimed, ReadOnlySpan<byte> body)
    {
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, actual);

        Span<byte> decoded = stackalloc byte[64];
        var text = claimed.AsSpan().Trim();
        int written;
        var ok = Base64Url.IsValid(text)
            ? Base64Url.TryDecodeFromChars(text, decoded, out written)
            : Convert.TryFromBase64Chars(text, decoded, out written);
        return ok
            && written == SHA256.HashSizeInBytes
            && CryptographicOperations.FixedTimeEquals(decoded[..written], actual);
    }

    private static string? FirstNonEmpty(params ReadOnlySpan<string?> values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value))
            {
                return value;
            }
        }

        return null;
    }
}
