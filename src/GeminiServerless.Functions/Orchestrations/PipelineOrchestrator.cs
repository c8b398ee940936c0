using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace GeminiServerless.Functions.Orchestrations;

/// <summary>
/// Runs the stages of a pipeline in order, one <see cref="GeminiJobOrchestrator"/> sub-orchestration per stage
/// (instance id <c>{pipelineId}:{index}-{stage}</c>), and forwards a cancel request to the running stage.
/// </summary>
public static class PipelineOrchestrator
{
    [Function(nameof(PipelineOrchestrator))]
    public static Task<PipelineResult> RunOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<PipelineInput>() ?? throw new InvalidOperationException("The pipeline has no input.");
        return RunAsync(context, input);
    }

    public static string StageInstanceId(string pipelineId, int index, string stage) => $"{pipelineId}:{index}-{stage}";

    public static async Task<PipelineResult> RunAsync(TaskOrchestrationContext context, PipelineInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger(nameof(PipelineOrchestrator));
        var stages = input.Stages.Select(s => new StageResult(s.Name, null, RunState.Pending)).ToList();
        var artifacts = new Dictionary<string, string>(StringComparer.Ordinal);
        var state = RunState.Succeeded;
        string? error = null;

        // One wait for the cancel event for the whole run: a name is never waited on twice.
        using var cancelWait = new CancellationTokenSource();
        var cancelRequested = context.WaitForExternalEvent<string?>(EventNames.Cancel, cancelWait.Token);

        for (var i = 0; i < input.Stages.Count; i++)
        {
            var plan = input.Stages[i];
            if (cancelRequested.IsCompleted)
            {
                state = RunState.Cancelled;
                error = "The pipeline was cancelled.";
                stages[i] = stages[i] with { State = RunState.Cancelled };
                break;
            }

            var childId = StageInstanceId(input.PipelineId, i, plan.Name);
            stages[i] = stages[i] with { InstanceId = childId, State = RunState.Submitting };
            context.SetCustomStatus(new PipelineProgress(input.Pipeline, RunState.Waiting, plan.Name, stages));

            var run = new StageRunInput(input.PipelineId, input.Pipeline, i, plan, input.Input, new Dictionary<string, string>(artifacts));
            var stageTask = context.CallSubOrchestratorAsync<StageResult>(
                nameof(GeminiJobOrchestrator), run, new SubOrchestrationOptions { InstanceId = childId });

            StageResult result;
            try
            {
                var first = await Task.WhenAny(stageTask, cancelRequested);
                if (first == cancelRequested)
                {
                    logger.LogInformation("Pipeline {PipelineId}: cancel requested during stage {Stage}.", input.PipelineId, plan.Name);
                    context.SendEvent(childId, EventNames.Cancel, cancelRequested.Result ?? "cancel requested");
                }

                result = await stageTask;
            }
            catch (TaskFailedException ex)
            {
                result = stages[i] with { State = RunState.Failed, Error = ex.FailureDetails.ErrorMessage };
            }

            stages[i] = result;
            if (result.State != RunState.Succeeded)
            {
                state = result.State == RunState.Cancelled ? RunState.Cancelled : RunState.Failed;
                error = $"Stage '{plan.Name}' {(state == RunState.Cancelled ? "was cancelled" : "failed")}: {result.Error}";
                break;
            }

            artifacts[plan.Name] = result.ArtifactUri!;
        }

        cancelWait.Cancel();
        var outcome = new PipelineResult(input.PipelineId, input.Pipeline, state, stages, error);
        context.SetCustomStatus(new PipelineProgress(input.Pipeline, state, null, stages, error));
        await context.CallActivityAsync(nameof(Activities.PublishPipelineCompleted), outcome, ActivityRetry.Options);
        if (input.CallbackUrl is { } callbackUrl)
        {
            try
            {
                await context.CallActivityAsync(nameof(Activities.SendPipelineCallback), new CallbackInput(callbackUrl, outcome), ActivityRetry.Options);
            }
            catch (TaskFailedException ex)
            {
                // The pipeline's result stands; the caller can still read it from the status endpoint or the queue.
                logger.LogWarning("Pipeline {PipelineId}: the callback to the caller failed: {Error}", input.PipelineId, ex.FailureDetails.ErrorMessage);
            }
        }

        logger.LogInformation("Pipeline {PipelineId} ended {State}.", input.PipelineId, state);
        return outcome;
    }
}
