using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class GenerateContentTests : IAsyncLifetime
{
    private const string Path = "v1/models/gemini-2.5-flash:generateContent";
    private TestEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Audio_request_gets_a_transcript_that_depends_only_on_the_audio_bytes()
    {
        var bytes = Requests.AudioBytes(5000, seed: 10);
        var first = await _emulator.UploadAsync(bytes, "audio/mpeg", "a");
        var second = await _emulator.UploadAsync(bytes, "audio/mpeg", "b");
        var other = await _emulator.UploadAsync(Requests.AudioBytes(5000, seed: 11), "audio/mpeg");

        var text1 = Text(await _emulator.PostOkAsync(Path, Requests.Audio(first["uri"]!.GetValue<string>(), "Transcribe.")));
        var text2 = Text(await _emulator.PostOkAsync(Path, Requests.Audio(second["uri"]!.GetValue<string>(), "Please transcribe this.")));
        var text3 = Text(await _emulator.PostOkAsync(Path, Requests.Audio(other["uri"]!.GetValue<string>(), "Transcribe.")));

        Assert.Equal(text1, text2);
        Assert.NotEqual(text1, text3);
        Assert.StartsWith("Speaker ", text1, StringComparison.Ordinal);
        Assert.True(text1.Split('\n').Length >= 3);
    }

    [Fact]
    public async Task Inline_audio_gets_the_same_transcript_as_the_uploaded_bytes()
    {
        var bytes = Requests.AudioBytes(2048, seed: 12);
        var file = await _emulator.UploadAsync(bytes, "audio/wav");
        var inline = new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject
            {
                ["parts"] = new JsonArray(new JsonObject
                {
                    ["inlineData"] = new JsonObject { ["mimeType"] = "audio/wav", ["data"] = Convert.ToBase64String(bytes) },
                }),
            }),
        };

        var fromFile = Text(await _emulator.PostOkAsync(Path, Requests.Audio(file["uri"]!.GetValue<string>(), mimeType: "audio/wav")));
        var fromInline = Text(await _emulator.PostOkAsync(Path, inline));

        Assert.Equal(fromFile, fromInline);
    }

    [Fact]
    public async Task Text_request_gets_a_deterministic_summary_and_the_read_fields()
    {
        var request = Requests.Text("Summarise: the quarterly budget review meeting covered hiring, travel and tooling.");

        var first = await _emulator.PostOkAsync(Path, request);
        var second = await _emulator.PostOkAsync(Path, request);

        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.StartsWith("Summary: ", Text(first), StringComparison.Ordinal);
        Assert.Contains("quarterly", Text(first), StringComparison.Ordinal);
        var candidate = first["candidates"]![0]!;
        Assert.Equal("model", candidate["content"]!["role"]!.GetValue<string>());
        Assert.Equal("STOP", candidate["finishReason"]!.GetValue<string>());
        Assert.Equal(0, candidate["index"]!.GetValue<int>());
        var usage = first["usageMetadata"]!;
        Assert.Equal(usage["promptTokenCount"]!.GetValue<int>() + usage["candidatesTokenCount"]!.GetValue<int>(), usage["totalTokenCount"]!.GetValue<int>());
        Assert.Equal("gemini-2.5-flash", first["modelVersion"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(first["responseId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Json_response_mime_type_wraps_the_text_in_a_json_object()
    {
        var request = Requests.Text("some words to summarise here");
        request["generationConfig"] = new JsonObject { ["responseMimeType"] = "application/json" };

        var text = Text(await _emulator.PostOkAsync(Path, request));

        Assert.StartsWith("Summary: ", JsonNode.Parse(text)!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_tokens_marker_truncates_with_MAX_TOKENS()
    {
        var normal = await _emulator.PostOkAsync(Path, Requests.Text("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima"));
        var truncated = await _emulator.PostOkAsync(Path, Requests.Text("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima [emulator:max-tokens]"));

        Assert.Equal("STOP", normal["candidates"]![0]!["finishReason"]!.GetValue<string>());
        Assert.Equal("MAX_TOKENS", truncated["candidates"]![0]!["finishReason"]!.GetValue<string>());
        Assert.True(Text(truncated).Length < Text(normal).Length);
    }

    [Fact]
    public async Task Max_output_tokens_setting_truncates_with_MAX_TOKENS()
    {
        var file = await _emulator.UploadAsync(Requests.AudioBytes(4000, seed: 13), "audio/mpeg");
        var request = Requests.Audio(file["uri"]!.GetValue<string>());
        request["generationConfig"] = new JsonObject { ["maxOutputTokens"] = 5 };

        var response = await _emulator.PostOkAsync(Path, request);

        Assert.Equal("MAX_TOKENS", response["candidates"]![0]!["finishReason"]!.GetValue<string>());
        Assert.True(response["usageMetadata"]!["candidatesTokenCount"]!.GetValue<int>() <= 5);
    }

    [Fact]
    public async Task Blocked_marker_gives_no_candidates_and_a_SAFETY_block_reason()
    {
        var response = await _emulator.PostOkAsync(Path, Requests.Text("please [emulator:blocked]"));

        Assert.Null(response["candidates"]);
        Assert.Equal("SAFETY", response["promptFeedback"]!["blockReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Marker_in_the_first_64_KiB_of_a_referenced_file_applies()
    {
        var bytes = Encoding.ASCII.GetBytes("RIFF....[emulator:blocked]....");
        var file = await _emulator.UploadAsync(bytes, "audio/wav");

        var response = await _emulator.PostOkAsync(Path, Requests.Audio(file["uri"]!.GetValue<string>()));

        Assert.Equal("SAFETY", response["promptFeedback"]!["blockReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Line_failed_marker_in_a_synchronous_call_is_a_500_INTERNAL()
    {
        var (status, body) = await _emulator.PostAsync(Path, Requests.Text("[emulator:line-failed]"));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("INTERNAL", body!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reference_to_an_unknown_file_is_a_404()
    {
        var (status, body) = await _emulator.PostAsync(Path, Requests.Audio("https://generativelanguage.googleapis.com/v1beta/files/doesnotexist"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NOT_FOUND", body!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void Transcript_is_a_pure_function_of_hash_and_size()
    {
        var sha = System.Security.Cryptography.SHA256.HashData("x"u8);

        var a = Outputs.ContentGenerator.Transcript(sha, 100);
        var b = Outputs.ContentGenerator.Transcript(sha, 100);
        var c = Outputs.ContentGenerator.Transcript(sha, 101);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a.Split('\n'), line => Assert.Matches(@"^Speaker [12]: [A-Z][a-z]+( [a-z]+)+\.$", line));
    }

    private static string Text(JsonObject response) => response["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>();
}
