using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests.Conformance;

/// <summary>
/// SDK 3.x downloads a generated video only from an <c>https://</c> URI: it keeps the first <c>[a-z0-9]+</c>
/// run after <c>files/</c> and requests that id against its own base URL (sdk-wire.md, section j).
/// </summary>
public sealed partial class VideoUriTests
{
    [GeneratedRegex("[a-z0-9]+")]
    private static partial Regex SdkFileId();

    [Fact]
    public async Task Generated_video_uris_are_https_and_yield_a_downloadable_id_the_way_the_sdk_parses_them()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var body = JsonNode.Parse("""
            {"instances":[{"prompt":"A calm lake at sunrise"}],"parameters":{"sampleCount":1},"webhookConfig":{"uris":["@@0@@"]}}
            """.Replace("@@0@@", receiver.Uri("/video"), StringComparison.Ordinal))!;
        var name = (await emulator.PostOkAsync("v1/models/veo-3.1-generate-preview:predictLongRunning", body))["name"]!.GetValue<string>();

        var done = await Poll.UntilAsync(async () =>
        {
            var operation = await emulator.GetOkAsync("v1/" + name);
            return operation["done"]?.GetValue<bool>() == true ? operation : null;
        }, null, "the video operation");
        var uri = done["response"]!["generateVideoResponse"]!["generatedSamples"]![0]!["video"]!["uri"]!.GetValue<string>();
        var envelope = JsonNode.Parse((await receiver.WaitForCountAsync(1))[0].Body)!;

        var emulatorAuthority = new Uri(emulator.BaseUrl).Authority;
        Assert.StartsWith($"https://{emulatorAuthority}/v1/files/", uri, StringComparison.Ordinal);
        var sdkId = SdkFileId().Match(uri.Split("files/")[1]).Value;
        Assert.Equal(uri, envelope["data"]!["video_uri"]!.GetValue<string>());
        Assert.Equal("files/" + sdkId, envelope["data"]!["file_name"]!.GetValue<string>());
        Assert.NotEmpty(await emulator.Client.GetByteArrayAsync($"v1/files/{sdkId}:download?alt=media"));
    }
}
