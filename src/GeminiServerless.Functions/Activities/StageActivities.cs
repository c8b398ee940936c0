using GeminiServerless.Core.Gemini;
using GeminiServerless.Core.Pipelines;
using GeminiServerless.Core.Webhooks;
using GeminiServerless.Functions.Orchestrations;
using GeminiServerless.Functions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Activities;

/// <summary>Creates the stage's Gemini job with this stage instance's webhook URL. Safe to retry.</summary>
public sealed class SubmitGeminiJob(StageJobService jobs, IOptions<WebhookOptions> webhooks)
{
    [Function(nameof(SubmitGeminiJob))]
    public Task<JobRef> Run([ActivityTrigger] SubmitJobInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = input.Run;
        var request = new StageJobRequest(
            input.InstanceId,
            run.PipelineId,
            run.Pipeline,
            run.Stage.Name,
            run.Input,
            run.StageArtifacts,
            webhooks.Value.WebhookUrlFor(input.InstanceId));
        return jobs.SubmitAsync(request, cancellationToken);
    }
}

/// <summary>Reads the authoritative state of a job from Gemini.</summary>
public sealed class GetGeminiJob(StageJobService jobs)
{
    [Function(nameof(GetGeminiJob))]
    public Task<JobSnapshot> Run([ActivityTrigger] JobRef job, CancellationToken cancellationToken) => jobs.GetAsync(job, cancellationToken);
}

/// <summary>Reads a finished job's output from Gemini, writes it to Blob storage and returns its URI.</summary>
public sealed class StoreStageOutput(StageJobService jobs)
{
    [Function(nameof(StoreStageOutput))]
    public Task<StageOutput> Run([ActivityTrigger] StoreOutputInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return jobs.StoreOutputAsync(input.Job, input.PipelineId, input.StageKey, cancellationToken);
    }
}

/// <summary>Cancels a job at Gemini. A job that already ended is not an error.</summary>
public sealed class CancelGeminiJob(StageJobService jobs, ILogger<CancelGeminiJob> logger)
{
    [Function(nameof(CancelGeminiJob))]
    public async Task<bool> Run([ActivityTrigger] JobRef job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            await jobs.CancelAsync(job, cancellationToken);
            return true;
        }
        catch (GeminiApiException ex) when (!ex.IsTransient)
        {
            logger.LogWarning("Cancelling job {Job} was refused ({Status}: {Message}); it has probably ended already.", job.Name, ex.Status, ex.Message);
            return false;
        }
    }
}

/// <summary>Puts the finished pipeline's result on the <c>pipeline-completed</c> queue.</summary>
public sealed class PublishPipelineCompleted(MessageQueues queues)
{
    [Function(nameof(PublishPipelineCompleted))]
    public Task Run([ActivityTrigger] PipelineResult result, CancellationToken cancellationToken) =>
        queues.PublishCompletedAsync(result, cancellationToken);
}
