using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class BatchLifecycleTests : EmulatorAndReceiverTest
{
    [Fact]
    public async Task Create_answers_a_pending_operation_with_the_fields_the_sdk_reads()
    {
        var created = await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("shape", [Requests.Text("a"), Requests.Text("b")]));

        Assert.Matches("^batches/[a-z0-9]+$", created["name"]!.GetValue<string>());
        var metadata = created["metadata"]!;
        Assert.Equal("type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch", metadata["@type"]!.GetValue<string>());
        Assert.Equal("models/gemini-2.5-flash", metadata["model"]!.GetValue<string>());
        Assert.Equal("shape", metadata["displayName"]!.GetValue<string>());
        Assert.Equal("BATCH_STATE_PENDING", metadata["state"]!.GetValue<string>());
        Assert.NotNull(metadata["createTime"]);
        Assert.NotNull(metadata["updateTime"]);
        Assert.Equal("2", metadata["batchStats"]!["requestCount"]!.GetValue<string>());
        Assert.Equal("2", metadata["batchStats"]!["pendingRequestCount"]!.GetValue<string>());
        Assert.Null(created["done"]);
    }

    [Fact]
    public async Task Batch_moves_from_pending_through_running_to_succeeded()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.CompletionDelay = TimeSpan.FromMilliseconds(800));
        var name = (await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("states", [Requests.Text("a")])))["name"]!.GetValue<string>();
        var seen = new List<string>();

        await Poll.UntilAsync(async () =>
        {
            var state = (await emulator.GetOkAsync("v1/" + name))["metadata"]!["state"]!.GetValue<string>();
            if (seen.Count == 0 || seen[^1] != state)
            {
                seen.Add(state);
            }

            return state == "BATCH_STATE_SUCCEEDED" ? state : null;
        }, null, "success");

        Assert.Equal(["BATCH_STATE_PENDING", "BATCH_STATE_RUNNING", "BATCH_STATE_SUCCEEDED"], seen);
    }

    [Fact]
    public async Task File_batch_writes_a_jsonl_output_file_and_announces_it()
    {
        var audio = await Emulator.UploadAsync(Requests.AudioBytes(3000, seed: 30), "audio/mpeg");
        var lines = new[]
        {
            new JsonObject { ["key"] = "seg-001", ["request"] = Requests.Audio(audio["uri"]!.GetValue<string>()) },
            new JsonObject { ["key"] = "seg-002", ["request"] = Requests.Text("Summarise the budget talk [emulator:line-failed]") },
            new JsonObject { ["key"] = "seg-003", ["request"] = Requests.Text("Summarise the travel plan") },
        };
        var jsonl = Encoding.UTF8.GetBytes(string.Join('\n', lines.Select(l => l.ToJsonString())) + "\n");
        var input = await Emulator.UploadAsync(jsonl, "application/jsonl", "input.jsonl");
        var body = JsonNode.Parse("""
            {"batch":{"inputConfig":{"fileName":"@@0@@"},"displayName":"file-batch",
                      "webhookConfig":{"uris":["@@1@@"],"userMetadata":{"instanceId":"f"}}}}
            """.Replace("@@0@@", input["name"]!.GetValue<string>(), StringComparison.Ordinal).Replace("@@1@@", Receiver.Uri("/file"), StringComparison.Ordinal))!;

        var created = await Emulator.PostOkAsync(CreatePath, body);
        var name = created["name"]!.GetValue<string>();
        var id = name["batches/".Length..];
        Assert.Equal("3", created["metadata"]!["batchStats"]!["requestCount"]!.GetValue<string>());

        var envelope = JsonNode.Parse((await Receiver.WaitForCountAsync(1))[0].Body)!;
        Assert.Equal("batch.succeeded", envelope["type"]!.GetValue<string>());
        Assert.Equal($"files/batch-{id}", envelope["data"]!["output_file_uri"]!.GetValue<string>());

        var batch = await Emulator.GetOkAsync("v1/" + name);
        Assert.Equal($"files/batch-{id}", batch["metadata"]!["output"]!["responsesFile"]!.GetValue<string>());
        Assert.Equal($"files/batch-{id}", batch["response"]!["responsesFile"]!.GetValue<string>());
        Assert.Equal("2", batch["metadata"]!["batchStats"]!["successfulRequestCount"]!.GetValue<string>());
        Assert.Equal("1", batch["metadata"]!["batchStats"]!["failedRequestCount"]!.GetValue<string>());

        var outputFile = await Emulator.GetOkAsync($"v1/files/batch-{id}");
        Assert.Equal("GENERATED", outputFile["source"]!.GetValue<string>());
        var viaApi = await Emulator.Client.GetStringAsync($"v1/files/batch-{id}:download?alt=media");
        var viaDownload = await Emulator.Client.GetStringAsync($"download/v1beta/files/batch-{id}:download?alt=media");
        Assert.Equal(viaApi, viaDownload);
        var output = viaApi.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["seg-001", "seg-002", "seg-003"], output.Select(l => l["key"]!.GetValue<string>()));
        Assert.StartsWith("Speaker ", output[0]["response"]!["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(13, output[1]["error"]!["code"]!.GetValue<int>());
        Assert.Equal("INTERNAL", output[1]["error"]!["status"]!.GetValue<string>());
        Assert.Null(output[1]["response"]);
        Assert.NotNull(output[2]["response"]);
    }

    [Fact]
    public async Task Cancel_moves_a_running_batch_to_cancelled_and_announces_it()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.CompletionDelay = TimeSpan.FromSeconds(30));
        var name = (await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("cancel", [Requests.Text("a")], Requests.Webhook(Receiver.Uri("/cancel")))))["name"]!.GetValue<string>();

        var answer = await emulator.PostOkAsync($"v1/{name}:cancel", new JsonObject());

        Assert.Equal("{}", answer.ToJsonString());
        var batch = await emulator.GetOkAsync("v1/" + name);
        Assert.Equal("BATCH_STATE_CANCELLED", batch["metadata"]!["state"]!.GetValue<string>());
        Assert.True(batch["done"]!.GetValue<bool>());
        var envelope = JsonNode.Parse((await Receiver.WaitForCountAsync(1))[0].Body)!;
        Assert.Equal("batch.cancelled", envelope["type"]!.GetValue<string>());
        Assert.Equal(name, envelope["data"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_of_a_finished_batch_changes_nothing()
    {
        var name = (await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("done", [Requests.Text("a")])))["name"]!.GetValue<string>();
        await Emulator.WaitForBatchStateAsync(name, "BATCH_STATE_SUCCEEDED");

        await Emulator.PostOkAsync($"v1/{name}:cancel", new JsonObject());

        Assert.Equal("BATCH_STATE_SUCCEEDED", (await Emulator.GetOkAsync("v1/" + name))["metadata"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleted_batch_is_gone()
    {
        var name = (await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("delete", [Requests.Text("a")])))["name"]!.GetValue<string>();

        var (status, body) = await Emulator.SendAsync(HttpMethod.Delete, "v1/" + name);
        var (after, _) = await Emulator.GetAsync("v1/" + name);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{}", body!.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, after);
    }

    [Fact]
    public async Task List_is_newest_first_with_display_names_and_page_tokens()
    {
        var names = new List<string>();
        foreach (var displayName in new[] { "list-a", "list-b", "list-c" })
        {
            names.Add((await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch(displayName, [Requests.Text("a")])))["name"]!.GetValue<string>());
        }

        var page1 = await Emulator.GetOkAsync("v1/batches?pageSize=2");
        var page2 = await Emulator.GetOkAsync("v1/batches?pageSize=2&pageToken=" + page1["nextPageToken"]!.GetValue<string>());

        var operations = ((JsonArray)page1["operations"]!).Concat((JsonArray)page2["operations"]!).ToList();
        Assert.Equal([names[2], names[1], names[0]], operations.Select(o => o!["name"]!.GetValue<string>()));
        Assert.Equal(["list-c", "list-b", "list-a"], operations.Select(o => o!["metadata"]!["displayName"]!.GetValue<string>()));
        Assert.Null(page2["nextPageToken"]);
    }

    [Fact]
    public async Task File_batch_with_an_unknown_input_file_is_a_404()
    {
        var body = JsonNode.Parse("""{"batch":{"inputConfig":{"fileName":"files/nosuchfile"},"displayName":"x"}}""")!;

        var (status, error) = await Emulator.PostAsync(CreatePath, body);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NOT_FOUND", error!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inline_request_with_an_unknown_file_fails_only_its_line()
    {
        var name = (await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("missing-file",
            [Requests.Audio("https://generativelanguage.googleapis.com/v1beta/files/missing"), Requests.Text("fine")])))["name"]!.GetValue<string>();

        var batch = await Emulator.WaitForBatchStateAsync(name, "BATCH_STATE_SUCCEEDED");

        var responses = (JsonArray)batch["metadata"]!["output"]!["inlinedResponses"]!["inlinedResponses"]!;
        Assert.Equal("NOT_FOUND", responses[0]!["error"]!["status"]!.GetValue<string>());
        Assert.NotNull(responses[1]!["response"]);
    }

    [Fact]
    public async Task Inline_metadata_is_echoed_only_when_enabled()
    {
        await using var echoing = await TestEmulator.StartAsync(o => o.EchoInlinedMetadata = true);
        var plain = (await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("plain", [Requests.Text("a")])))["name"]!.GetValue<string>();
        var echoed = (await echoing.PostOkAsync(CreatePath, Requests.InlineBatch("echo", [Requests.Text("a")])))["name"]!.GetValue<string>();

        var plainItem = (await Emulator.WaitForBatchStateAsync(plain, "BATCH_STATE_SUCCEEDED"))["metadata"]!["output"]!["inlinedResponses"]!["inlinedResponses"]![0]!;
        var echoedItem = (await echoing.WaitForBatchStateAsync(echoed, "BATCH_STATE_SUCCEEDED"))["metadata"]!["output"]!["inlinedResponses"]!["inlinedResponses"]![0]!;

        Assert.Null(plainItem["metadata"]);
        Assert.Equal("req-1", echoedItem["metadata"]!["key"]!.GetValue<string>());
    }
}
