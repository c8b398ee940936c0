using System.Text;
using CsCheck;
using GeminiServerless.Core.Webhooks;

namespace GeminiServerless.Core.Tests.Webhooks;

public sealed class WebhookEnvelopeTests
{
    [Fact]
    public void GuideExample_ParsesAllFields()
    {
        var json = """
            { "type": "batch.succeeded",
              "version": "v1",
              "timestamp": "2026-01-22T12:00:00Z",
              "data": { "id": "batch_123456", "output_file_uri": "gs://my-bucket/results.jsonl" } }
            """;

        var parsed = Parse(json);

        Assert.Equal(
            ("batch.succeeded", "v1", "2026-01-22T12:00:00Z", "batch_123456", "batch_123456", "gs://my-bucket/results.jsonl"),
            (parsed.Type, parsed.Version, parsed.Timestamp, parsed.DataId, parsed.JobIdLastSegment, parsed.OutputFileUri));
    }

    [Fact]
    public void BatchFailed_WithIntegerErrorCode_ReadsTheCodeAsText()
    {
        var parsed = Parse("""{"type":"batch.failed","data":{"id":"batches/9","error_code":13,"error_message":"internal"}}""");

        Assert.Equal(("13", "internal"), (parsed.ErrorCode, parsed.ErrorMessage));
    }

    [Fact]
    public void InteractionFailed_WithStringErrorCode_ReadsTheCode()
    {
        var parsed = Parse("""{"type":"interaction.failed","data":{"id":"int-1","error_code":"RESOURCE_EXHAUSTED","error_message":"quota"}}""");

        Assert.Equal(("RESOURCE_EXHAUSTED", "quota"), (parsed.ErrorCode, parsed.ErrorMessage));
    }

    [Theory]
    [InlineData("""{"type":"batch.expired","data":{"id":"batches/abc"}}""", "batches/abc", "abc")]
    [InlineData("""{"type":"batch.expired","data":{"id":"abc"}}""", "abc", "abc")]
    [InlineData("""{"type":"video.generated","data":{"id":"models/veo-3.1-generate-preview/operations/op1"}}""", "models/veo-3.1-generate-preview/operations/op1", "op1")]
    [InlineData("""{"type":"batch.expired","data":{"id":"batches/abc/"}}""", "batches/abc/", "abc")]
    [InlineData("""{"type":"batch.expired","data":{}}""", null, null)]
    [InlineData("""{"type":"batch.expired"}""", null, null)]
    public void DataId_AndItsLastSegment_AreRead(string json, string? dataId, string? lastSegment)
    {
        var parsed = Parse(json);

        Assert.Equal((dataId, lastSegment), (parsed.DataId, parsed.JobIdLastSegment));
    }

    [Theory]
    [InlineData("""{"type":"video.generated","data":{"id":"op1","output_file_uri":"files/a","video_uri":"files/b","file_name":"files/c"}}""", "files/a")]
    [InlineData("""{"type":"video.generated","data":{"id":"op1","video_uri":"files/b","file_name":"files/c"}}""", "files/b")]
    [InlineData("""{"type":"video.generated","data":{"id":"op1","file_name":"files/c"}}""", "files/c")]
    [InlineData("""{"type":"video.generated","data":{"id":"op1"}}""", null)]
    public void OutputFileUri_PrefersOutputFileUriThenVideoUriThenFileName(string json, string? expected)
    {
        Assert.Equal(expected, Parse(json).OutputFileUri);
    }

    [Fact]
    public void UserMetadata_AtTheTopLevel_IsRead()
    {
        var parsed = Parse("""{"type":"batch.succeeded","user_metadata":{"instanceId":"orch-7f3a","stage":"transcribe"},"data":{"id":"b"}}""");

        Assert.Equal(new Dictionary<string, string> { ["instanceId"] = "orch-7f3a", ["stage"] = "transcribe" }, parsed.UserMetadata);
    }

    [Fact]
    public void UserMetadata_InsideData_IsRead()
    {
        var parsed = Parse("""{"type":"video.generated","data":{"id":"op1","user_metadata":{"instanceId":"inst-1","stage":"render"}}}""");

        Assert.Equal("inst-1", parsed.UserMetadata?["instanceId"]);
    }

    [Fact]
    public void UserMetadata_AtTheTopLevel_WinsOverData()
    {
        var parsed = Parse("""{"type":"batch.succeeded","user_metadata":{"instanceId":"top"},"data":{"user_metadata":{"instanceId":"inner"}}}""");

        Assert.Equal("top", parsed.UserMetadata?["instanceId"]);
    }

    [Theory]
    [InlineData("""{"type":"t","userMetadata":{"instanceId":"a"}}""")]
    [InlineData("""{"type":"t","data":{"userMetadata":{"instanceId":"a"}}}""")]
    [InlineData("""{"type":"t","data":{"user_metadata":{"instanceId":"a"}}}""")]
    public void UserMetadata_CamelCaseAndNestedSpellings_AreRead(string json)
    {
        Assert.Equal("a", Parse(json).UserMetadata?["instanceId"]);
    }

    [Fact]
    public void UserMetadata_NonStringValues_AreKeptAsRawJson()
    {
        var parsed = Parse("""{"type":"t","user_metadata":{"n":42,"b":true,"o":{"x":[1,2]},"z":null}}""");

        Assert.Equal(
            new Dictionary<string, string> { ["n"] = "42", ["b"] = "true", ["o"] = """{"x":[1,2]}""", ["z"] = "null" },
            parsed.UserMetadata);
    }

    [Fact]
    public void UserMetadata_Absent_IsNull()
    {
        Assert.Null(Parse("""{"type":"batch.succeeded","data":{"id":"b"}}""").UserMetadata);
    }

    [Fact]
    public void UnknownFields_AreIgnored()
    {
        var parsed = Parse("""{"type":"batch.succeeded","extra":[1,{"a":null}],"data":{"id":"b","more":{"deep":true}}}""");

        Assert.Equal(("batch.succeeded", "b"), (parsed.Type, parsed.DataId));
    }

    [Fact]
    public void UnknownEventType_IsStillParsed()
    {
        Assert.Equal("webhook.ping", Parse("""{"type":"webhook.ping"}""").Type);
    }

    [Fact]
    public void Utf8ByteOrderMark_IsSkipped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"type":"batch.succeeded"}""")).ToArray();

        Assert.True(WebhookEnvelope.TryParse(bytes, out _, out _));
    }

    [Theory]
    [InlineData("""{"data":{"id":"b"}}""")]
    [InlineData("""{"type":null}""")]
    [InlineData("""{"type":7}""")]
    [InlineData("""{"type":""}""")]
    [InlineData("""{"type":"   "}""")]
    [InlineData("""{"type":{"name":"batch.succeeded"}}""")]
    public void MissingOrNonStringType_IsRejectedWithAnError(string json)
    {
        var ok = WebhookEnvelope.TryParse(Encoding.UTF8.GetBytes(json), out var envelope, out var error);

        Assert.Equal((false, null, true), (ok, envelope, error?.Contains("'type'", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"type\":\"batch.succeeded\"}]")]
    [InlineData("\"batch.succeeded\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void NonObjectJson_IsRejectedWithAnError(string json)
    {
        var ok = WebhookEnvelope.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error);

        Assert.Equal((false, "The body is not a JSON object."), (ok, error));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"type\":\"batch.succeeded\"")]
    [InlineData("{\"type\":\"batch.succeeded\"} trailing")]
    [InlineData("{\"type\":\"batch.succeeded\"}{}")]
    [InlineData("{'type':'batch.succeeded'}")]
    public void NonJson_IsRejectedWithAnError(string text)
    {
        var ok = WebhookEnvelope.TryParse(Encoding.UTF8.GetBytes(text), out var envelope, out var error);

        Assert.Equal((false, null, false), (ok, envelope, string.IsNullOrEmpty(error)));
    }

    [Fact]
    public void InvalidUtf8InsideAString_IsRejectedWithoutThrowing()
    {
        byte[] bytes = [.. "{\"type\":\"a"u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.False(WebhookEnvelope.TryParse(bytes, out _, out _));
    }

    [Fact]
    public void DeeplyNestedJson_IsRejectedWithoutThrowing()
    {
        var json = "{\"type\":\"t\",\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        Assert.False(WebhookEnvelope.TryParse(Encoding.UTF8.GetBytes(json), out _, out _));
    }

    [Theory]
    [MemberData(nameof(StandardWebhookVerifierTests.VectorNames), MemberType = typeof(StandardWebhookVerifierTests))]
    public void VectorBody_ParsesAsAnEnvelope(string name)
    {
        var ok = WebhookEnvelope.TryParse(HmacVector.Named(name).Body, out var envelope, out _);

        Assert.True(ok && WebhookEventTypes.IsKnown(envelope!.Type));
    }

    [Fact]
    public void ArbitraryBytes_NeverThrow()
    {
        Gen.Byte.Array[0, 512].Sample(bytes =>
        {
            var ok = WebhookEnvelope.TryParse(bytes, out var envelope, out var error);
            return ok ? envelope is not null && error is null : envelope is null && error is not null;
        }, iter: 5_000);
    }

    [Fact]
    public void ArbitraryJsonishText_NeverThrows()
    {
        var fragment = Gen.OneOf(
            "{", "}", "[", "]", ":", ",", " ", "\"", "\\", "\\u00", "\\uD800", "0", "-1", "1e999", "1.5", "true", "null",
            "\"type\"", "\"batch.succeeded\"", "\"data\"", "\"id\"", "\"batches/x/\"", "\"user_metadata\"", "\"userMetadata\"",
            "\"error_code\"", "\"output_file_uri\"", "\"video_uri\"", "\"file_name\"", "\"\u00e9\u65e5\"", "/", "//c", "\u00ff", "\0");
        var text = fragment.Array[0, 60].Select(parts => string.Concat(parts));

        text.Sample(s =>
        {
            var ok = WebhookEnvelope.TryParse(Encoding.UTF8.GetBytes(s), out var envelope, out var error);
            return ok ? envelope is not null && error is null : envelope is null && error is not null;
        }, iter: 5_000);
    }

    [Fact]
    public void WellFormedEnvelopes_RoundTripTheirTypeAndId()
    {
        var name = Gen.Char["abcxyz._-/0189"].Array[1, 20].Select(c => new string(c));

        Gen.Select(name, name).Sample((type, id) =>
        {
            var json = $$$"""{"type":"{{{type}}}","data":{"id":"{{{id}}}"}}""";
            return WebhookEnvelope.TryParse(Encoding.UTF8.GetBytes(json), out var envelope, out _)
                && envelope.Type == type
                && envelope.DataId == id;
        }, iter: 2_000);
    }

    private static WebhookEnvelope Parse(string json)
    {
        Assert.True(WebhookEnvelope.TryParse(Encoding.UTF8.GetBytes(json), out var envelope, out var error), error);
        return envelope;
    }
}
