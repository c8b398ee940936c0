using GeminiServerless.Core.Pipelines;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace GeminiServerless.Functions.Orchestrations;

/// <summary>
/// One stage: submit a Gemini job with this instance's webhook URL, then sleep until the webhook's event, a
/// reconcile timer or a cancel request wakes it. Whatever woke it, the job's state is read from Gemini.
/// </summary>
public static class GeminiJobOrchestrator
{
    [Function(nameof(GeminiJobOrchestrator))]
    public static Task<StageResult> RunOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<StageRunInput>() ?? throw new InvalidOperationException("The stage has no input.");
        return RunAsync(context, input);
    }

    public static async Task<StageResult> RunAsync(TaskOrchestrationContext context, StageRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger(nameof(GeminiJobOrchestrator));
        var stage = input.Stage.Name;
        var result = new StageResult(stage, context.InstanceId, RunState.Submitting);
        context.SetCustomStatus(result);

        var job = await context.CallActivityAsync<JobRef>(
            nameof(Activities.SubmitGeminiJob), new SubmitJobInput(context.InstanceId, input), ActivityRetry.Options);
        result = result with { State = RunState.Waiting, JobName = job.Name, JobStatus = nameof(JobStatus.Pending) };
        context.SetCustomStatus(result);

        var deadline = context.CurrentUtcDateTime + input.Stage.Deadline;
        using var waits = new CancellationTokenSource();
        var cancelRequested = context.WaitForExternalEvent<string?>(EventNames.Cancel, waits.Token);
        Task<JobEvent>? jobEvent = null;
        // Bounded: at most one timer wake-up per reconcile interval until the deadline, plus early events.
        var maxRounds = (int)Math.Min(10_000, Math.Ceiling(input.Stage.Deadline / input.Stage.ReconcileInterval) + 100);
        JobSnapshot? snapshot = null;
        try
        {
            for (var round = 0; round < maxRounds; round++)
            {
                // Re-use a pending wait: only after an event was consumed is a new wait for the same name made.
                jobEvent ??= context.WaitForExternalEvent<JobEvent>(EventNames.GeminiJobCompleted, waits.Token);
                var wakeAt = Min(context.CurrentUtcDateTime + input.Stage.ReconcileInterval, deadline);
                using var timerCancel = new CancellationTokenSource();
                var timer = context.CreateTimer(wakeAt, timerCancel.Token);

                var winner = await Task.WhenAny(jobEvent, timer, cancelRequested);
                if (winner != timer)
                {
                    timerCancel.Cancel();
                }

                if (winner == cancelRequested)
                {
                    logger.LogInformation("Stage {InstanceId}: cancel requested; cancelling job {Job}.", context.InstanceId, job.Name);
                    await context.CallActivityAsync<bool>(nameof(Activities.CancelGeminiJob), job, ActivityRetry.Options);
                    return Finish(context, result with { State = RunState.Cancelled, JobStatus = nameof(JobStatus.Cancelled), Error = "Cancelled by request." });
                }

                if (winner == jobEvent)
                {
                    var received = await jobEvent;
                    logger.LogInformation("Stage {InstanceId}: webhook {Type} for {JobId} (delivery {DeliveryId}).", context.InstanceId, received.Type, received.JobId, received.DeliveryId);
                    jobEvent = null;
                }
                else
                {
                    logger.LogInformation("Stage {InstanceId}: no webhook by {WakeAt:o}; reconciling job {Job}.", context.InstanceId, wakeAt, job.Name);
                }

                // The webhook body is never trusted: the job's state comes from Gemini.
                snapshot = await context.CallActivityAsync<JobSnapshot>(nameof(Activities.GetGeminiJob), job, ActivityRetry.Options);
                result = result with { JobStatus = snapshot.Status.ToString() };
                if (snapshot.IsTerminal)
                {
                    break;
                }

                if (context.CurrentUtcDateTime >= deadline)
                {
                    await context.CallActivityAsync<bool>(nameof(Activities.CancelGeminiJob), job, ActivityRetry.Options);
                    return Finish(context, result with { State = RunState.Failed, Error = $"The job did not finish within the stage deadline of {input.Stage.Deadline}; it was cancelled." });
                }

                context.SetCustomStatus(result);
            }
        }
        finally
        {
            waits.Cancel();
        }

        if (snapshot is not { IsTerminal: true })
        {
            await context.CallActivityAsync<bool>(nameof(Activities.CancelGeminiJob), job, ActivityRetry.Options);
            return Finish(context, result with { State = RunState.Failed, Error = "The job did not finish within the stage's wake-up budget; it was cancelled." });
        }

        if (snapshot.Status != JobStatus.Succeeded)
        {
            var state = snapshot.Status == JobStatus.Cancelled ? RunState.Cancelled : RunState.Failed;
            var error = snapshot.Status == JobStatus.RequiresAction ? "The job requires client action, which this stage does not support." : snapshot.Error;
            return Finish(context, result with { State = state, Error = error });
        }

        var stageKey = $"{input.StageIndex}-{stage}";
        var output = await context.CallActivityAsync<StageOutput>(
            nameof(Activities.StoreStageOutput), new StoreOutputInput(job, input.PipelineId, stageKey), ActivityRetry.Options);
        result = result with
        {
            ArtifactUri = output.ArtifactUri,
            FinishReason = output.FinishReason,
            InputTokens = output.InputTokens,
            OutputTokens = output.OutputTokens,
        };
        return Finish(context, output.Error is null
            ? result with { State = RunState.Succeeded }
            : result with { State = RunState.Failed, Error = output.Error });
    }

    private static StageResult Finish(TaskOrchestrationContext context, StageResult result)
    {
        context.SetCustomStatus(result);
        return result;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
