using System.Security.Cryptography;
using GeminiServerless.Core.Webhooks;
using Microsoft.IdentityModel.Tokens;

namespace GeminiServerless.Core.Tests.Webhooks;

public sealed class JwksWebhookVerifierTests : IDisposable
{
    private readonly TestRsaKey _key = new("k1");
    private readonly TestRsaKey _otherKey = new("k2");

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    [Fact]
    public async Task OwnKeyToken_Verifies()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key, _otherKey));
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal((true, WebhookSignatureKind.Jwt), (result.IsValid, result.Kind));
    }

    [Fact]
    public async Task FakeClockInTheFuture_RejectsATokenThatTheSystemClockWouldAccept()
    {
        var farFuture = new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key), farFuture);
        var issuedAt = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var expires = new DateTimeOffset(2089, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var token = _key.CreateToken(issuedAt, harness.ExpectedAudience, lifetime: expires - issuedAt);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal(WebhookFailureCodes.JwtExpired, result.Failure);
    }

    [Fact]
    public async Task FakeClockInThePast_AcceptsATokenThatTheSystemClockWouldReject()
    {
        var past = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key), past);
        var token = _key.CreateToken(past, harness.ExpectedAudience);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData(-4, true)]
    [InlineData(-6, false)]
    public async Task Expiry_AllowsTheTimestampToleranceAsClockSkew(int expiryMinutesFromNow, bool expectedValid)
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var now = harness.Time.GetUtcNow();
        var token = _key.CreateToken(now - TimeSpan.FromMinutes(30), harness.ExpectedAudience, lifetime: TimeSpan.FromMinutes(30 + expiryMinutesFromNow));

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal(expectedValid, result.IsValid);
    }

    [Fact]
    public async Task TokenWithoutExpiry_IsRejected()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience, includeExpiry: false);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal(WebhookFailureCodes.JwtNoExpiration, result.Failure);
    }

    [Fact]
    public async Task TokenWithoutKid_VerifiesAgainstASingleKeyJwks()
    {
        using var keyWithoutId = new TestRsaKey(null);
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(keyWithoutId));
        var token = keyWithoutId.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task TokenWithoutKid_IsRejectedWhenTheJwksHasSeveralKeys()
    {
        using var keyWithoutId = new TestRsaKey(null);
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(keyWithoutId, _key));
        var token = keyWithoutId.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal(WebhookFailureCodes.JwtAmbiguousKey, result.Failure);
    }

    [Fact]
    public async Task TokenSignedByAnotherKeyUnderAKnownKid_IsRejected()
    {
        using var impostor = new TestRsaKey("k1");
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var token = impostor.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal(WebhookFailureCodes.JwtSignature, result.Failure);
    }

    [Theory]
    [InlineData("aaa.bbb.ccc")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.")]
    [InlineData("e30.e30.e30")]
    public async Task MalformedOrUnsignedToken_IsRejectedWithoutThrowing(string token)
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task MatchingBodyHashClaim_Verifies()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var body = "{\"type\":\"batch.succeeded\",\"data\":{\"id\":\"batches/1\"}}"u8.ToArray();
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience, claims: BodyHashClaim(body));

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token, body));

        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task MismatchingBodyHashClaim_IsRejected()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var signedBody = "{\"type\":\"batch.succeeded\",\"data\":{\"id\":\"batches/1\"}}"u8.ToArray();
        var sentBody = "{\"type\":\"batch.succeeded\",\"data\":{\"id\":\"batches/2\"}}"u8.ToArray();
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience, claims: BodyHashClaim(signedBody));

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token, sentBody));

        Assert.Equal(WebhookFailureCodes.JwtBodyHash, result.Failure);
    }

    [Fact]
    public async Task WebhookIdClaim_DisagreeingWithTheHeader_IsRejected()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience, claims: new Dictionary<string, object> { ["webhook_id"] = "msg_a" });

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token, webhookId: "msg_b"));

        Assert.Equal(WebhookFailureCodes.JwtWebhookId, result.Failure);
    }

    [Fact]
    public async Task WebhookIdClaim_AgreeingWithTheHeader_Verifies()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience, claims: new Dictionary<string, object> { ["webhook_id"] = "msg_a" });

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token, webhookId: "msg_a"));

        Assert.Equal((true, "msg_a"), (result.IsValid, result.DeliveryId));
    }

    [Fact]
    public async Task WebhookIdClaim_WithoutHeader_IsTheDeliveryId()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience, claims: new Dictionary<string, object> { ["webhook_id"] = "msg_a" });

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal("msg_a", result.DeliveryId);
    }

    [Fact]
    public async Task NoWebhookIdAndNoJti_UsesTheBodyHashAsDeliveryId()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var body = "{\"type\":\"video.generated\"}"u8.ToArray();
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience, jti: null);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token, body));

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(body)), result.DeliveryId);
    }

    [Fact]
    public async Task EmptyExpectedAudience_IsRejectedWhenAudienceValidationIsOn()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key));
        var token = _key.CreateToken(harness.Time.GetUtcNow(), "");

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token) with { ExpectedAudience = "" });

        Assert.Equal(WebhookFailureCodes.JwtAudience, result.Failure);
    }

    [Fact]
    public async Task NoJwksUrl_RejectsWithNoKeyMaterial()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key), configure: o => o.JwksUrl = null);
        var token = _key.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal(WebhookFailureCodes.NoKeyMaterial, result.Failure);
    }

    private static Dictionary<string, object> BodyHashClaim(byte[] body) =>
        new() { ["body_sha256"] = Base64UrlEncoder.Encode(SHA256.HashData(body)) };
}
