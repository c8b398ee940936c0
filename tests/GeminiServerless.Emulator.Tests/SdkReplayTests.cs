using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

/// <summary>
/// Replays the requests the official <c>@google/genai</c> SDK sent (TestData/sdk-requests.jsonl) against the
/// emulator and checks each answer is a 2xx carrying the fields the SDK reads.
/// </summary>
public sealed class SdkReplayTests : IAsyncLifetime
{
    private const string CapturedHook = "https://example.test/api/webhooks/gemini/inst-1";
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);
    private TestEmulator _emulator = null!;
    private WebhookReceiver _receiver = null!;
    private string? _uploadUrl;

    public async Task InitializeAsync()
    {
        _emulator = await TestEmulator.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    public static IReadOnlyList<JsonObject> Records() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "sdk-requests.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => (JsonObject)JsonNode.Parse(l)!)
            .ToList();

    [Fact]
    public async Task Every_recorded_sdk_request_for_an_implemented_operation_gets_the_fields_the_sdk_reads()
    {
        var records = Records();
        var replayed = new List<string>();
        foreach (var record in records)
        {
            var op = record["op"]!.GetValue<string>();
            if (record["responseStatus"]!.GetValue<int>() != 200 || op == "files.download")
            {
                continue;
            }

            await PrepareAsync(op, records);
            var (status, headers, body, raw) = await ReplayAsync(record);
            Assert.True((int)status is >= 200 and < 300, $"{op}: HTTP {(int)status} {Encoding.UTF8.GetString(raw)}");
            await CheckAsync(op, headers, body, raw);
            replayed.Add(op);
        }

        Assert.Equal(29, replayed.Count);
    }

    private async Task PrepareAsync(string op, IReadOnlyList<JsonObject> records)
    {
        switch (op)
        {
            case "batches.create(file)":
                var line = new JsonObject { ["key"] = "req-1", ["request"] = Requests.Text("Summarise: hello world") };
                _ids["jsonl"] = Id((await _emulator.UploadAsync(Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"), "application/jsonl"))["name"]!);
                break;
            case "batches.get(output=responsesFile)":
                await _emulator.WaitForBatchStateAsync("batches/" + _ids["fileBatch"], "BATCH_STATE_SUCCEEDED");
                break;
            case "batches.get(output=inlinedResponses)":
                await _emulator.WaitForBatchStateAsync("batches/" + _ids["inlineBatch"], "BATCH_STATE_SUCCEEDED");
                break;
            case "operations.getVideosOperation":
                var create = records.First(r => r["op"]!.GetValue<string>() == "models.generateVideos@2.32.0");
                var (_, _, body, _) = await ReplayAsync(create);
                await AwaitVideoAsync(body!["name"]!.GetValue<string>());
                break;
            case "operations.getVideosOperation@2.32.0":
                await AwaitVideoAsync(_ids["videoOperation"]);
                break;
        }
    }

    private async Task AwaitVideoAsync(string operationName)
    {
        _ids["videoOperation"] = operationName;
        var done = await Poll.UntilAsync(async () =>
        {
            var operation = await _emulator.GetOkAsync("v1/" + operationName);
            return operation["done"]?.GetValue<bool>() == true ? operation : null;
        }, null, "the video operation");
        var uri = done["response"]!["generateVideoResponse"]!["generatedSamples"]![0]!["video"]!["uri"]!.GetValue<string>();
        _ids["video"] = uri.Split("/files/")[1].Split(':')[0];
    }

    private async Task<(HttpStatusCode Status, HttpResponseHeaders Headers, JsonObject? Body, byte[] Raw)> ReplayAsync(JsonObject record)
    {
        var op = record["op"]!.GetValue<string>();
        var path = Substitute(op, record["path"]!.GetValue<string>());
        if (path.Contains("upload_id=", StringComparison.Ordinal))
        {
            path = new Uri(_uploadUrl!).PathAndQuery;
        }

        using var request = new HttpRequestMessage(new HttpMethod(record["method"]!.GetValue<string>()), path.TrimStart('/'));
        var bodyKind = record["bodyKind"]!.GetValue<string>();
        request.Content = bodyKind switch
        {
            "json" => new ByteArrayContent(Encoding.UTF8.GetBytes(Substitute(op, record["body"]!.ToJsonString()))),
            "bytes" => new ByteArrayContent(Convert.FromBase64String(record["bodyBase64"]!.GetValue<string>())),
            _ when request.Method != HttpMethod.Get && request.Method != HttpMethod.Delete => new ByteArrayContent([]),
            _ => null,
        };
        foreach (var (name, value) in (JsonObject)record["headers"]!)
        {
            var text = value!.GetValue<string>();
            if (name is "content-length" or "host" || text.Length == 0)
            {
                continue;
            }

            if (name == "content-type")
            {
                if (request.Content is not null)
                {
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(text);
                }

                continue;
            }

            request.Headers.TryAddWithoutValidation(name, text);
        }

        using var response = await _emulator.Anonymous.SendAsync(request);
        var raw = await response.Content.ReadAsByteArrayAsync();
        JsonObject? body = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && raw.Length > 0)
        {
            body = JsonNode.Parse(raw) as JsonObject;
        }

        return (response.StatusCode, response.Headers, body, raw);
    }

    private string Substitute(string op, string text)
    {
        text = text.Replace(CapturedHook, _receiver.Uri("/api/webhooks/gemini/inst-1"), StringComparison.Ordinal);
        if (_ids.TryGetValue(op == "batches.create(file)" ? "jsonl" : "audio", out var fileId))
        {
            text = text.Replace("files/abc", "files/" + fileId, StringComparison.Ordinal);
        }

        foreach (var (captured, key) in new[]
                 {
                     ("batches/123:cancel", "snakeBatch"), ("batches/123", "fileBatch"), ("batches/456", "inlineBatch"), ("batch-123", "fileBatch"),
                     ("interactions/int-1", "interaction"), ("webhooks/wh-1", "webhook"), ("files/vid1", "video"),
                 })
        {
            if (_ids.TryGetValue(key, out var id) && text.Contains(captured, StringComparison.Ordinal))
            {
                var replacement = captured.Replace(captured.Split('/')[^1].Split(':')[0].Replace("batch-", string.Empty, StringComparison.Ordinal), id, StringComparison.Ordinal);
                text = text.Replace(captured, replacement, StringComparison.Ordinal);
            }
        }

        if (_ids.TryGetValue("videoOperation", out var operation))
        {
            text = text.Replace("models/veo-3.1-generate-preview/operations/op1", operation, StringComparison.Ordinal);
        }

        return text;
    }

    private async Task CheckAsync(string op, HttpResponseHeaders headers, JsonObject? body, byte[] raw)
    {
        switch (op)
        {
            case "files.upload(blob)" or "files.upload(path)" when headers.Contains("x-goog-upload-url"):
                Assert.Equal("active", headers.GetValues("x-goog-upload-status").Single());
                _uploadUrl = headers.GetValues("x-goog-upload-url").Single();
                Assert.True(Uri.IsWellFormedUriString(_uploadUrl, UriKind.Absolute));
                break;
            case "files.upload(blob)" or "files.upload(path)":
                Assert.Equal("final", headers.GetValues("x-goog-upload-status").Single());
                AssertFile(body!["file"]!);
                _ids.TryAdd("audio", Id(body["file"]!["name"]!));
                break;
            case "files.get":
                AssertFile(body!);
                break;
            case "models.generateContent":
                AssertHas(body!, "candidates", "usageMetadata", "modelVersion", "responseId");
                AssertHas(body!["candidates"]![0]!, "content", "finishReason", "index");
                Assert.False(string.IsNullOrEmpty(body["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>()));
                break;
            case "batches.create(inline)" or "batches.create(inline, caller-snake_case user_metadata)" or "batches.create(file)":
                AssertBatch(body!);
                Assert.Equal("BATCH_STATE_PENDING", body!["metadata"]!["state"]!.GetValue<string>());
                _ids[op switch { "batches.create(inline)" => "inlineBatch", "batches.create(file)" => "fileBatch", _ => "snakeBatch" }] = Id(body["name"]!);
                break;
            case "batches.get(output=responsesFile)":
                AssertBatch(body!);
                AssertHas(body!["metadata"]!, "endTime");
                Assert.Equal("files/batch-" + _ids["fileBatch"], body["metadata"]!["output"]!["responsesFile"]!.GetValue<string>());
                break;
            case "batches.get(output=inlinedResponses)":
                AssertBatch(body!);
                var items = (JsonArray)body!["metadata"]!["output"]!["inlinedResponses"]!["inlinedResponses"]!;
                Assert.Equal(2, items.Count);
                Assert.All(items, i => Assert.True(i!["response"] is not null || i["error"] is not null));
                break;
            case "batches.cancel" or "webhooks.ping" or "webhooks.delete":
                Assert.Equal("{}", body!.ToJsonString());
                break;
            case "batches.list(pageSize=2)":
                var operations = (JsonArray)body!["operations"]!;
                Assert.Equal(2, operations.Count);
                Assert.All(operations, o => AssertBatch(o!));
                Assert.NotNull(body["nextPageToken"]);
                break;
            case "files.download(batch output file)":
                var line = JsonNode.Parse(Encoding.UTF8.GetString(raw).Split('\n')[0])!;
                Assert.Equal("req-1", line["key"]!.GetValue<string>());
                Assert.NotNull(line["response"]);
                break;
            case "files.download(generated video)" or "files.download(generated video)@2.32.0":
                Assert.NotEmpty(raw);
                break;
            case "operations.getVideosOperation" or "operations.getVideosOperation@2.32.0":
                Assert.True(body!["done"]!.GetValue<bool>());
                Assert.Equal(_ids["videoOperation"], body["name"]!.GetValue<string>());
                Assert.NotNull(body["response"]!["generateVideoResponse"]!["generatedSamples"]![0]!["video"]!["uri"]);
                break;
            case "models.generateVideos@2.32.0":
                Assert.Matches("^models/veo-3.1-generate-preview/operations/[a-z0-9]+$", body!["name"]!.GetValue<string>());
                _ids["videoOperation"] = body["name"]!.GetValue<string>();
                break;
            case "interactions.create(background)":
                AssertHas(body!, "id", "model", "status", "created", "updated");
                Assert.Equal("in_progress", body!["status"]!.GetValue<string>());
                _ids["interaction"] = body["id"]!.GetValue<string>();
                await Poll.UntilAsync(async () =>
                {
                    var interaction = await _emulator.GetOkAsync("v1/interactions/" + _ids["interaction"]);
                    return interaction["status"]!.GetValue<string>() == "completed" ? interaction : null;
                }, null, "the interaction to complete");
                break;
            case "interactions.get":
                AssertHas(body!, "id", "model", "status", "created", "updated", "steps", "usage", "output_text");
                Assert.Equal("completed", body!["status"]!.GetValue<string>());
                break;
            case "interactions.cancel":
                AssertHas(body!, "id", "status");
                break;
            case "webhooks.create":
                AssertWebhook(body!);
                Assert.StartsWith("whsec_", body!["new_signing_secret"]!.GetValue<string>(), StringComparison.Ordinal);
                _ids["webhook"] = body["id"]!.GetValue<string>();
                break;
            case "webhooks.list":
                Assert.All((JsonArray)body!["webhooks"]!, w => AssertWebhook(w!));
                break;
            case "webhooks.get":
                AssertWebhook(body!);
                break;
            case "webhooks.update":
                AssertWebhook(body!);
                Assert.Equal("disabled", body!["state"]!.GetValue<string>());
                break;
            case "webhooks.rotateSigningSecret":
                Assert.StartsWith("whsec_", body!["secret"]!.GetValue<string>(), StringComparison.Ordinal);
                break;
            default:
                Assert.Fail($"No check for recorded operation {op}.");
                break;
        }
    }

    private static void AssertFile(JsonNode file) =>
        AssertHas(file, "name", "displayName", "mimeType", "sizeBytes", "createTime", "updateTime", "expirationTime", "sha256Hash", "uri", "state", "source");

    private static void AssertBatch(JsonNode batch)
    {
        AssertHas(batch, "name", "metadata");
        AssertHas(batch["metadata"]!, "displayName", "state", "createTime", "updateTime", "model");
        Assert.StartsWith("BATCH_STATE_", batch["metadata"]!["state"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static void AssertWebhook(JsonNode webhook) =>
        AssertHas(webhook, "id", "name", "uri", "subscribed_events", "state", "create_time", "update_time", "signing_secrets");

    private static void AssertHas(JsonNode node, params string[] fields)
    {
        foreach (var field in fields)
        {
            Assert.True(node[field] is not null, $"Missing '{field}' in {node.ToJsonString()}");
        }
    }

    private static string Id(JsonNode name) => name.GetValue<string>().Split('/')[^1];
}
