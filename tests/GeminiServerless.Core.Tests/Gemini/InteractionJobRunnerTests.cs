using System.Net;
using System.Text.Json.Nodes;
using GeminiServerless.Core.Gemini;
using GeminiServerless.Core.Pipelines;

namespace GeminiServerless.Core.Tests.Gemini;

public sealed class InteractionJobRunnerTests
{
    private static (InteractionJobRunner Runner, RecordingHandler Handler) Runner(string answer)
    {
        var handler = new RecordingHandler(_ => Responses.Json(answer));
        return (new InteractionJobRunner(TestClients.Interactions(handler)), handler);
    }

    [Fact]
    public async Task Create_SendsABackgroundStoredInteractionWithTheStageWebhook()
    {
        var (runner, handler) = Runner("""{"id":"int-7","status":"in_progress"}""");

        await runner.CreateAsync(Submissions.Of(JobKind.Interaction, Part.FromText("Summarize this.")), CancellationToken.None);

        var expected = JsonNode.Parse("""
            {"model":"gemini-2.5-flash","input":"Summarize this.","system_instruction":"Be exact.",
             "generation_config":{"temperature":0.2,"max_output_tokens":1024},"background":true,"store":true,
             "webhook_config":{"uris":["https://app.example/api/webhooks/gemini/inst-1"],"user_metadata":{"instanceId":"inst-1","stage":"transcribe"}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, handler.Requests.Single().Json), handler.Requests.Single().Json!.ToJsonString());
    }

    [Fact]
    public async Task Create_ReturnsTheInteractionIdAsTheJobName()
    {
        var (runner, _) = Runner("""{"id":"int-7","status":"in_progress"}""");

        var job = await runner.CreateAsync(Submissions.Of(JobKind.Interaction, Part.FromText("x")), CancellationToken.None);

        Assert.Equal(new JobRef(JobKind.Interaction, "int-7"), job);
    }

    [Fact]
    public void BuildRequest_TurnsMediaPartsIntoTypedContentBlocks()
    {
        var submission = Submissions.Of(JobKind.Interaction, Part.FromFile("https://g.example/v1/files/a1", "audio/mpeg"), Part.FromText("Transcribe."));

        var input = InteractionJobRunner.BuildRequest(submission).Input;

        var expected = JsonNode.Parse("""[{"type":"audio","uri":"https://g.example/v1/files/a1","mime_type":"audio/mpeg"},{"type":"text","text":"Transcribe."}]""");
        Assert.True(JsonNode.DeepEquals(expected, input), input!.ToJsonString());
    }

    [Theory]
    [InlineData("queued", JobStatus.Pending)]
    [InlineData("in_progress", JobStatus.Running)]
    [InlineData("completed", JobStatus.Succeeded)]
    [InlineData("failed", JobStatus.Failed)]
    [InlineData("budget_exceeded", JobStatus.Failed)]
    [InlineData("incomplete", JobStatus.Failed)]
    [InlineData("cancelled", JobStatus.Cancelled)]
    [InlineData("requires_action", JobStatus.RequiresAction)]
    [InlineData("requires_continuation", JobStatus.RequiresAction)]
    [InlineData("some_future_status", JobStatus.Running)]
    public async Task Get_MapsTheInteractionStatus(string status, JobStatus expected)
    {
        var (runner, _) = Runner($$"""{"id":"int-7","status":"{{status}}"}""");

        var snapshot = await runner.GetAsync("int-7", CancellationToken.None);

        Assert.Equal(expected, snapshot.Status);
    }

    [Fact]
    public async Task Get_OfAnIncompleteInteraction_ReportsTruncation()
    {
        var (runner, _) = Runner("""{"id":"int-7","status":"incomplete"}""");

        var snapshot = await runner.GetAsync("int-7", CancellationToken.None);

        Assert.Contains("truncated", snapshot.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OfAFailedInteraction_ReportsItsFirstError()
    {
        var (runner, _) = Runner("""{"id":"int-7","status":"failed","errors":[{"code":13,"message":"Internal error.","status":"INTERNAL"}]}""");

        var snapshot = await runner.GetAsync("int-7", CancellationToken.None);

        Assert.Equal("The interaction failed: Internal error. (INTERNAL).", snapshot.Error);
    }

    [Fact]
    public async Task GetOutput_OfACompletedInteraction_ReturnsOutputTextAndTokens()
    {
        var (runner, _) = Runner("""
            {"id":"int-7","status":"completed","steps":[{"type":"user_input","content":[{"type":"text","text":"q"}]},
              {"type":"model_output","content":[{"type":"text","text":"Hello "},{"type":"text","text":"world"}]}],
             "usage":{"total_input_tokens":12,"total_output_tokens":5,"total_tokens":17}}
            """);

        var output = await runner.GetOutputAsync("int-7", CancellationToken.None);

        Assert.Equal(new JobOutput("Hello world", "STOP", 12, 5, null), output);
    }

    [Fact]
    public async Task GetOutput_OfAnIncompleteInteraction_KeepsTheTextAndReportsTruncation()
    {
        var (runner, _) = Runner("""{"id":"int-7","status":"incomplete","output_text":"Half a tran"}""");

        var output = await runner.GetOutputAsync("int-7", CancellationToken.None);

        Assert.Equal(("Half a tran", "MAX_TOKENS", true), (output.Text, output.FinishReason, output.Error?.Contains("truncated", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GetOutput_OfACompletedInteractionWithoutText_IsAnError()
    {
        var (runner, _) = Runner("""{"id":"int-7","status":"completed","steps":[]}""");

        var output = await runner.GetOutputAsync("int-7", CancellationToken.None);

        Assert.Equal("The interaction returned no text.", output.Error);
    }

    [Fact]
    public async Task Cancel_PostsToTheCancelPath()
    {
        var (runner, handler) = Runner("""{"id":"int-7","status":"cancelled"}""");

        await runner.CancelAsync("int-7", CancellationToken.None);

        Assert.Equal((HttpMethod.Post, "/v1/interactions/int-7/cancel"), (handler.Requests.Single().Method, handler.Requests.Single().PathAndQuery));
    }

    [Fact]
    public async Task Find_ReturnsNothingWithoutCallingTheApi()
    {
        var (runner, handler) = Runner("{}");

        var found = await runner.FindAsync(Submissions.DisplayName, CancellationToken.None);

        Assert.Equal((null, 0), (found, handler.Requests.Count));
    }

    [Fact]
    public void TrailingText_StopsAtTheUserInputAndSkipsThoughts()
    {
        var steps = new List<InteractionStep>
        {
            new() { Type = "model_output", Content = [new() { Type = "text", Text = "old answer" }] },
            new() { Type = "user_input", Content = [new() { Type = "text", Text = "question" }] },
            new() { Type = "model_output", Content = [new() { Type = "text", Text = "A" }] },
            new() { Type = "thought", Content = [new() { Type = "text", Text = "thinking" }] },
            new() { Type = "model_output", Content = [new() { Type = "image", Uri = "x" }, new() { Type = "text", Text = "B" }] },
        };

        Assert.Equal("B", Interaction.TrailingText(steps));
    }

    [Fact]
    public async Task Create_WithAWebhookButNotInTheBackground_IsRefusedBeforeSending()
    {
        var handler = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));
        var request = new CreateInteractionRequest { Model = "m", Input = InteractionInput.Text("x"), WebhookConfig = Submissions.Webhook() };

        await Assert.ThrowsAsync<ArgumentException>(() => TestClients.Interactions(handler).CreateAsync(request));

        Assert.Empty(handler.Requests);
    }
}
