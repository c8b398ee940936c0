using System.Text.Json.Nodes;
using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Tests.Gemini;

/// <summary>
/// Drives each client operation against a stub that replays the official SDK's capture, and checks that our request
/// equals the SDK's: method, path and query, the headers that matter and the JSON body (compared semantically).
/// </summary>
public sealed class SdkWireTests
{
    private const string HookUri = "https://example.test/api/webhooks/gemini/inst-1";

    /// <summary>Captured operations our API cannot (or deliberately does not) reproduce, with the reason.</summary>
    private static readonly Dictionary<string, string> _notReproduced = new(StringComparer.Ordinal)
    {
        ["files.upload(path)"] = "a path upload adds x-goog-upload-file-name; our upload takes a Stream",
        ["batches.create(inline, caller-snake_case user_metadata)"] = "a caller quirk: WebhookConfig always sends the SDK type's own userMetadata",
        ["files.download(generated video, http uri)"] = "an SDK defect (http URIs become a 404 path); see DownloadFileAsync_FromHttpVideoUri_RequestsTheFileId",
        ["files.download(generated video, http uri)@2.32.0"] = "the same SDK defect under 2.32.0",
    };

    public static TheoryData<string> DrivenOperations => new(_drivers.Keys);

    private static readonly Dictionary<string, Func<RecordingHandler, Task>> _drivers = new(StringComparer.Ordinal)
    {
        ["files.upload(blob)"] = h => TestClients.Client(h).UploadAsync(new MemoryStream(SdkCapture.Calls("files.upload(blob)")[1].BodyBytes!), 66, "audio/mpeg", "wire-capture-audio"),
        ["files.get"] = h => TestClients.Client(h).GetFileAsync("files/abc"),
        ["files.download"] = h => DrainAsync(TestClients.Client(h).DownloadFileAsync("files/abc")),
        ["files.download(batch output file)"] = h => DrainAsync(TestClients.Client(h).DownloadFileAsync("files/batch-123")),
        ["files.download(generated video)"] = h => DrainAsync(TestClients.Client(h).DownloadFileAsync(SdkCapture.WithPort("http://127.0.0.1:PORT/v1/files/vid1:download?alt=media"))),
        ["models.generateContent"] = h => TestClients.Client(h).GenerateContentAsync("gemini-2.5-flash", CapturedGenerateContentRequest()),
        ["batches.create(inline)"] = h => TestClients.Client(h).CreateBatchAsync("gemini-2.5-flash", CapturedInlineSource(), new CreateBatchJobConfig { DisplayName = "inst-1-transcribe", WebhookConfig = CapturedWebhookConfig() }),
        ["batches.create(file)"] = h => TestClients.Client(h).CreateBatchAsync("gemini-2.5-flash", new BatchJobSource { FileName = "files/abc" }, new CreateBatchJobConfig { DisplayName = "inst-1-transcribe-file", WebhookConfig = CapturedWebhookConfig() }),
        ["batches.get(output=responsesFile)"] = h => TestClients.Client(h).GetBatchAsync("batches/123"),
        ["batches.get(output=inlinedResponses)"] = h => TestClients.Client(h).GetBatchAsync("batches/456"),
        ["batches.cancel"] = h => TestClients.Client(h).CancelBatchAsync("batches/123"),
        ["batches.list(pageSize=2)"] = h => TestClients.Client(h).ListBatchesAsync(pageSize: 2),
        ["operations.getVideosOperation"] = h => TestClients.Client(h).GetOperationAsync("models/veo-3.1-generate-preview/operations/op1"),
        ["models.generateVideos@2.32.0"] = h => VideoClient(h).GenerateVideosAsync("veo-3.1-generate-preview", "A calm lake at sunrise", CapturedVideoParameters(), CapturedWebhookConfig()),
        ["operations.getVideosOperation@2.32.0"] = h => VideoClient(h).GetOperationAsync("models/veo-3.1-generate-preview/operations/op1"),
        ["files.download(generated video)@2.32.0"] = h => DrainAsync(TestClients.Client(h, TestClients.Options("v1beta")).DownloadFileAsync(SdkCapture.WithPort("http://127.0.0.1:PORT/v1beta/files/vid1:download?alt=media"))),
        ["interactions.create(background)"] = h => TestClients.Interactions(h).CreateAsync(CapturedInteractionRequest()),
        ["interactions.get"] = h => TestClients.Interactions(h).GetAsync("int-1"),
        ["interactions.cancel"] = h => TestClients.Interactions(h).CancelAsync("int-1"),
        ["webhooks.create"] = h => TestClients.Webhooks(h).CreateAsync(new WebhookInput { Name = "wire-capture-hook", Uri = HookUri, SubscribedEvents = ["batch.succeeded", "batch.failed", "batch.expired", "video.generated"] }),
        ["webhooks.list"] = h => TestClients.Webhooks(h).ListAsync(pageSize: 10),
        ["webhooks.get"] = h => TestClients.Webhooks(h).GetAsync("wh-1"),
        ["webhooks.update"] = h => TestClients.Webhooks(h).UpdateAsync("wh-1", new WebhookUpdate { State = WebhookStates.Disabled }),
        ["webhooks.ping"] = h => TestClients.Webhooks(h).PingAsync("wh-1"),
        ["webhooks.rotateSigningSecret"] = h => TestClients.Webhooks(h).RotateSigningSecretAsync("wh-1", RevocationBehaviors.RevokePreviousSecretsAfterH24),
        ["webhooks.delete"] = h => TestClients.Webhooks(h).DeleteAsync("wh-1"),
    };

    [Fact]
    public void EveryCapturedOperation_IsDrivenOrDeliberatelyNotReproduced()
    {
        var uncovered = SdkCapture.All.Select(c => c.Op).Distinct()
            .Where(op => !_drivers.ContainsKey(op) && !_notReproduced.ContainsKey(op))
            .ToList();

        Assert.Empty(uncovered);
    }

    [Theory]
    [MemberData(nameof(DrivenOperations))]
    public async Task Request_EqualsTheSdkCapture(string op)
    {
        var expected = SdkCapture.Calls(op);
        var handler = SdkCapture.Replay(op);

        await _drivers[op](handler);

        Assert.Equal(expected.Count, handler.Requests.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            WireAssert.Matches(expected[i], handler.Requests[i]);
        }
    }

    [Theory]
    [InlineData("interactions.create(background)")]
    [InlineData("interactions.get")]
    [InlineData("interactions.cancel")]
    public async Task InteractionRequests_PinTheConfiguredApiRevision(string op)
    {
        var handler = SdkCapture.Replay(op);

        await _drivers[op](handler);

        Assert.Equal(GeminiOptions.DefaultApiRevision, handler.Requests.Single().Header("api-revision"));
    }

    [Fact]
    public async Task InteractionRequests_OmitApiRevision_WhenTheSettingIsEmpty()
    {
        var handler = SdkCapture.Replay("interactions.get");
        var options = TestClients.Options();
        options.ApiRevision = "";

        await TestClients.Interactions(handler, options).GetAsync("int-1");

        Assert.Null(handler.Requests.Single().Header("api-revision"));
    }

    [Fact]
    public async Task ApiVersionSetting_ChangesEveryPathPrefix()
    {
        var handler = new RecordingHandler(_ => Responses.Json("""{"name":"files/abc"}"""));

        await TestClients.Client(handler, TestClients.Options("v1beta")).GetFileAsync("files/abc");

        Assert.Equal("/v1beta/files/abc", handler.Requests.Single().PathAndQuery);
    }

    // ------------------------------------------------------------ response parsing (captured answers fed back)

    [Fact]
    public async Task Upload_ReturnsTheFileOfTheFinalAnswer()
    {
        var file = await (Task<GeminiFile>)Run("files.upload(blob)");

        Assert.Equal(("files/abc", "ACTIVE", 66L, "http://127.0.0.1:8080/v1/files/abc"), (file.Name, file.State, file.SizeBytes, file.Uri));
    }

    [Fact]
    public async Task GenerateContent_ReadsTheCandidateText()
    {
        var response = await (Task<GenerateContentResponse>)Run("models.generateContent");

        Assert.Equal(("{\"transcript\":\"hello world\"}", "STOP", 27), (response.Text, response.Candidates![0].FinishReason, response.UsageMetadata!.TotalTokenCount));
    }

    [Fact]
    public async Task CreateBatch_ReadsNameAndPendingState()
    {
        var job = await (Task<BatchJob>)Run("batches.create(inline)");

        Assert.Equal(("batches/123", JobStates.Pending, "inst-1-transcribe"), (job.Name, job.State, job.DisplayName));
    }

    [Fact]
    public async Task GetBatch_ReadsTheResponsesFileFromMetadataOutput()
    {
        var job = await (Task<BatchJob>)Run("batches.get(output=responsesFile)");

        Assert.Equal((JobStates.Succeeded, "files/batch-123"), (job.State, job.Dest?.FileName));
    }

    [Fact]
    public async Task GetBatch_ReadsInlinedResponsesAndLineErrorsInOrder()
    {
        var job = await (Task<BatchJob>)Run("batches.get(output=inlinedResponses)");

        var responses = job.Dest!.InlinedResponses!;
        Assert.Equal(("out 1", 400), (responses[0].Response?.Text, responses[1].Error?.Code));
    }

    [Fact]
    public async Task ListBatches_ReadsOperationsAndTheNextPageToken()
    {
        var page = await (Task<BatchJobPage>)Run("batches.list(pageSize=2)");

        Assert.Equal(
            ["batches/123:JOB_STATE_RUNNING", "batches/456:JOB_STATE_FAILED:internal error"],
            page.Jobs.Select(j => j.Error is null ? $"{j.Name}:{j.State}" : $"{j.Name}:{j.State}:{j.Error.Message}"));
        Assert.Equal("PAGE-2", page.NextPageToken);
    }

    [Fact]
    public async Task Download_StreamsTheFileBytes()
    {
        var handler = SdkCapture.Replay("files.download(batch output file)");

        await using var stream = await TestClients.Client(handler).DownloadFileAsync("files/batch-123");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.Equal(SdkCapture.Payload(203), copy.ToArray());
    }

    [Fact]
    public async Task GetOperation_MapsGeneratedSamplesToGeneratedVideos()
    {
        var operation = await (Task<GenerateVideosOperation>)Run("operations.getVideosOperation");

        Assert.True(operation.Done);
        Assert.Equal("http://127.0.0.1:8080/v1/files/vid1:download?alt=media", operation.Response!.GeneratedVideos.Single().Video!.Uri);
    }

    [Fact]
    public async Task GenerateVideos_ReturnsTheOperationName()
    {
        var operation = await (Task<GenerateVideosOperation>)Run("models.generateVideos@2.32.0");

        Assert.Equal(("models/veo-3.1-generate-preview/operations/op1", false), (operation.Name, operation.Done));
    }

    [Fact]
    public async Task CreateInteraction_ReadsIdAndStatus()
    {
        var interaction = await (Task<Interaction>)Run("interactions.create(background)");

        Assert.Equal(("int-1", InteractionStatuses.InProgress), (interaction.Id, interaction.Status));
    }

    [Fact]
    public async Task GetInteraction_DerivesOutputTextAndUsage()
    {
        var interaction = await (Task<Interaction>)Run("interactions.get");

        Assert.Equal(("Transcript: hello world", 12, 5), (interaction.OutputText, interaction.Usage?.TotalInputTokens, interaction.Usage?.TotalOutputTokens));
    }

    [Fact]
    public async Task CancelInteraction_ReturnsTheCancelledInteraction()
    {
        var interaction = await (Task<Interaction>)Run("interactions.cancel");

        Assert.Equal(InteractionStatuses.Cancelled, interaction.Status);
    }

    [Fact]
    public async Task CreateWebhook_ReturnsTheOneTimeSigningSecret()
    {
        var webhook = await (Task<Webhook>)Run("webhooks.create");

        Assert.Equal(("wh-1", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_abcd..."), (webhook.Id, webhook.NewSigningSecret, webhook.SigningSecrets?.Single().TruncatedSecret));
    }

    [Fact]
    public async Task ListWebhooks_ReadsWebhooksAndTheNextPageToken()
    {
        var page = await (Task<WebhookListResponse>)Run("webhooks.list");

        Assert.Equal((1, "NEXT", 3), (page.Webhooks.Count, page.NextPageToken, page.Webhooks[0].SubscribedEvents.Count));
    }

    [Fact]
    public async Task UpdateWebhook_ReturnsTheNewState()
    {
        var webhook = await (Task<Webhook>)Run("webhooks.update");

        Assert.Equal(WebhookStates.Disabled, webhook.State);
    }

    [Fact]
    public async Task RotateSigningSecret_ReturnsTheNewSecret()
    {
        var secret = await (Task<string>)Run("webhooks.rotateSigningSecret");

        Assert.Equal("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", secret);
    }

    [Fact]
    public async Task DownloadFileAsync_FromHttpVideoUri_RequestsTheFileId()
    {
        var handler = new RecordingHandler(_ => new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([1, 2, 3]) });

        await DrainAsync(TestClients.Client(handler).DownloadFileAsync("http://127.0.0.1:8080/v1/files/vid1:download?alt=media"));

        Assert.Equal("/v1/files/vid1:download?alt=media", handler.Requests.Single().PathAndQuery);
    }

    // ------------------------------------------------------------ inputs equal to the capture's

    private static Task Run(string op) => _drivers[op](SdkCapture.Replay(op));

    private static GeminiClient VideoClient(RecordingHandler handler)
    {
        var options = TestClients.Options("v1");
        options.VideoApiVersion = "v1beta";
        return TestClients.Client(handler, options);
    }

    private static async Task DrainAsync(Task<Stream> download)
    {
        await using var stream = await download;
        await stream.CopyToAsync(Stream.Null);
    }

    private static WebhookConfig CapturedWebhookConfig() => new()
    {
        Uris = [HookUri],
        UserMetadata = new Dictionary<string, string> { ["instanceId"] = "inst-1", ["stage"] = "transcribe" },
    };

    private static Part AudioPart() => Part.FromFile("https://generativelanguage.googleapis.com/v1beta/files/abc", "audio/mpeg");

    private static GenerateContentRequest CapturedGenerateContentRequest() => new()
    {
        Contents = [Content.User(AudioPart(), Part.FromText("Transcribe this audio."))],
        SystemInstruction = Content.User(Part.FromText("You are a careful transcriber.")),
        GenerationConfig = new GenerationConfig { Temperature = 0.2, ResponseMimeType = "application/json" },
    };

    private static BatchJobSource CapturedInlineSource() => new()
    {
        InlinedRequests =
        [
            new InlinedRequest
            {
                Request = new GenerateContentRequest
                {
                    Contents = [Content.User(Part.FromText("Summarise: hello world"))],
                    SystemInstruction = Content.User(Part.FromText("Be brief.")),
                    GenerationConfig = new GenerationConfig { Temperature = 0.1, ResponseMimeType = "text/plain" },
                },
                Metadata = new Dictionary<string, string> { ["key"] = "req-1" },
            },
            new InlinedRequest
            {
                Request = new GenerateContentRequest { Contents = [Content.User(AudioPart(), Part.FromText("Transcribe."))] },
                Metadata = new Dictionary<string, string> { ["key"] = "req-2" },
            },
        ],
    };

    private static GenerateVideosParameters CapturedVideoParameters() => new() { SampleCount = 1, DurationSeconds = 8, AspectRatio = "16:9" };

    private static CreateInteractionRequest CapturedInteractionRequest() => new()
    {
        Model = "gemini-2.5-flash",
        Input = InteractionInput.Text("Transcribe the attached audio."),
        SystemInstruction = "You are a careful transcriber.",
        GenerationConfig = new InteractionGenerationConfig { Temperature = 0.2 },
        Background = true,
        Store = true,
        WebhookConfig = CapturedWebhookConfig(),
    };
}

/// <summary>Compares one of our requests with the SDK's.</summary>
internal static class WireAssert
{
    private const string UploadHeaderPrefix = "x-goog-upload-";

    public static void Matches(CapturedCall expected, RecordedRequest actual)
    {
        var where = $"{expected.Op} {expected.Method} {expected.Path}";
        Assert.True(expected.Method == actual.Method.Method, $"{where}: method {actual.Method}");
        Assert.True(expected.Path == actual.PathAndQuery, $"{where}: path {actual.PathAndQuery}");
        Assert.True(expected.Headers["x-goog-api-key"] == actual.Header("x-goog-api-key"), $"{where}: x-goog-api-key {actual.Header("x-goog-api-key")}");

        var expectedUpload = expected.Headers.Where(h => h.Key.StartsWith(UploadHeaderPrefix, StringComparison.Ordinal)).OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        var actualUpload = actual.Headers.Where(h => h.Key.StartsWith(UploadHeaderPrefix, StringComparison.Ordinal)).OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        Assert.True(expectedUpload.SequenceEqual(actualUpload), $"{where}: upload headers [{string.Join("; ", actualUpload)}], expected [{string.Join("; ", expectedUpload)}]");

        if (expected.Headers.TryGetValue("accept", out var accept) && accept == "application/json")
        {
            Assert.True(actual.Header("accept")?.Contains("application/json", StringComparison.Ordinal) == true, $"{where}: accept {actual.Header("accept")}");
        }

        switch (expected.BodyKind)
        {
            case "json":
                var media = actual.Header("content-type")?.Split(';')[0];
                Assert.True(media == "application/json", $"{where}: content-type {actual.Header("content-type")}");
                Assert.True(JsonNode.DeepEquals(expected.Body, actual.Json), $"{where}: body {actual.Json?.ToJsonString()}, expected {expected.Body?.ToJsonString()}");
                break;
            case "bytes":
                Assert.True(expected.BodyBytes!.AsSpan().SequenceEqual(actual.Body), $"{where}: {actual.Body?.Length} body bytes differ from the capture's {expected.BodyBytes!.Length}");
                break;
            default:
                Assert.True(actual.Body is null || actual.Body.Length == 0, $"{where}: unexpected body of {actual.Body?.Length} bytes");
                break;
        }
    }
}
