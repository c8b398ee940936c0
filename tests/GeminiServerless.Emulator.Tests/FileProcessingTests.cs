using System.Net;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class FileProcessingTests
{
    [Fact]
    public async Task File_is_processing_for_the_configured_delay_and_cannot_be_used_meanwhile()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.FileProcessingDelay = TimeSpan.FromMilliseconds(600));
        var file = await emulator.UploadAsync([1, 2, 3], "audio/wav");
        Assert.Equal("PROCESSING", file["state"]!.GetValue<string>());

        var (status, body) = await emulator.PostAsync("v1/models/gemini-2.5-flash:generateContent", Requests.Audio(file["uri"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("FAILED_PRECONDITION", body!["error"]!["status"]!.GetValue<string>());

        await Poll.UntilAsync(async () =>
        {
            var current = await emulator.GetOkAsync("v1/" + file["name"]!.GetValue<string>());
            return current["state"]!.GetValue<string>() == "ACTIVE" ? current : null;
        }, null, "the file to become ACTIVE");
        var (after, _) = await emulator.PostAsync("v1/models/gemini-2.5-flash:generateContent", Requests.Audio(file["uri"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, after);
    }
}
