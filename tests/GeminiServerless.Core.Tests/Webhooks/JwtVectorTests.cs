using GeminiServerless.Core.Webhooks;

namespace GeminiServerless.Core.Tests.Webhooks;

public sealed class JwtVectorTests
{
    public static TheoryData<string> VectorNames => new(JwtVectors.All.Select(v => v.Name));

    [Theory]
    [MemberData(nameof(VectorNames))]
    public async Task Vector_VerifiesExactlyWhenExpected(string name)
    {
        var vector = JwtVectors.Named(name);
        using var harness = VectorHarness();

        var result = await harness.Composite.VerifyAsync(RequestFor(vector));

        Assert.Equal(vector.ExpectedValid, result.IsValid);
    }

    [Theory]
    [InlineData("expired", WebhookFailureCodes.JwtExpired)]
    [InlineData("not yet valid", WebhookFailureCodes.JwtNotYetValid)]
    [InlineData("wrong aud", WebhookFailureCodes.JwtAudience)]
    [InlineData("wrong iss", WebhookFailureCodes.JwtIssuer)]
    [InlineData("unknown kid", WebhookFailureCodes.UnknownKid)]
    [InlineData("bad signature", WebhookFailureCodes.JwtSignature)]
    [InlineData("payload tampered", WebhookFailureCodes.JwtSignature)]
    [InlineData("alg none", WebhookFailureCodes.JwtAlgorithm)]
    [InlineData("alg HS256", WebhookFailureCodes.JwtAlgorithm)]
    [InlineData("no kid header", WebhookFailureCodes.JwtAmbiguousKey)]
    public async Task InvalidVector_FailsWithItsReason(string nameFragment, string failure)
    {
        var vector = JwtVectors.Containing(nameFragment);
        using var harness = VectorHarness();

        var result = await harness.Composite.VerifyAsync(RequestFor(vector));

        Assert.Equal((false, WebhookSignatureKind.Jwt, failure, false), (result.IsValid, result.Kind, result.Failure, result.IsTransient));
    }

    [Fact]
    public async Task ValidVector_WithoutWebhookIdHeader_UsesJtiAsDeliveryId()
    {
        var vector = JwtVectors.Containing("valid, kid key-1");
        using var harness = VectorHarness();

        var result = await harness.Composite.VerifyAsync(RequestFor(vector));

        Assert.Equal(vector.Jti, result.DeliveryId);
    }

    [Fact]
    public async Task ValidVector_WithWebhookIdHeader_UsesTheHeaderAsDeliveryId()
    {
        var vector = JwtVectors.Containing("valid, kid key-1");
        using var harness = VectorHarness();

        var result = await harness.Composite.VerifyAsync(RequestFor(vector) with { WebhookId = "msg_77" });

        Assert.Equal("msg_77", result.DeliveryId);
    }

    [Fact]
    public async Task ConfiguredAudience_TakesPrecedenceOverTheRequestAudience()
    {
        var vector = JwtVectors.Containing("valid, kid key-1");
        using var harness = VectorHarness(o => o.Audience = JwtVectors.Audience);

        var result = await harness.Composite.VerifyAsync(RequestFor(vector) with { ExpectedAudience = "https://other.test/hook" });

        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task ConfiguredAudience_RejectsATokenForTheRequestAudience()
    {
        var vector = JwtVectors.Containing("valid, kid key-1");
        using var harness = VectorHarness(o => o.Audience = "https://other.test/hook");

        var result = await harness.Composite.VerifyAsync(RequestFor(vector));

        Assert.Equal(WebhookFailureCodes.JwtAudience, result.Failure);
    }

    [Fact]
    public async Task RequestAudience_IsCheckedWhenNoAudienceIsConfigured()
    {
        var vector = JwtVectors.Containing("valid, kid key-1");
        using var harness = VectorHarness();

        var result = await harness.Composite.VerifyAsync(RequestFor(vector) with { ExpectedAudience = "https://example.test/api/webhooks/gemini/inst-2" });

        Assert.Equal(WebhookFailureCodes.JwtAudience, result.Failure);
    }

    [Fact]
    public async Task ValidateAudienceFalse_AcceptsAWrongAudience()
    {
        var vector = JwtVectors.Containing("wrong aud");
        using var harness = VectorHarness(o => o.ValidateAudience = false);

        var result = await harness.Composite.VerifyAsync(RequestFor(vector));

        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task NoIssuerConfigured_AcceptsAnyIssuer()
    {
        var vector = JwtVectors.Containing("wrong iss");
        using var harness = VectorHarness(o => o.Issuer = null);

        var result = await harness.Composite.VerifyAsync(RequestFor(vector));

        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task ExpiredVector_IsRejectedByTheFakeClockEvenThoughTheTokenIsSigned()
    {
        var vector = JwtVectors.Containing("expired");
        using var harness = VectorHarness(now: DateTimeOffset.FromUnixTimeSeconds(1_767_226_000) + TimeSpan.FromMinutes(6));

        var result = await harness.Composite.VerifyAsync(RequestFor(vector));

        Assert.Equal(WebhookFailureCodes.JwtExpired, result.Failure);
    }

    [Fact]
    public async Task ExpiredVector_IsAcceptedWithinTheToleranceOfTheFakeClock()
    {
        var vector = JwtVectors.Containing("expired");
        using var harness = VectorHarness(now: DateTimeOffset.FromUnixTimeSeconds(1_767_226_000) + TimeSpan.FromMinutes(4));

        var result = await harness.Composite.VerifyAsync(RequestFor(vector));

        Assert.True(result.IsValid);
    }

    private static VerifierHarness VectorHarness(Action<WebhookOptions>? configure = null, DateTimeOffset? now = null) =>
        VerifierHarness.ForJwks(JwtVectors.JwksJson, now ?? JwtVectors.Now, o =>
        {
            o.Issuer = JwtVectors.Issuer;
            configure?.Invoke(o);
        });

    private static WebhookRequest RequestFor(JwtVector vector) =>
        new("{\"type\":\"batch.succeeded\"}"u8.ToArray(), null, null, vector.Token, JwtVectors.Audience);
}
