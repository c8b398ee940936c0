using System.Globalization;
using System.Security.Cryptography;
using GeminiServerless.Core.Webhooks;
using Microsoft.IdentityModel.Tokens;

namespace GeminiServerless.Core.Tests.Webhooks;

public sealed class GeminiWebhookVerifierTests : IDisposable
{
    private const string Secret = "whsec_0Zl4qnPgq//k2982dq+N1dUOv/5Z/RuiH4IXh/KhkD0=";
    private static readonly byte[] _body = "{\"type\":\"batch.succeeded\",\"data\":{\"id\":\"batches/1\"}}"u8.ToArray();

    private readonly TestRsaKey _key = new("k1");

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task NoKeyMaterialAtAll_RejectsAnHmacDeliveryWithNoKeyMaterial()
    {
        using var harness = Harness(secrets: null, jwks: false);

        var result = await harness.Composite.VerifyAsync(HmacRequest(harness));

        Assert.Equal((false, WebhookFailureCodes.NoKeyMaterial), (result.IsValid, result.Failure));
    }

    [Fact]
    public async Task NoKeyMaterialAtAll_RejectsAJwtDeliveryWithNoKeyMaterial()
    {
        using var harness = Harness(secrets: null, jwks: false);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(Token(harness)));

        Assert.Equal((false, WebhookFailureCodes.NoKeyMaterial), (result.IsValid, result.Failure));
    }

    [Fact]
    public async Task NoKeyMaterialAtAll_RejectsADeliveryWithoutSignature()
    {
        using var harness = Harness(secrets: null, jwks: false);

        var result = await harness.Composite.VerifyAsync(new WebhookRequest(_body, null, null, null, ""));

        Assert.Equal(WebhookFailureCodes.NoKeyMaterial, result.Failure);
    }

    [Fact]
    public async Task JwtDelivery_WithOnlySigningSecrets_FailsClosed()
    {
        using var harness = Harness(secrets: Secret, jwks: false);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(Token(harness)));

        Assert.Equal((WebhookSignatureKind.Jwt, WebhookFailureCodes.NoKeyMaterial), (result.Kind, result.Failure));
    }

    [Fact]
    public async Task HmacDelivery_WithOnlyJwks_FailsClosed()
    {
        using var harness = Harness(secrets: null, jwks: true);

        var result = await harness.Composite.VerifyAsync(HmacRequest(harness));

        Assert.Equal((WebhookSignatureKind.Hmac, WebhookFailureCodes.NoKeyMaterial), (result.Kind, result.Failure));
    }

    [Fact]
    public async Task JwtHeader_IsVerifiedWithTheJwtScheme()
    {
        using var harness = Harness(secrets: Secret, jwks: true);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(Token(harness)));

        Assert.Equal((true, WebhookSignatureKind.Jwt), (result.IsValid, result.Kind));
    }

    [Fact]
    public async Task V1Header_IsVerifiedWithTheHmacScheme()
    {
        using var harness = Harness(secrets: Secret, jwks: true);

        var result = await harness.Composite.VerifyAsync(HmacRequest(harness));

        Assert.Equal((true, WebhookSignatureKind.Hmac, 0), (result.IsValid, result.Kind, harness.JwksHandler.RequestCount));
    }

    [Theory]
    [InlineData(null, WebhookSignatureKind.None)]
    [InlineData("", WebhookSignatureKind.None)]
    [InlineData("  ", WebhookSignatureKind.None)]
    [InlineData("v1,1TT0s4aO3TMI4dr8lJydIgMN26ay4Xf1VkcVXgJgoOA=", WebhookSignatureKind.Hmac)]
    [InlineData("v1,a v1,b", WebhookSignatureKind.Hmac)]
    [InlineData("v1,aaa.bbb.ccc", WebhookSignatureKind.Hmac)]
    [InlineData("aaa.bbb", WebhookSignatureKind.Hmac)]
    [InlineData("aaa.bbb.ccc.ddd", WebhookSignatureKind.Hmac)]
    [InlineData(".bbb.ccc", WebhookSignatureKind.Hmac)]
    [InlineData("aa+a.bbb.ccc", WebhookSignatureKind.Hmac)]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", WebhookSignatureKind.Jwt)]
    [InlineData(" eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln ", WebhookSignatureKind.Jwt)]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", WebhookSignatureKind.Jwt)]
    public void DetectScheme_ClassifiesTheSignatureHeader(string? header, WebhookSignatureKind expected)
    {
        Assert.Equal(expected, GeminiWebhookVerifier.DetectScheme(header));
    }

    [Fact]
    public async Task MissingSignature_IsRejected()
    {
        using var harness = Harness(secrets: Secret, jwks: true);

        var result = await harness.Composite.VerifyAsync(HmacRequest(harness) with { WebhookSignature = null });

        Assert.Equal((false, WebhookFailureCodes.MissingHeaders), (result.IsValid, result.Failure));
    }

    [Fact]
    public async Task BodyOverTheCap_IsRejected()
    {
        using var harness = Harness(secrets: Secret, jwks: true, o => o.MaxBodyBytes = 16);

        var result = await harness.Composite.VerifyAsync(HmacRequest(harness));

        Assert.Equal(WebhookFailureCodes.BodyTooLarge, result.Failure);
    }

    [Theory]
    [InlineData(-301, WebhookFailureCodes.StaleTimestamp)]
    [InlineData(301, WebhookFailureCodes.FutureTimestamp)]
    public async Task JwtDelivery_WithATimestampOutsideTolerance_IsRejected(int offsetSeconds, string failure)
    {
        using var harness = Harness(secrets: null, jwks: true);
        var timestamp = (harness.Time.GetUtcNow().ToUnixTimeSeconds() + offsetSeconds).ToString(CultureInfo.InvariantCulture);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(Token(harness), webhookId: "msg_1", timestamp: timestamp));

        Assert.Equal((false, failure), (result.IsValid, result.Failure));
    }

    [Fact]
    public async Task JwtDelivery_WithAFreshTimestamp_Verifies()
    {
        using var harness = Harness(secrets: null, jwks: true);
        var timestamp = (harness.Time.GetUtcNow().ToUnixTimeSeconds() - 299).ToString(CultureInfo.InvariantCulture);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(Token(harness), webhookId: "msg_1", timestamp: timestamp));

        Assert.Equal((true, "msg_1"), (result.IsValid, result.DeliveryId));
    }

    [Fact]
    public async Task JwtDelivery_WithAGarbageTimestamp_IsRejected()
    {
        using var harness = Harness(secrets: null, jwks: true);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(Token(harness), timestamp: "yesterday"));

        Assert.Equal(WebhookFailureCodes.BadTimestamp, result.Failure);
    }

    [Fact]
    public async Task JwtDelivery_WithABodyHashClaimForAnotherBody_IsRejected()
    {
        using var harness = Harness(secrets: null, jwks: true);
        var claims = new Dictionary<string, object> { ["body_sha256"] = Base64UrlEncoder.Encode(SHA256.HashData("{\"type\":\"batch.failed\"}"u8)) };
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience, claims: claims);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(token, _body));

        Assert.Equal((false, WebhookFailureCodes.JwtBodyHash), (result.IsValid, result.Failure));
    }

    [Fact]
    public async Task JwtDelivery_WithAMatchingBodyHashClaim_Verifies()
    {
        using var harness = Harness(secrets: null, jwks: true);
        var claims = new Dictionary<string, object> { ["body_sha256"] = Base64UrlEncoder.Encode(SHA256.HashData(_body)) };
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience, claims: claims);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(token, _body));

        Assert.True(result.IsValid);
    }

    [Theory]
    [MemberData(nameof(StandardWebhookVerifierTests.VectorNames), MemberType = typeof(StandardWebhookVerifierTests))]
    public async Task HmacVector_VerifiesThroughTheCompositeExactlyWhenExpected(string name)
    {
        var vector = HmacVector.Named(name);
        using var harness = new VerifierHarness(
            new WebhookOptions { PublicBaseUrl = "https://example.test", SigningSecrets = vector.Secret, JwksUrl = JwtTestDefaults.JwksUrl },
            DateTimeOffset.FromUnixTimeSeconds(vector.VerifyAtUnix));

        var result = await harness.Composite.VerifyAsync(new WebhookRequest(vector.Body, vector.MsgId, vector.Timestamp, vector.SignatureHeader, ""));

        Assert.Equal(vector.ExpectedValid, result.IsValid);
    }

    private VerifierHarness Harness(string? secrets, bool jwks, Action<WebhookOptions>? configure = null) =>
        VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key), configure: o =>
        {
            o.SigningSecrets = secrets;
            o.JwksUrl = jwks ? JwtTestDefaults.JwksUrl : null;
            configure?.Invoke(o);
        });

    private string Token(VerifierHarness harness) => _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

    private static WebhookRequest HmacRequest(VerifierHarness harness)
    {
        var timestamp = harness.Time.GetUtcNow().ToUnixTimeSeconds();
        return new WebhookRequest(
            _body,
            "msg_1",
            timestamp.ToString(CultureInfo.InvariantCulture),
            StandardWebhookVerifier.Sign(Secret, "msg_1", timestamp, _body),
            harness.ExpectedAudience);
    }
}
