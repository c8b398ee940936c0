using System.Net;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class InteractionTests : EmulatorAndReceiverTest
{
    [Fact]
    public async Task Background_interaction_with_webhook_config_completes_and_announces_it()
    {
        var uri = Receiver.Uri("/interaction");
        var body = JsonNode.Parse("""
            {"model":"gemini-2.5-flash","input":"Summarise the weekly planning meeting notes","system_instruction":"Be brief.",
             "generation_config":{"temperature":0.2},"background":true,"store":true,
             "webhook_config":{"uris":["@@0@@"],"user_metadata":{"instanceId":"inst-1"}}}
            """.Replace("@@0@@", uri, StringComparison.Ordinal))!;

        var created = await Emulator.PostOkAsync("v1/interactions", body);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal("in_progress", created["status"]!.GetValue<string>());

        var delivery = (await Receiver.WaitForCountAsync(1))[0];
        var envelope = JsonNode.Parse(delivery.Body)!;
        Assert.Equal("interaction.completed", envelope["type"]!.GetValue<string>());
        Assert.Equal(id, envelope["data"]!["id"]!.GetValue<string>());
        Assert.Equal("inst-1", envelope["user_metadata"]!["instanceId"]!.GetValue<string>());
        var validation = await Signatures.ValidateJwtAsync(Emulator, delivery.Header("webhook-signature"), uri);
        Assert.True(validation.IsValid);

        var interaction = await Emulator.GetOkAsync($"v1/interactions/{id}?stream=false");
        Assert.Equal("completed", interaction["status"]!.GetValue<string>());
        Assert.Equal("gemini-2.5-flash", interaction["model"]!.GetValue<string>());
        Assert.StartsWith("Summary: ", interaction["output_text"]!.GetValue<string>(), StringComparison.Ordinal);
        var step = interaction["steps"]![0]!;
        Assert.Equal("model_output", step["type"]!.GetValue<string>());
        Assert.Equal(interaction["output_text"]!.GetValue<string>(), step["content"]![0]!["text"]!.GetValue<string>());
        Assert.True(interaction["usage"]!["total_input_tokens"]!.GetValue<long>() > 0);
        Assert.NotNull(interaction["created"]);
        Assert.NotNull(interaction["updated"]);
    }

    [Fact]
    public async Task Foreground_interaction_completes_in_the_create_answer()
    {
        var interaction = await Emulator.PostOkAsync("v1beta/interactions", new JsonObject { ["model"] = "gemini-2.5-flash", ["input"] = "hello there friends" });

        Assert.Equal("completed", interaction["status"]!.GetValue<string>());
        Assert.StartsWith("Summary: ", interaction["output_text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audio_block_input_gets_the_transcript()
    {
        var audio = await Emulator.UploadAsync(Requests.AudioBytes(4000, seed: 40), "audio/mpeg");
        var body = new JsonObject
        {
            ["model"] = "gemini-3.5-transcribe",
            ["input"] = new JsonArray(new JsonObject { ["type"] = "audio", ["uri"] = audio["uri"]!.GetValue<string>(), ["mime_type"] = "audio/mpeg" }),
        };

        var interaction = await Emulator.PostOkAsync("v1/interactions", body);

        Assert.StartsWith("Speaker ", interaction["output_text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_config_without_background_is_rejected()
    {
        var body = new JsonObject
        {
            ["model"] = "gemini-2.5-flash",
            ["input"] = "x",
            ["webhook_config"] = new JsonObject { ["uris"] = new JsonArray(Receiver.Uri("/x")) },
        };

        var (status, error) = await Emulator.PostAsync("v1/interactions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_ARGUMENT", error!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_stops_a_background_interaction_and_announces_it()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.CompletionDelay = TimeSpan.FromSeconds(30));
        var body = JsonNode.Parse("""{"model":"m","input":"x","background":true,"webhook_config":{"uris":["@@0@@"]}}""".Replace("@@0@@", Receiver.Uri("/cancel"), StringComparison.Ordinal))!;
        var id = (await emulator.PostOkAsync("v1/interactions", body))["id"]!.GetValue<string>();

        var cancelled = await emulator.PostOkAsync($"v1/interactions/{id}/cancel", null);

        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        Assert.Equal("interaction.cancelled", JsonNode.Parse((await Receiver.WaitForCountAsync(1))[0].Body)!["type"]!.GetValue<string>());
        var (deleted, _) = await emulator.SendAsync(HttpMethod.Delete, $"v1/interactions/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal(HttpStatusCode.NotFound, (await emulator.GetAsync($"v1/interactions/{id}")).Status);
    }

    [Fact]
    public async Task Job_failed_marker_fails_the_interaction_with_an_event()
    {
        var body = JsonNode.Parse("""{"model":"m","input":"x [emulator:job-failed]","background":true,"webhook_config":{"uris":["@@0@@"]}}""".Replace("@@0@@", Receiver.Uri("/fail"), StringComparison.Ordinal))!;
        var id = (await Emulator.PostOkAsync("v1/interactions", body))["id"]!.GetValue<string>();

        var envelope = JsonNode.Parse((await Receiver.WaitForCountAsync(1))[0].Body)!;
        var interaction = await Emulator.GetOkAsync($"v1/interactions/{id}");

        Assert.Equal("interaction.failed", envelope["type"]!.GetValue<string>());
        Assert.Equal(13, envelope["data"]!["error_code"]!.GetValue<int>());
        Assert.Equal("failed", interaction["status"]!.GetValue<string>());
        Assert.NotEmpty((JsonArray)interaction["errors"]!);
    }
}
