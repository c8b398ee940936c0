using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GeminiServerless.Emulator.Tests.Infrastructure;

/// <summary>Receiver-side checks, written the way a Gemini webhook consumer verifies deliveries.</summary>
public static class Signatures
{
    public const string Issuer = "https://gemini-emulator.local";

    public static async Task<TokenValidationResult> ValidateJwtAsync(TestEmulator emulator, string token, string audience)
    {
        var jwks = new JsonWebKeySet(await emulator.Anonymous.GetStringAsync(".well-known/jwks.json"));
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.FromMinutes(5),
        };
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
    }

    public static string BodySha256(byte[] body) => Base64UrlEncoder.Encode(SHA256.HashData(body));

    /// <summary>True when any <c>v1,</c> entry of the header is the Standard Webhooks HMAC of the message under <paramref name="secret"/>.</summary>
    public static bool VerifyStandard(ReceivedWebhook delivery, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{delivery.Header("webhook-id")}.{delivery.Header("webhook-timestamp")}.").Concat(delivery.Body).ToArray();
        var expected = HMACSHA256.HashData(key, signed);
        foreach (var part in delivery.Header("webhook-signature").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',', StringComparison.Ordinal);
            if (comma > 0 && part[..comma] == "v1" && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(part[(comma + 1)..]), expected))
            {
                return true;
            }
        }

        return false;
    }
}
