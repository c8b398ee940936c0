using System.Text.Json.Nodes;
using GeminiServerless.Core.Gemini;
using GeminiServerless.Core.Pipelines;

namespace GeminiServerless.Core.Tests.Gemini;

public sealed class VideoJobRunnerTests
{
    private const string Operation = "models/veo-3.1-generate-preview/operations/op1";

    private static (VideoJobRunner Runner, RecordingHandler Handler) Runner(string answer)
    {
        var handler = new RecordingHandler(_ => Responses.Json(answer));
        return (new VideoJobRunner(TestClients.Client(handler)), handler);
    }

    [Fact]
    public async Task Create_SendsThePromptAndATopLevelCamelCaseWebhookConfig()
    {
        var (runner, handler) = Runner($$"""{"name":"{{Operation}}"}""");
        var submission = new JobSubmission(Submissions.Stage(JobKind.Video, "veo-3.1-generate-preview"), [Part.FromText("A calm lake"), Part.FromText("at sunrise")], Submissions.DisplayName, Submissions.Webhook());

        await runner.CreateAsync(submission, CancellationToken.None);

        var expected = JsonNode.Parse("""
            {"instances":[{"prompt":"A calm lake\nat sunrise"}],"parameters":{"sampleCount":1},
             "webhookConfig":{"uris":["https://app.example/api/webhooks/gemini/inst-1"],"userMetadata":{"instanceId":"inst-1","stage":"transcribe"}}}
            """);
        var request = handler.Requests.Single();
        Assert.Equal("/v1/models/veo-3.1-generate-preview:predictLongRunning", request.PathAndQuery);
        Assert.True(JsonNode.DeepEquals(expected, request.Json), request.Json!.ToJsonString());
    }

    [Fact]
    public async Task Create_ReturnsTheOperationNameAsTheJobName()
    {
        var (runner, _) = Runner($$"""{"name":"{{Operation}}"}""");

        var job = await runner.CreateAsync(Submissions.Of(JobKind.Video, Part.FromText("A lake")), CancellationToken.None);

        Assert.Equal(new JobRef(JobKind.Video, Operation), job);
    }

    [Fact]
    public async Task Create_WithAMediaPart_IsRefusedBeforeSending()
    {
        var (runner, handler) = Runner("{}");

        await Assert.ThrowsAsync<NotSupportedException>(() => runner.CreateAsync(Submissions.Of(JobKind.Video, Part.FromFile("https://x/files/a", "image/png")), CancellationToken.None));

        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("""{"name":"op","done":false}""", JobStatus.Running)]
    [InlineData("""{"name":"op"}""", JobStatus.Running)]
    [InlineData("""{"name":"op","done":true,"response":{"generateVideoResponse":{"generatedSamples":[]}}}""", JobStatus.Succeeded)]
    [InlineData("""{"name":"op","done":true,"error":{"code":3,"message":"bad prompt"}}""", JobStatus.Failed)]
    [InlineData("""{"name":"op","done":true,"error":{"code":1,"message":"cancelled"}}""", JobStatus.Cancelled)]
    public async Task Get_MapsTheOperation(string answer, JobStatus expected)
    {
        var (runner, _) = Runner(answer);

        var snapshot = await runner.GetAsync(Operation, CancellationToken.None);

        Assert.Equal(expected, snapshot.Status);
    }

    [Fact]
    public async Task Get_ReadsTheOperationByItsFullName()
    {
        var (runner, handler) = Runner("""{"name":"op","done":false}""");

        await runner.GetAsync(Operation, CancellationToken.None);

        Assert.Equal("/v1/" + Operation, handler.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task GetOutput_ReturnsTheVideoUrisOneALine()
    {
        var (runner, _) = Runner("""
            {"name":"op","done":true,"response":{"generateVideoResponse":{"generatedSamples":[
              {"video":{"uri":"https://g.example/v1beta/files/v1:download?alt=media"}},{"video":{"uri":"https://g.example/v1beta/files/v2:download?alt=media"}}]}}}
            """);

        var output = await runner.GetOutputAsync(Operation, CancellationToken.None);

        Assert.Equal(new JobOutput("https://g.example/v1beta/files/v1:download?alt=media\nhttps://g.example/v1beta/files/v2:download?alt=media", "STOP", null, null, null), output);
    }

    [Fact]
    public async Task GetOutput_WhenSafetyFilteredEveryVideo_IsAnErrorWithTheReasons()
    {
        var (runner, _) = Runner("""
            {"name":"op","done":true,"response":{"generateVideoResponse":{"generatedSamples":[],"raiMediaFilteredCount":1,"raiMediaFilteredReasons":["person generation"]}}}
            """);

        var output = await runner.GetOutputAsync(Operation, CancellationToken.None);

        Assert.Equal("No video was generated; 1 filtered by safety: person generation.", output.Error);
    }

    [Fact]
    public async Task Find_ReturnsNothingWithoutCallingTheApi()
    {
        var (runner, handler) = Runner("{}");

        var found = await runner.FindAsync(Submissions.DisplayName, CancellationToken.None);

        Assert.Equal((null, 0), (found, handler.Requests.Count));
    }
}
