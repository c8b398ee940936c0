using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GeminiServerless.Core.Gemini;
using GeminiServerless.Core.Pipelines;

namespace GeminiServerless.Core.Tests.Gemini;

public sealed class FileBatchJobRunnerTests
{
    private const string ResponsesFile = """
        {"key":"gs-other","response":{"candidates":[{"content":{"role":"model","parts":[{"text":"not ours"}]},"finishReason":"STOP"}]}}

        {"key":"gs-inst-1","response":{"candidates":[{"content":{"role":"model","parts":[{"text":"our transcript"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":3}}}
        {"key":"gs-third","error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}}
        """;

    /// <summary>A stub of the upload → create sequence of <see cref="FileBatchJobRunner.CreateAsync"/>.</summary>
    private static RecordingHandler CreateServer() => new(request =>
    {
        switch (request.Header("x-goog-upload-command"))
        {
            case "start":
                var started = new HttpResponseMessage(HttpStatusCode.OK);
                started.Headers.Add("x-goog-upload-url", TestClients.BaseUrl + "/upload/v1/files?upload_id=U1&upload_protocol=resumable");
                return started;
            case "upload, finalize":
                var final = Responses.Json("""{"file":{"name":"files/in1","state":"ACTIVE","uri":"https://g.example/v1/files/in1"}}""");
                final.Headers.Add("x-goog-upload-status", "final");
                return final;
            default:
                return Responses.Json("""{"name":"batches/b1","metadata":{"displayName":"gs-inst-1","state":"BATCH_STATE_PENDING"}}""");
        }
    });

    private static RecordingHandler OutputServer(string state = "BATCH_STATE_SUCCEEDED", string displayName = "gs-inst-1") => new(request =>
        request.PathAndQuery.Contains(":download", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(ResponsesFile, Encoding.UTF8) }
            : Responses.Json(new JsonObject
            {
                ["name"] = "batches/b1",
                ["metadata"] = new JsonObject { ["displayName"] = displayName, ["state"] = state, ["output"] = new JsonObject { ["responsesFile"] = "files/batch-b1" } },
            }));

    private static FileBatchJobRunner Runner(RecordingHandler handler)
    {
        var client = TestClients.Client(handler);
        return new FileBatchJobRunner(client, client);
    }

    [Fact]
    public async Task Create_UploadsOneJsonlLineKeyedByTheDisplayName()
    {
        var handler = CreateServer();

        await Runner(handler).CreateAsync(Submissions.Of(JobKind.BatchFile, Part.FromText("Summarize.")), CancellationToken.None);

        var chunk = handler.Requests[1];
        var expected = JsonNode.Parse("""
            {"key":"gs-inst-1","request":{"contents":[{"role":"user","parts":[{"text":"Summarize."}]}],
             "systemInstruction":{"role":"user","parts":[{"text":"Be exact."}]},"generationConfig":{"temperature":0.2,"maxOutputTokens":1024}}}
            """);
        Assert.Equal(("application/jsonl", (byte)'\n'), (handler.Requests[0].Header("x-goog-upload-header-content-type"), chunk.Body![^1]));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(chunk.Body)), Encoding.UTF8.GetString(chunk.Body));
    }

    [Fact]
    public async Task Create_SubmitsABatchOverTheUploadedFile()
    {
        var handler = CreateServer();

        var job = await Runner(handler).CreateAsync(Submissions.Of(JobKind.BatchFile, Part.FromText("Summarize.")), CancellationToken.None);

        var create = handler.Requests[2];
        Assert.Equal(new JobRef(JobKind.BatchFile, "batches/b1"), job);
        Assert.Equal(("/v1/models/gemini-2.5-flash:batchGenerateContent", "files/in1", "gs-inst-1", "inst-1"),
            (create.PathAndQuery, create.Json!["batch"]!["inputConfig"]!["fileName"]!.GetValue<string>(),
             create.Json["batch"]!["displayName"]!.GetValue<string>(), create.Json["batch"]!["webhookConfig"]!["userMetadata"]!["instanceId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task GetOutput_ReadsTheResponsesLineWithTheBatchesKey()
    {
        var output = await Runner(OutputServer()).GetOutputAsync("batches/b1", CancellationToken.None);

        Assert.Equal(new JobOutput("our transcript", "STOP", 9, 3, null), output);
    }

    [Fact]
    public async Task GetOutput_WhenNoLineHasTheKey_IsAnError()
    {
        var output = await Runner(OutputServer(displayName: "gs-missing")).GetOutputAsync("batches/b1", CancellationToken.None);

        Assert.Equal("The responses file files/batch-b1 has no line with key 'gs-missing'.", output.Error);
    }

    [Fact]
    public async Task GetOutput_OfALineError_IsAnError()
    {
        var output = await Runner(OutputServer(displayName: "gs-third")).GetOutputAsync("batches/b1", CancellationToken.None);

        Assert.StartsWith("The request failed: bad", output.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOutput_OfARunningBatch_DoesNotDownload()
    {
        var handler = OutputServer(state: "BATCH_STATE_RUNNING");

        var output = await Runner(handler).GetOutputAsync("batches/b1", CancellationToken.None);

        Assert.Equal(("The batch is JOB_STATE_RUNNING, not succeeded.", 1), (output.Error, handler.Requests.Count));
    }

    [Fact]
    public async Task Find_ReturnsTheBatchWithTheDisplayNameFromALaterPage()
    {
        var handler = new RecordingHandler(request => request.PathAndQuery.Contains("pageToken=P2", StringComparison.Ordinal)
            ? Responses.Json("""{"operations":[{"name":"batches/b1","metadata":{"displayName":"gs-inst-1"}}]}""")
            : Responses.Json("""{"operations":[{"name":"batches/b0","metadata":{"displayName":"gs-other"}}],"nextPageToken":"P2"}"""));

        var found = await Runner(handler).FindAsync("gs-inst-1", CancellationToken.None);

        Assert.Equal(new JobRef(JobKind.BatchFile, "batches/b1"), found);
    }

    [Theory]
    [InlineData("BATCH_STATE_PENDING", JobStatus.Pending)]
    [InlineData("BATCH_STATE_RUNNING", JobStatus.Running)]
    [InlineData("BATCH_STATE_SUCCEEDED", JobStatus.Succeeded)]
    [InlineData("BATCH_STATE_FAILED", JobStatus.Failed)]
    [InlineData("BATCH_STATE_CANCELLED", JobStatus.Cancelled)]
    [InlineData("BATCH_STATE_EXPIRED", JobStatus.Expired)]
    public async Task Get_MapsTheBatchState(string state, JobStatus expected)
    {
        var snapshot = await Runner(OutputServer(state)).GetAsync("batches/b1", CancellationToken.None);

        Assert.Equal(expected, snapshot.Status);
    }
}
