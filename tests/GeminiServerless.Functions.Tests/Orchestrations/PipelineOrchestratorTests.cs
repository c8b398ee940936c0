using GeminiServerless.Core.Pipelines;
using GeminiServerless.Functions.Activities;
using GeminiServerless.Functions.Orchestrations;
using Microsoft.DurableTask;
using Moq;

namespace GeminiServerless.Functions.Tests.Orchestrations;

public sealed class PipelineOrchestratorTests
{
    private static readonly DateTime Start = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    private static PipelineInput Input(string? callbackUrl = null) => new(
        "p-1",
        "transcribe-summarize",
        [
            new StagePlan("transcribe", JobKind.Batch, TimeSpan.FromMinutes(15), TimeSpan.FromHours(50)),
            new StagePlan("summarize", JobKind.Batch, TimeSpan.FromMinutes(15), TimeSpan.FromHours(50)),
        ],
        new Dictionary<string, string> { ["audio"] = "a.mp3" },
        callbackUrl);

    private static (OrchestrationContextMock Context, List<(string Id, StageRunInput Run)> Calls) Context(
        Func<StageRunInput, Task<StageResult>> stage, Task<string?>? cancel = null)
    {
        var calls = new List<(string, StageRunInput)>();
        var context = new OrchestrationContextMock("p-1", Start)
            .EnqueueEvent(EventNames.Cancel, cancel ?? new TaskCompletionSource<string?>().Task)
            .TrackStatus();
        context.Mock.Setup(c => c.CallSubOrchestratorAsync<StageResult>(
                It.Is<TaskName>(n => n.Name == nameof(GeminiJobOrchestrator)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName _, object? input, TaskOptions? options) =>
            {
                var run = (StageRunInput)input!;
                calls.Add((((SubOrchestrationOptions)options!).InstanceId!, run));
                return stage(run);
            });
        context.Mock.Setup(c => c.CallActivityAsync(It.Is<TaskName>(n => n.Name == nameof(PublishPipelineCompleted)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(Task.CompletedTask);
        return (context, calls);
    }

    private static StageResult Succeeded(StageRunInput run) =>
        new(run.Stage.Name, $"p-1:{run.StageIndex}-{run.Stage.Name}", RunState.Succeeded, "batches/" + run.Stage.Name, "Succeeded", $"http://blob/artifacts/p-1/{run.StageIndex}-{run.Stage.Name}.txt");

    [Fact]
    public async Task Stages_run_in_order_as_sub_orchestrations_and_feed_their_outputs_forward()
    {
        var (context, calls) = Context(run => Task.FromResult(Succeeded(run)));

        var result = await PipelineOrchestrator.RunAsync(context.Object, Input());

        Assert.Equal(RunState.Succeeded, result.State);
        Assert.Equal(["p-1:0-transcribe", "p-1:1-summarize"], calls.Select(c => c.Id));
        Assert.Empty(calls[0].Run.StageArtifacts);
        Assert.Equal("http://blob/artifacts/p-1/0-transcribe.txt", calls[1].Run.StageArtifacts["transcribe"]);
        context.Mock.Verify(c => c.CallActivityAsync(It.Is<TaskName>(n => n.Name == nameof(PublishPipelineCompleted)),
            It.Is<object?>(o => ((PipelineResult)o!).State == RunState.Succeeded), It.IsAny<TaskOptions?>()), Times.Once());
    }

    [Fact]
    public async Task A_failed_stage_ends_the_pipeline_failed_with_its_reason_and_skips_the_rest()
    {
        var (context, calls) = Context(run => Task.FromResult(Succeeded(run) with { State = RunState.Failed, Error = "The prompt was blocked (SAFETY)." }));

        var result = await PipelineOrchestrator.RunAsync(context.Object, Input());

        Assert.Equal(RunState.Failed, result.State);
        Assert.Single(calls);
        Assert.Contains("blocked (SAFETY)", result.Error, StringComparison.Ordinal);
        Assert.Equal(RunState.Pending, result.Stages[1].State);
    }

    [Fact]
    public async Task A_stage_that_throws_is_reported_as_failed()
    {
        var failure = new TaskFailedException("GeminiJobOrchestrator", 1, new TaskFailureDetails("GeminiApiException", "API key not valid.", null, null, null));
        var (context, _) = Context(_ => Task.FromException<StageResult>(failure));

        var result = await PipelineOrchestrator.RunAsync(context.Object, Input());

        Assert.Equal(RunState.Failed, result.State);
        Assert.Contains("API key not valid.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_during_a_stage_is_forwarded_to_that_stage()
    {
        var stage = new TaskCompletionSource<StageResult>();
        var cancel = new TaskCompletionSource<string?>();
        var (context, _) = Context(_ => stage.Task, cancel.Task);
        context.Mock.Setup(c => c.SendEvent("p-1:0-transcribe", EventNames.Cancel, It.IsAny<object>()))
            .Callback(() => stage.SetResult(new StageResult("transcribe", "p-1:0-transcribe", RunState.Cancelled, Error: "Cancelled by request.")));

        var run = PipelineOrchestrator.RunAsync(context.Object, Input());
        cancel.SetResult("user");
        var result = await run;

        Assert.Equal(RunState.Cancelled, result.State);
        context.Mock.Verify(c => c.SendEvent("p-1:0-transcribe", EventNames.Cancel, It.IsAny<object>()), Times.Once());
    }

    [Fact]
    public async Task A_callback_url_gets_the_result_after_the_queue_message()
    {
        var (context, _) = Context(run => Task.FromResult(Succeeded(run)));
        context.Mock.Setup(c => c.CallActivityAsync(It.Is<TaskName>(n => n.Name == nameof(SendPipelineCallback)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(Task.CompletedTask);

        await PipelineOrchestrator.RunAsync(context.Object, Input("https://caller.example/done"));

        context.Mock.Verify(c => c.CallActivityAsync(It.Is<TaskName>(n => n.Name == nameof(SendPipelineCallback)),
            It.Is<object?>(o => ((CallbackInput)o!).Url == "https://caller.example/done" && ((CallbackInput)o!).Result.State == RunState.Succeeded),
            It.IsAny<TaskOptions?>()), Times.Once());
    }

    [Fact]
    public async Task A_failing_callback_does_not_change_the_pipeline_result()
    {
        var (context, _) = Context(run => Task.FromResult(Succeeded(run)));
        context.Mock.Setup(c => c.CallActivityAsync(It.Is<TaskName>(n => n.Name == nameof(SendPipelineCallback)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(Task.FromException(new TaskFailedException(nameof(SendPipelineCallback), 9, new TaskFailureDetails("HttpRequestException", "The callback answered 500.", null, null, null))));

        var result = await PipelineOrchestrator.RunAsync(context.Object, Input("https://caller.example/done"));

        Assert.Equal(RunState.Succeeded, result.State);
    }

    [Fact]
    public async Task Without_a_callback_url_no_callback_is_sent()
    {
        var (context, _) = Context(run => Task.FromResult(Succeeded(run)));

        await PipelineOrchestrator.RunAsync(context.Object, Input());

        context.Mock.Verify(c => c.CallActivityAsync(It.Is<TaskName>(n => n.Name == nameof(SendPipelineCallback)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()), Times.Never());
    }
}
