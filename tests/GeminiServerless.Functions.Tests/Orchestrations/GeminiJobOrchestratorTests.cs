using GeminiServerless.Core.Pipelines;
using GeminiServerless.Functions.Activities;
using GeminiServerless.Functions.Orchestrations;
using Moq;

namespace GeminiServerless.Functions.Tests.Orchestrations;

public sealed class GeminiJobOrchestratorTests
{
    private const string InstanceId = "p-1:0-transcribe";
    private static readonly DateTime Start = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
    private static readonly JobRef Job = new(JobKind.Batch, "batches/abc");

    private static StageRunInput Input(TimeSpan? reconcile = null, TimeSpan? deadline = null) => new(
        "p-1", "transcribe-summarize", 0,
        new StagePlan("transcribe", JobKind.Batch, reconcile ?? TimeSpan.FromMinutes(15), deadline ?? TimeSpan.FromHours(2)),
        new Dictionary<string, string> { ["audio"] = "a.mp3" },
        new Dictionary<string, string>());

    private static OrchestrationContextMock Context(Task<string?>? cancel = null) =>
        new OrchestrationContextMock(InstanceId, Start)
            .OnActivity<SubmitJobInput, JobRef>(nameof(SubmitGeminiJob), _ => Job)
            .OnActivity<JobRef, bool>(nameof(CancelGeminiJob), _ => true)
            .OnActivity<StoreOutputInput, StageOutput>(nameof(StoreStageOutput), i => new StageOutput($"http://blob/artifacts/p-1/{i.StageKey}.txt", "STOP", 100, 20, null))
            .EnqueueEvent(EventNames.Cancel, cancel ?? new TaskCompletionSource<string?>().Task)
            .TrackStatus();

    private static Task<JobEvent> Event(string type = "batch.succeeded") => Task.FromResult(new JobEvent(type, Job.Name, "msg_1"));

    [Fact]
    public async Task Event_wins_reads_the_job_then_stores_its_output()
    {
        var context = Context()
            .EnqueueEvent(EventNames.GeminiJobCompleted, Event())
            .OnActivity<JobRef, JobSnapshot>(nameof(GetGeminiJob), _ => new JobSnapshot(Job.Name, JobStatus.Succeeded, null));

        var result = await GeminiJobOrchestrator.RunAsync(context.Object, Input());

        Assert.Equal(RunState.Succeeded, result.State);
        Assert.Equal("http://blob/artifacts/p-1/0-transcribe.txt", result.ArtifactUri);
        Assert.Equal(Job.Name, result.JobName);
        context.VerifyActivity<JobSnapshot>(nameof(GetGeminiJob), Times.Once());
        context.VerifyActivity<bool>(nameof(CancelGeminiJob), Times.Never());
        Assert.True(context.TimerRequests.Single().Token.IsCancellationRequested, "The losing timer must be cancelled.");
    }

    [Fact]
    public async Task Event_that_finds_the_job_still_running_waits_again()
    {
        var states = new Queue<JobStatus>([JobStatus.Running, JobStatus.Succeeded]);
        var context = Context()
            .EnqueueEvent(EventNames.GeminiJobCompleted, Event())
            .EnqueueEvent(EventNames.GeminiJobCompleted, Event())
            .OnActivity<JobRef, JobSnapshot>(nameof(GetGeminiJob), _ => new JobSnapshot(Job.Name, states.Dequeue(), null));

        var result = await GeminiJobOrchestrator.RunAsync(context.Object, Input());

        Assert.Equal(RunState.Succeeded, result.State);
        context.VerifyActivity<JobSnapshot>(nameof(GetGeminiJob), Times.Exactly(2));
    }

    [Fact]
    public async Task Timer_wins_polls_once_and_finishes_when_the_job_is_done()
    {
        var context = Context()
            .NeverEvent<JobEvent>(EventNames.GeminiJobCompleted)
            .EnqueueTimer(Task.CompletedTask)
            .OnActivity<JobRef, JobSnapshot>(nameof(GetGeminiJob), _ => new JobSnapshot(Job.Name, JobStatus.Succeeded, null));

        var result = await GeminiJobOrchestrator.RunAsync(context.Object, Input(reconcile: TimeSpan.FromMinutes(10)));

        Assert.Equal(RunState.Succeeded, result.State);
        Assert.Equal(Start.AddMinutes(10), context.TimerRequests.Single().FireAt);
        context.VerifyActivity<StageOutput>(nameof(StoreStageOutput), Times.Once());
    }

    [Fact]
    public async Task Timer_wins_with_job_not_done_keeps_the_same_event_wait()
    {
        var states = new Queue<JobStatus>([JobStatus.Running, JobStatus.Running, JobStatus.Succeeded]);
        var context = Context()
            .NeverEvent<JobEvent>(EventNames.GeminiJobCompleted)
            .EnqueueTimer(Task.CompletedTask).EnqueueTimer(Task.CompletedTask).EnqueueTimer(Task.CompletedTask)
            .OnActivity<JobRef, JobSnapshot>(nameof(GetGeminiJob), _ => new JobSnapshot(Job.Name, states.Dequeue(), null));

        var result = await GeminiJobOrchestrator.RunAsync(context.Object, Input());

        Assert.Equal(RunState.Succeeded, result.State);
        Assert.Equal(3, context.TimerRequests.Count);
        // A wait cancelled by a timer could swallow a later event: the pending wait is re-used, never re-created.
        Assert.Single(context.EventWaits, n => n == EventNames.GeminiJobCompleted);
    }

    [Fact]
    public async Task Failure_event_fails_the_stage_with_the_job_error_and_stores_nothing()
    {
        var context = Context()
            .EnqueueEvent(EventNames.GeminiJobCompleted, Event("batch.failed"))
            .OnActivity<JobRef, JobSnapshot>(nameof(GetGeminiJob), _ => new JobSnapshot(Job.Name, JobStatus.Failed, "The batch failed: quota."));

        var result = await GeminiJobOrchestrator.RunAsync(context.Object, Input());

        Assert.Equal(RunState.Failed, result.State);
        Assert.Equal("The batch failed: quota.", result.Error);
        context.VerifyActivity<StageOutput>(nameof(StoreStageOutput), Times.Never());
    }

    [Fact]
    public async Task Unusable_output_fails_the_stage_with_the_reason()
    {
        var context = Context()
            .EnqueueEvent(EventNames.GeminiJobCompleted, Event())
            .OnActivity<JobRef, JobSnapshot>(nameof(GetGeminiJob), _ => new JobSnapshot(Job.Name, JobStatus.Succeeded, null))
            .OnActivity<StoreOutputInput, StageOutput>(nameof(StoreStageOutput), _ => new StageOutput("http://blob/x", "MAX_TOKENS", 1, 2, "The output was truncated (MAX_TOKENS)."));

        var result = await GeminiJobOrchestrator.RunAsync(context.Object, Input());

        Assert.Equal(RunState.Failed, result.State);
        Assert.Equal("MAX_TOKENS", result.FinishReason);
        Assert.Contains("MAX_TOKENS", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_wins_cancels_the_gemini_job()
    {
        var context = Context(cancel: Task.FromResult<string?>("user"))
            .NeverEvent<JobEvent>(EventNames.GeminiJobCompleted);

        var result = await GeminiJobOrchestrator.RunAsync(context.Object, Input());

        Assert.Equal(RunState.Cancelled, result.State);
        context.VerifyActivity<bool>(nameof(CancelGeminiJob), Times.Once());
        context.VerifyActivity<JobSnapshot>(nameof(GetGeminiJob), Times.Never());
    }

    [Fact]
    public async Task Past_the_deadline_the_job_is_cancelled_and_the_stage_fails()
    {
        var context = Context()
            .NeverEvent<JobEvent>(EventNames.GeminiJobCompleted)
            .EnqueueTimer(Task.CompletedTask)
            .OnActivity<JobRef, JobSnapshot>(nameof(GetGeminiJob), j =>
            {
                return new JobSnapshot(j.Name, JobStatus.Running, null);
            });
        context.Mock.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Returns((DateTime fireAt, CancellationToken _) =>
            {
                context.Now = fireAt;
                return Task.CompletedTask;
            });

        var result = await GeminiJobOrchestrator.RunAsync(context.Object, Input(reconcile: TimeSpan.FromMinutes(30), deadline: TimeSpan.FromHours(1)));

        Assert.Equal(RunState.Failed, result.State);
        Assert.Contains("deadline", result.Error, StringComparison.Ordinal);
        context.VerifyActivity<bool>(nameof(CancelGeminiJob), Times.Once());
        context.VerifyActivity<JobSnapshot>(nameof(GetGeminiJob), Times.Exactly(2));
    }
}
