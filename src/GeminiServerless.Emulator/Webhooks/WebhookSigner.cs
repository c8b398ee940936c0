using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GeminiServerless.Emulator.Webhooks;

/// <summary>
/// Signs deliveries: dynamic webhooks with a compact RS256 JWT (key published as a JWKS),
/// static webhooks with Standard Webhooks HMAC-SHA256.
/// </summary>
internal sealed class WebhookSigner : IDisposable
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(5);

    private readonly RSA _rsa;
    private readonly SigningCredentials _credentials;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly string _keyId;
    private readonly string _issuer;

    public WebhookSigner(IOptions<EmulatorOptions> options)
    {
        _keyId = options.Value.SigningKeyId;
        _issuer = options.Value.Issuer;
        _rsa = RSA.Create(2048);
        if (options.Value.SigningKeyPem is { Length: > 0 } pem)
        {
            _rsa.ImportFromPem(pem);
        }

        _credentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = _keyId }, SecurityAlgorithms.RsaSha256);
    }

    /// <summary>
    /// The <c>webhook-signature</c> of a dynamic delivery: a JWT with <c>iss</c>, <c>aud</c> = the delivery URI,
    /// <c>sub</c> = the job name, <c>iat</c>/<c>nbf</c>/<c>exp</c>, <c>jti</c> = <c>webhook_id</c>, and
    /// <c>body_sha256</c> = base64url SHA-256 of the exact body bytes.
    /// </summary>
    public string CreateJwt(string audience, string subject, string webhookId, byte[] body, DateTimeOffset now)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + TokenLifetime).UtcDateTime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["sub"] = subject,
                ["jti"] = webhookId,
                ["webhook_id"] = webhookId,
                ["body_sha256"] = Base64UrlEncoder.Encode(SHA256.HashData(body)),
            },
        };
        return _handler.CreateToken(descriptor);
    }

    /// <summary><c>{"keys":[{kty,n,e,kid,alg:"RS256",use:"sig"}]}</c>.</summary>
    public JsonObject Jwks()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                ["kid"] = _keyId,
                ["alg"] = "RS256",
                ["use"] = "sig",
            }),
        };
    }

    /// <summary>Standard Webhooks: one <c>v1,base64(HMAC-SHA256(key, "{id}.{ts}.{body}"))</c> per secret, space separated.</summary>
    public static string StandardSignature(IEnumerable<string> secrets, string webhookId, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return string.Join(' ', secrets.Select(secret =>
        {
            var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
            return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
        }));
    }

    public void Dispose() => _rsa.Dispose();
}
