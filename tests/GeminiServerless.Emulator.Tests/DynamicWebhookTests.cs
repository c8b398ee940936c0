using System.Globalization;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GeminiServerless.Emulator.Tests;

public sealed class DynamicWebhookTests : EmulatorAndReceiverTest
{
    [Fact]
    public async Task Inline_batch_with_camelCase_userMetadata_delivers_a_verified_jwt_webhook_and_succeeds_with_the_transcript()
    {
        var audio = await Emulator.UploadAsync(Requests.AudioBytes(20_000, seed: 21), "audio/mpeg");
        var expectedTranscript = (await Emulator.PostOkAsync("v1/models/gemini-2.5-flash:generateContent",
            Requests.Audio(audio["uri"]!.GetValue<string>())))["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>();
        var uri = Receiver.Uri("/api/webhooks/gemini/inst-1");
        var metadata = new JsonObject { ["instanceId"] = "inst-1", ["stage"] = "transcribe", ["nested"] = new JsonObject { ["n"] = 1.5, ["list"] = new JsonArray(1, "two", null) } };

        var created = await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch(
            "inst-1-transcribe",
            [Requests.Text("Summarise: hello world"), Requests.Audio(audio["uri"]!.GetValue<string>(), "Transcribe.")],
            Requests.Webhook(uri, metadata)));
        var name = created["name"]!.GetValue<string>();
        Assert.Equal("BATCH_STATE_PENDING", created["metadata"]!["state"]!.GetValue<string>());

        var delivery = (await Receiver.WaitForCountAsync(1))[0];
        Assert.Equal("/api/webhooks/gemini/inst-1", delivery.Path);
        Assert.StartsWith("application/json", delivery.Header("content-type"), StringComparison.Ordinal);
        var token = delivery.Header("webhook-signature");
        var validation = await Signatures.ValidateJwtAsync(Emulator, token, uri);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var jwt = (JsonWebToken)validation.SecurityToken;
        Assert.Equal("emulator-key-1", jwt.Kid);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal(name, jwt.Subject);
        Assert.Equal(delivery.Header("webhook-id"), jwt.Id);
        Assert.Equal(delivery.Header("webhook-id"), jwt.GetClaim("webhook_id").Value);
        Assert.Equal(Signatures.BodySha256(delivery.Body), jwt.GetClaim("body_sha256").Value);
        Assert.Equal(TimeSpan.FromMinutes(5), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal(long.Parse(delivery.Header("webhook-timestamp"), CultureInfo.InvariantCulture), new DateTimeOffset(jwt.IssuedAt).ToUnixTimeSeconds());

        var envelope = JsonNode.Parse(delivery.Body)!;
        Assert.Equal("batch.succeeded", envelope["type"]!.GetValue<string>());
        Assert.Equal("v1", envelope["version"]!.GetValue<string>());
        Assert.True(DateTimeOffset.TryParse(envelope["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture, out _));
        Assert.Equal(name, envelope["data"]!["id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(metadata, envelope["user_metadata"]));
        Assert.True(JsonNode.DeepEquals(metadata, envelope["data"]!["user_metadata"]));

        var batch = await Emulator.GetOkAsync("v1/" + name);
        Assert.Equal("BATCH_STATE_SUCCEEDED", batch["metadata"]!["state"]!.GetValue<string>());
        Assert.True(batch["done"]!.GetValue<bool>());
        var responses = (JsonArray)batch["metadata"]!["output"]!["inlinedResponses"]!["inlinedResponses"]!;
        Assert.Equal(2, responses.Count);
        Assert.StartsWith("Summary: ", Text(responses[0]!), StringComparison.Ordinal);
        Assert.Equal(expectedTranscript, Text(responses[1]!));
        Assert.True(JsonNode.DeepEquals(batch["metadata"]!["output"]!["inlinedResponses"], batch["response"]!["inlinedResponses"]));
        Assert.Equal("type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatchOutput", batch["response"]!["@type"]!.GetValue<string>());
        Assert.Equal("2", batch["metadata"]!["batchStats"]!["successfulRequestCount"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inline_batch_with_snake_case_user_metadata_echoes_it()
    {
        var uri = Receiver.Uri("/hook/snake");
        var metadata = new JsonObject { ["instanceId"] = "inst-2", ["stage"] = "summarize" };
        var body = Requests.InlineBatch("snake", [Requests.Text("hi")], Requests.Webhook(uri, metadata, "user_metadata"));

        var created = await Emulator.PostOkAsync(CreatePath, body);

        var delivery = (await Receiver.WaitForCountAsync(1))[0];
        var envelope = JsonNode.Parse(delivery.Body)!;
        Assert.True(JsonNode.DeepEquals(metadata, envelope["user_metadata"]));
        Assert.True(JsonNode.DeepEquals(metadata, envelope["data"]!["user_metadata"]));
        Assert.Equal(created["name"]!.GetValue<string>(), envelope["data"]!["id"]!.GetValue<string>());
        Assert.True((await Signatures.ValidateJwtAsync(Emulator, delivery.Header("webhook-signature"), uri)).IsValid);
    }

    [Fact]
    public async Task Snake_case_batch_fields_are_accepted()
    {
        var body = JsonNode.Parse("""
            {"batch":{"display_name":"snake-batch","input_config":{"requests":{"requests":[{"request":{"contents":[{"parts":[{"text":"hello there"}]}]}}]}},
                      "webhook_config":{"uris":["@@0@@"],"user_metadata":{"k":"v"}}}}
            """.Replace("@@0@@", Receiver.Uri("/snake-fields"), StringComparison.Ordinal))!;

        var created = await Emulator.PostOkAsync(CreatePath, body);

        Assert.Equal("snake-batch", created["metadata"]!["displayName"]!.GetValue<string>());
        var delivery = (await Receiver.WaitForCountAsync(1))[0];
        Assert.Equal("v", JsonNode.Parse(delivery.Body)!["user_metadata"]!["k"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_uri_gets_the_event_with_its_own_audience_and_the_same_webhook_id()
    {
        var first = Receiver.Uri("/one");
        var second = Receiver.Uri("/two");
        var config = new JsonObject { ["uris"] = new JsonArray(first, second) };

        await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("two-uris", [Requests.Text("hi")], config));

        var deliveries = await Receiver.WaitForCountAsync(2);
        Assert.Equal(["/one", "/two"], deliveries.Select(d => d.Path).Order(StringComparer.Ordinal));
        Assert.Single(deliveries.Select(d => d.Header("webhook-id")).Distinct());
        foreach (var delivery in deliveries)
        {
            Assert.True((await Signatures.ValidateJwtAsync(Emulator, delivery.Header("webhook-signature"), delivery.Url)).IsValid);
            Assert.False((await Signatures.ValidateJwtAsync(Emulator, delivery.Header("webhook-signature"), delivery.Path == "/one" ? second : first)).IsValid);
        }
    }

    [Fact]
    public async Task Tampered_body_no_longer_matches_body_sha256()
    {
        await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("tamper", [Requests.Text("hi")], Requests.Webhook(Receiver.Uri("/t"))));

        var delivery = (await Receiver.WaitForCountAsync(1))[0];
        var jwt = new JsonWebToken(delivery.Header("webhook-signature"));
        var tampered = delivery.Body.ToArray();
        tampered[^2] ^= 1;

        Assert.Equal(Signatures.BodySha256(delivery.Body), jwt.GetClaim("body_sha256").Value);
        Assert.NotEqual(Signatures.BodySha256(tampered), jwt.GetClaim("body_sha256").Value);
    }

    private static string Text(JsonNode item) => item["response"]!["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>();
}
