using System.Buffers;
using GeminiServerless.Functions.Orchestrations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace GeminiServerless.Functions.Http;

/// <summary>What <c>GET /api/pipelines/{id}</c> answers.</summary>
public sealed record PipelineStatusResponse(
    string Id,
    string? Pipeline,
    string RuntimeStatus,
    RunState State,
    string? CurrentStage,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    IReadOnlyList<StageResult> Stages,
    string? Error);

/// <summary><c>GET /api/pipelines/{id}</c>: status, current stage and, per stage, job, state, artifact and error.</summary>
public sealed class GetPipelineStatus
{
    [Function(nameof(GetPipelineStatus))]
    public static async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "pipelines/{id}")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
    {
        var instance = await PipelineIds.FindAsync(client, id, getInputsAndOutputs: true, cancellationToken);
        return instance is null
            ? Problems.NotFound($"No pipeline '{id}'.")
            : new OkObjectResult(await BuildAsync(client, instance, cancellationToken));
    }

    public static async Task<PipelineStatusResponse> BuildAsync(DurableTaskClient client, OrchestrationMetadata instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(instance);
        var result = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<PipelineResult>() : null;
        var progress = instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<PipelineProgress>();
        var input = instance.SerializedInput is null ? null : instance.ReadInputAs<PipelineInput>();

        var stages = (result?.Stages ?? progress?.Stages ?? input?.Stages.Select(s => new StageResult(s.Name, null, RunState.Pending)).ToList() ?? []).ToList();
        for (var i = 0; i < stages.Count; i++)
        {
            // The running stage reports its own progress (job name, job state) on its instance.
            if (stages[i] is { State: RunState.Submitting or RunState.Waiting, InstanceId: { } childId })
            {
                // Custom status comes back only with inputs and outputs; a stage's are small records.
                var child = await client.GetInstanceAsync(childId, getInputsAndOutputs: true, cancellationToken);
                if (child?.SerializedCustomStatus is not null)
                {
                    stages[i] = child.ReadCustomStatusAs<StageResult>() ?? stages[i];
                }
            }
        }

        var state = result?.State ?? instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Failed => RunState.Failed,
            OrchestrationRuntimeStatus.Terminated => RunState.Cancelled,
            OrchestrationRuntimeStatus.Pending => RunState.Pending,
            _ => progress?.State ?? RunState.Pending,
        };
        var error = result?.Error ?? progress?.Error ?? instance.FailureDetails?.ErrorMessage;
        return new PipelineStatusResponse(
            instance.InstanceId,
            result?.Pipeline ?? progress?.Pipeline ?? input?.Pipeline,
            instance.RuntimeStatus.ToString(),
            state,
            result is null ? progress?.CurrentStage : null,
            instance.CreatedAt,
            instance.LastUpdatedAt,
            stages,
            error);
    }
}

/// <summary><c>POST /api/pipelines/{id}/cancel</c>: asks the pipeline to cancel its running Gemini job and stop.</summary>
public sealed class CancelPipeline(ILogger<CancelPipeline> logger)
{
    [Function(nameof(CancelPipeline))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "pipelines/{id}/cancel")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
    {
        var instance = await PipelineIds.FindAsync(client, id, getInputsAndOutputs: false, cancellationToken);
        if (instance is null)
        {
            return Problems.NotFound($"No pipeline '{id}'.");
        }

        if (instance.IsCompleted)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "The pipeline has already ended.", $"Pipeline '{id}' is {instance.RuntimeStatus}.");
        }

        await client.RaiseEventAsync(id, EventNames.Cancel, "cancel requested", cancellationToken);
        logger.LogInformation("Cancel requested for pipeline {InstanceId}.", id);
        return new AcceptedResult((string?)null, new { id, status = "cancelling" });
    }
}

/// <summary>Shape of pipeline instance ids (<c>p-</c> + 32 hex characters).</summary>
public static class PipelineIds
{
    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdef");

    public static bool IsValid(string? id) =>
        id is { Length: > 2 and <= 64 } && id.StartsWith("p-", StringComparison.Ordinal) && id.AsSpan(2).IndexOfAnyExcept(Hex) < 0;

    /// <summary>The pipeline instance with this id, or null when the id is malformed or names no pipeline.</summary>
    public static async Task<OrchestrationMetadata?> FindAsync(DurableTaskClient client, string id, bool getInputsAndOutputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!IsValid(id))
        {
            return null;
        }

        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs, cancellationToken);
        return instance?.Name == nameof(PipelineOrchestrator) ? instance : null;
    }
}
