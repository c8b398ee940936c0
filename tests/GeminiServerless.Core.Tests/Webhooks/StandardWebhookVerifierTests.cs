using System.Text;
using GeminiServerless.Core.Webhooks;

namespace GeminiServerless.Core.Tests.Webhooks;

public sealed class StandardWebhookVerifierTests
{
    private const string Secret = "whsec_0Zl4qnPgq//k2982dq+N1dUOv/5Z/RuiH4IXh/KhkD0=";
    private const string OtherSecret = "whsec_/9aZvM5Rd6LxVb926SpkjdL5a0+dEIvO";
    private static readonly DateTimeOffset _now = DateTimeOffset.FromUnixTimeSeconds(1_767_226_201);

    public static TheoryData<string> VectorNames => new(HmacVector.All.Select(v => v.Name));

    public static TheoryData<string> SingleSignatureValidVectorNames =>
        new(HmacVector.All.Where(v => v.ExpectedValid && v.ExpectedPerSecret.Length == 0).Select(v => v.Name));

    public static TheoryData<string, bool> RotationSecrets
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var (secret, valid) in HmacVector.Rotation.ExpectedPerSecret)
            {
                data.Add(secret, valid);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Vector_VerifiesExactlyWhenExpected(string name)
    {
        var vector = HmacVector.Named(name);
        using var harness = HarnessFor(vector.Secret, DateTimeOffset.FromUnixTimeSeconds(vector.VerifyAtUnix));

        var result = harness.Hmac.Verify(RequestFor(vector));

        Assert.Equal(vector.ExpectedValid, result.IsValid);
    }

    [Theory]
    [MemberData(nameof(RotationSecrets))]
    public void RotationVector_VerifiesWithEitherSecretAloneButNotAThird(string secret, bool expectedValid)
    {
        var vector = HmacVector.Rotation;
        using var harness = HarnessFor(secret, DateTimeOffset.FromUnixTimeSeconds(vector.VerifyAtUnix));

        var result = harness.Hmac.Verify(RequestFor(vector));

        Assert.Equal(expectedValid, result.IsValid);
    }

    [Fact]
    public void RotationVector_VerifiesWithBothSecretsConfigured()
    {
        var vector = HmacVector.Rotation;
        using var harness = HarnessFor(string.Join(",", vector.Secrets), DateTimeOffset.FromUnixTimeSeconds(vector.VerifyAtUnix));

        var result = harness.Hmac.Verify(RequestFor(vector));

        Assert.True(result.IsValid);
    }

    [Theory]
    [MemberData(nameof(SingleSignatureValidVectorNames))]
    public void Sign_ReproducesTheVectorSignature(string name)
    {
        var vector = HmacVector.Named(name);

        var signature = StandardWebhookVerifier.Sign(vector.Secret, vector.MsgId, long.Parse(vector.Timestamp), vector.Body);

        Assert.Equal(vector.SignatureHeader, signature);
    }

    [Fact]
    public void ValidDelivery_ReportsHmacKindAndWebhookIdAsDeliveryId()
    {
        using var harness = HarnessFor(Secret, _now);
        var request = SignedRequest(Secret, "msg_42", _now.ToUnixTimeSeconds(), "{}"u8.ToArray());

        var result = harness.Hmac.Verify(request);

        Assert.Equal(new WebhookVerificationResult(true, WebhookSignatureKind.Hmac, "msg_42", null), result);
    }

    [Theory]
    [InlineData("v1,")]
    [InlineData("v1,!!!not-base64!!!")]
    [InlineData("v1,AAAA")]
    [InlineData("v1")]
    [InlineData(",")]
    [InlineData("v1,,,,")]
    [InlineData("   ")]
    [InlineData("v1,\u00e9\u00e9\u00e9\u00e9")]
    [InlineData("v1,QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")]
    public void GarbageSignatureHeader_IsRejectedWithoutThrowing(string header)
    {
        using var harness = HarnessFor(Secret, _now);
        var request = new WebhookRequest("{}"u8.ToArray(), "msg_1", _now.ToUnixTimeSeconds().ToString(), header, "");

        var result = harness.Hmac.Verify(request);

        Assert.False(result.IsValid);
    }

    [Fact]
    public void ValidV1Entry_AmongGarbageAndOtherVersions_Verifies()
    {
        using var harness = HarnessFor(Secret, _now);
        var body = "{\"type\":\"batch.succeeded\"}"u8.ToArray();
        var good = StandardWebhookVerifier.Sign(Secret, "msg_1", _now.ToUnixTimeSeconds(), body);
        var request = new WebhookRequest(body, "msg_1", _now.ToUnixTimeSeconds().ToString(), $"v2,abc  v1,### {good} v1,", "");

        var result = harness.Hmac.Verify(request);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void NoSecretsConfigured_RejectsWithNoKeyMaterial()
    {
        using var harness = HarnessFor(null, _now);
        var request = SignedRequest(Secret, "msg_1", _now.ToUnixTimeSeconds(), "{}"u8.ToArray());

        var result = harness.Hmac.Verify(request);

        Assert.Equal(WebhookFailureCodes.NoKeyMaterial, result.Failure);
    }

    [Fact]
    public void UndecodableSecret_GivesNoKeyMaterial()
    {
        using var harness = HarnessFor("whsec_***not base64***", _now);

        Assert.False(harness.Hmac.HasKeyMaterial);
    }

    [Theory]
    [InlineData(null, "1767226201")]
    [InlineData("", "1767226201")]
    [InlineData("msg_1", null)]
    [InlineData("msg_1", "")]
    public void MissingIdOrTimestamp_RejectsWithMissingHeaders(string? id, string? timestamp)
    {
        using var harness = HarnessFor(Secret, _now);
        var request = new WebhookRequest("{}"u8.ToArray(), id, timestamp, "v1,AAAA", "");

        var result = harness.Hmac.Verify(request);

        Assert.Equal(WebhookFailureCodes.MissingHeaders, result.Failure);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1767226201.5")]
    [InlineData("-1767226201")]
    [InlineData(" 1767226201")]
    [InlineData("1767226201000000000000")]
    public void NonIntegerTimestamp_RejectsWithBadTimestamp(string timestamp)
    {
        using var harness = HarnessFor(Secret, _now);
        var request = new WebhookRequest("{}"u8.ToArray(), "msg_1", timestamp, "v1,AAAA", "");

        var result = harness.Hmac.Verify(request);

        Assert.Equal(WebhookFailureCodes.BadTimestamp, result.Failure);
    }

    [Theory]
    [InlineData(-301, WebhookFailureCodes.StaleTimestamp)]
    [InlineData(301, WebhookFailureCodes.FutureTimestamp)]
    public void TimestampOutsideTolerance_IsRejectedEvenWhenCorrectlySigned(int offsetSeconds, string failure)
    {
        using var harness = HarnessFor(Secret, _now);
        var request = SignedRequest(Secret, "msg_1", _now.ToUnixTimeSeconds() + offsetSeconds, "{}"u8.ToArray());

        var result = harness.Hmac.Verify(request);

        Assert.Equal(failure, result.Failure);
    }

    [Fact]
    public void ConfiguredTolerance_IsHonoured()
    {
        using var harness = HarnessFor(Secret, _now, o => o.TimestampTolerance = TimeSpan.FromSeconds(10));
        var request = SignedRequest(Secret, "msg_1", _now.ToUnixTimeSeconds() - 11, "{}"u8.ToArray());

        var result = harness.Hmac.Verify(request);

        Assert.Equal(WebhookFailureCodes.StaleTimestamp, result.Failure);
    }

    [Fact]
    public void LargeBody_VerifiesThroughThePooledBuffer()
    {
        using var harness = HarnessFor(Secret, _now);
        var body = Encoding.UTF8.GetBytes("{\"type\":\"batch.succeeded\",\"pad\":\"" + new string('x', 100_000) + "\"}");
        var request = SignedRequest(Secret, "msg_big", _now.ToUnixTimeSeconds(), body);

        var result = harness.Hmac.Verify(request);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void LargeBody_WithOneByteChanged_IsRejected()
    {
        using var harness = HarnessFor(Secret, _now);
        var body = Encoding.UTF8.GetBytes(new string('x', 5_000));
        var request = SignedRequest(Secret, "msg_big", _now.ToUnixTimeSeconds(), body);
        body[4_000] = (byte)'y';

        var result = harness.Hmac.Verify(request);

        Assert.Equal(WebhookFailureCodes.BadSignature, result.Failure);
    }

    [Fact]
    public void NonAsciiWebhookId_IsSignedAsUtf8()
    {
        using var harness = HarnessFor(Secret, _now);
        var request = SignedRequest(Secret, "msg_\u00fc\u65e5", _now.ToUnixTimeSeconds(), "{}"u8.ToArray());

        var result = harness.Hmac.Verify(request);

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData(" ")]
    [InlineData("\n")]
    [InlineData(" ; ")]
    public void SeveralSecrets_AreSplitOnCommaSemicolonAndWhitespace(string separator)
    {
        using var harness = HarnessFor(OtherSecret + separator + Secret, _now);
        var request = SignedRequest(Secret, "msg_1", _now.ToUnixTimeSeconds(), "{}"u8.ToArray());

        var result = harness.Hmac.Verify(request);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void SecretWithoutPrefix_IsAccepted()
    {
        using var harness = HarnessFor(Secret["whsec_".Length..], _now);
        var request = SignedRequest(Secret, "msg_1", _now.ToUnixTimeSeconds(), "{}"u8.ToArray());

        var result = harness.Hmac.Verify(request);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Sign_WithUndecodableSecret_Throws()
    {
        Assert.Throws<ArgumentException>(() => StandardWebhookVerifier.Sign("whsec_%%%", "msg_1", 1, []));
    }

    private static VerifierHarness HarnessFor(string? secrets, DateTimeOffset now, Action<WebhookOptions>? configure = null)
    {
        var options = new WebhookOptions { PublicBaseUrl = "https://example.test", SigningSecrets = secrets };
        configure?.Invoke(options);
        return new VerifierHarness(options, now);
    }

    private static WebhookRequest RequestFor(HmacVector vector) =>
        new(vector.Body, vector.MsgId, vector.Timestamp, vector.SignatureHeader, "");

    private static WebhookRequest SignedRequest(string secret, string id, long timestamp, byte[] body) =>
        new(body, id, timestamp.ToString(), StandardWebhookVerifier.Sign(secret, id, timestamp, body), "");
}
