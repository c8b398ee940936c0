using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class VideoTests
{
    [Fact]
    public async Task Predict_long_running_completes_with_a_downloadable_video_and_a_video_generated_event()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var body = JsonNode.Parse("""
            {"instances":[{"prompt":"A calm lake at sunrise"}],"parameters":{"sampleCount":1,"durationSeconds":8,"aspectRatio":"16:9"},
             "webhookConfig":{"uris":["@@0@@"],"userMetadata":{"instanceId":"inst-1"}}}
            """.Replace("@@0@@", receiver.Uri("/video"), StringComparison.Ordinal))!;

        var created = await emulator.PostOkAsync("v1beta/models/veo-3.1-generate-preview:predictLongRunning", body);
        var name = created["name"]!.GetValue<string>();
        Assert.Matches("^models/veo-3.1-generate-preview/operations/[a-z0-9]+$", name);

        var envelope = JsonNode.Parse((await receiver.WaitForCountAsync(1))[0].Body)!;
        var operation = await emulator.GetOkAsync("v1/" + name);

        Assert.Equal("video.generated", envelope["type"]!.GetValue<string>());
        Assert.Equal(name, envelope["data"]!["id"]!.GetValue<string>());
        Assert.True(operation["done"]!.GetValue<bool>());
        var uri = operation["response"]!["generateVideoResponse"]!["generatedSamples"]![0]!["video"]!["uri"]!.GetValue<string>();
        Assert.Matches("/v1/files/[a-z0-9]+:download\\?alt=media$", uri);
        var fileId = uri.Split("/files/")[1].Split(':')[0];
        Assert.Equal("files/" + fileId, envelope["data"]!["file_name"]!.GetValue<string>());
        var video = await emulator.Client.GetByteArrayAsync($"v1/files/{fileId}:download?alt=media");
        Assert.NotEmpty(video);
    }
}
