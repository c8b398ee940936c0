using System.Text;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class FaultMarkerTests : IAsyncLifetime
{
    private const string CreatePath = "v1/models/gemini-2.5-flash:batchGenerateContent";
    private TestEmulator _emulator = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _emulator = await TestEmulator.StartAsync(o => o.SlowFactor = 40);
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Job_failed_marker_ends_the_batch_FAILED_with_an_error_and_a_failed_event()
    {
        var name = await CreateAsync("Summarise [emulator:job-failed]", "/failed");

        var envelope = JsonNode.Parse((await _receiver.WaitForCountAsync(1))[0].Body)!;
        var batch = await _emulator.GetOkAsync("v1/" + name);

        Assert.Equal("batch.failed", envelope["type"]!.GetValue<string>());
        Assert.Equal(name, envelope["data"]!["id"]!.GetValue<string>());
        Assert.Equal(13, envelope["data"]!["error_code"]!.GetValue<int>());
        Assert.Contains("job-failed", envelope["data"]!["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("BATCH_STATE_FAILED", batch["metadata"]!["state"]!.GetValue<string>());
        Assert.True(batch["done"]!.GetValue<bool>());
        Assert.Equal(13, batch["error"]!["code"]!.GetValue<int>());
        Assert.Null(batch["response"]);
        Assert.Null(batch["metadata"]!["output"]);
    }

    [Fact]
    public async Task Job_expired_marker_ends_the_batch_EXPIRED_with_an_expired_event()
    {
        var name = await CreateAsync("Summarise [emulator:job-expired]", "/expired");

        var envelope = JsonNode.Parse((await _receiver.WaitForCountAsync(1))[0].Body)!;
        var batch = await _emulator.GetOkAsync("v1/" + name);

        Assert.Equal("batch.expired", envelope["type"]!.GetValue<string>());
        Assert.Equal("BATCH_STATE_EXPIRED", batch["metadata"]!["state"]!.GetValue<string>());
        Assert.True(batch["done"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Line_failed_marker_fails_only_that_request_of_a_succeeded_batch()
    {
        var body = Requests.InlineBatch("line", [Requests.Text("first"), Requests.Text("second [emulator:line-failed]"), Requests.Text("third")], Requests.Webhook(_receiver.Uri("/line")));
        var name = (await _emulator.PostOkAsync(CreatePath, body))["name"]!.GetValue<string>();

        var envelope = JsonNode.Parse((await _receiver.WaitForCountAsync(1))[0].Body)!;
        var batch = await _emulator.GetOkAsync("v1/" + name);

        Assert.Equal("batch.succeeded", envelope["type"]!.GetValue<string>());
        var responses = (JsonArray)batch["metadata"]!["output"]!["inlinedResponses"]!["inlinedResponses"]!;
        Assert.NotNull(responses[0]!["response"]);
        Assert.Equal(13, responses[1]!["error"]!["code"]!.GetValue<int>());
        Assert.Equal("INTERNAL", responses[1]!["error"]!["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(responses[1]!["error"]!["message"]!.GetValue<string>()));
        Assert.NotNull(responses[2]!["response"]);
        Assert.Equal("1", batch["metadata"]!["batchStats"]!["failedRequestCount"]!.GetValue<string>());
        Assert.Equal("2", batch["metadata"]!["batchStats"]!["successfulRequestCount"]!.GetValue<string>());
    }

    [Fact]
    public async Task Max_tokens_and_blocked_markers_shape_the_batch_responses()
    {
        var body = Requests.InlineBatch("shapes", [Requests.Text("one two three four five six seven eight [emulator:max-tokens]"), Requests.Text("[emulator:blocked]")]);
        var name = (await _emulator.PostOkAsync(CreatePath, body))["name"]!.GetValue<string>();

        var batch = await _emulator.WaitForBatchStateAsync(name, "BATCH_STATE_SUCCEEDED");

        var responses = (JsonArray)batch["metadata"]!["output"]!["inlinedResponses"]!["inlinedResponses"]!;
        Assert.Equal("MAX_TOKENS", responses[0]!["response"]!["candidates"]![0]!["finishReason"]!.GetValue<string>());
        Assert.Null(responses[1]!["response"]!["candidates"]);
        Assert.Equal("SAFETY", responses[1]!["response"]!["promptFeedback"]!["blockReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_webhook_marker_suppresses_the_delivery()
    {
        var name = await CreateAsync("quiet [emulator:no-webhook]", "/quiet");

        await _emulator.WaitForBatchStateAsync(name, "BATCH_STATE_SUCCEEDED");
        await Poll.UntilAsync(async () =>
        {
            var stats = (await _emulator.GetAsync("emulator/stats", _emulator.Anonymous)).Body!;
            return stats["deliveries"]!["byStatus"]!["suppressed"] is not null ? stats : null;
        }, null, "the suppression to be counted");

        Assert.Empty(_receiver.Received);
        Assert.Empty(await _emulator.DeliveriesAsync(name));
    }

    [Fact]
    public async Task Duplicate_webhook_marker_delivers_the_same_event_twice()
    {
        await CreateAsync("twice [emulator:duplicate-webhook]", "/twice");

        var deliveries = await _receiver.WaitForCountAsync(2);

        Assert.Equal(deliveries[0].Header("webhook-id"), deliveries[1].Header("webhook-id"));
        Assert.Equal(deliveries[0].BodyText, deliveries[1].BodyText);
    }

    [Fact]
    public async Task Slow_marker_makes_the_batch_finish_after_a_normal_one_created_later()
    {
        var slow = await CreateAsync("slow one [emulator:slow]", "/slow");
        var normal = await CreateAsync("normal one", "/normal");

        var first = (await _receiver.WaitForCountAsync(1))[0];
        var slowBatch = await _emulator.GetOkAsync("v1/" + slow);

        Assert.Equal("/normal", first.Path);
        Assert.Equal(normal, JsonNode.Parse(first.Body)!["data"]!["id"]!.GetValue<string>());
        Assert.NotEqual("BATCH_STATE_SUCCEEDED", slowBatch["metadata"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Marker_inside_a_referenced_audio_file_fails_the_job()
    {
        var audio = await _emulator.UploadAsync(Encoding.ASCII.GetBytes("ID3....[emulator:job-failed]...."), "audio/mpeg");
        var body = Requests.InlineBatch("file-marker", [Requests.Audio(audio["uri"]!.GetValue<string>())], Requests.Webhook(_receiver.Uri("/file-marker")));
        var name = (await _emulator.PostOkAsync(CreatePath, body))["name"]!.GetValue<string>();

        var envelope = JsonNode.Parse((await _receiver.WaitForCountAsync(1))[0].Body)!;

        Assert.Equal("batch.failed", envelope["type"]!.GetValue<string>());
        Assert.Equal("BATCH_STATE_FAILED", (await _emulator.GetOkAsync("v1/" + name))["metadata"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task File_failed_marker_marks_an_upload_FAILED()
    {
        var file = await _emulator.UploadAsync(Encoding.ASCII.GetBytes("[emulator:file-failed]"), "audio/mpeg");

        Assert.Equal("FAILED", file["state"]!.GetValue<string>());
        Assert.NotNull(file["error"]);
    }

    private async Task<string> CreateAsync(string text, string path)
    {
        var body = Requests.InlineBatch(path.Trim('/'), [Requests.Text(text)], Requests.Webhook(_receiver.Uri(path)));
        return (await _emulator.PostOkAsync(CreatePath, body))["name"]!.GetValue<string>();
    }
}
