using GeminiServerless.Core.Pipelines;

namespace GeminiServerless.Functions.Orchestrations;

/// <summary>Names of the external events. Each name has exactly one pending wait per instance at a time.</summary>
public static class EventNames
{
    /// <summary>Raised by the webhook on a Gemini job event (a wake-up call: the state is then read from Gemini).</summary>
    public const string GeminiJobCompleted = "GeminiJobCompleted";

    /// <summary>Raised by <c>POST /api/pipelines/{id}/cancel</c> on the pipeline, and forwarded to the running stage.</summary>
    public const string Cancel = "Cancel";
}

/// <summary>The state of a stage or pipeline as the status endpoint shows it.</summary>
public enum RunState
{
    Pending,
    Submitting,
    Waiting,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>Plan of one stage, fixed when the pipeline starts.</summary>
public sealed record StagePlan(string Name, JobKind Kind, TimeSpan ReconcileInterval, TimeSpan Deadline);

/// <summary>Input of <see cref="PipelineOrchestrator"/>: small by design; media and text stay in Blob storage.</summary>
public sealed record PipelineInput(
    string PipelineId,
    string Pipeline,
    IReadOnlyList<StagePlan> Stages,
    IReadOnlyDictionary<string, string> Input,
    string? CallbackUrl = null);

/// <summary>Input of the <c>SendPipelineCallback</c> activity.</summary>
public sealed record CallbackInput(string Url, PipelineResult Result);

/// <summary>Input of one <see cref="GeminiJobOrchestrator"/> instance.</summary>
public sealed record StageRunInput(
    string PipelineId,
    string Pipeline,
    int StageIndex,
    StagePlan Stage,
    IReadOnlyDictionary<string, string> Input,
    IReadOnlyDictionary<string, string> StageArtifacts);

/// <summary>Input of the <c>SubmitGeminiJob</c> activity.</summary>
public sealed record SubmitJobInput(string InstanceId, StageRunInput Run);

/// <summary>Input of the <c>StoreStageOutput</c> activity.</summary>
public sealed record StoreOutputInput(JobRef Job, string PipelineId, string StageKey);

/// <summary>Payload of <see cref="EventNames.GeminiJobCompleted"/>: routing facts for logs, never trusted as state.</summary>
public sealed record JobEvent(string Type, string? JobId, string? DeliveryId);

/// <summary>The result of one stage, also its line in the pipeline status.</summary>
public sealed record StageResult(
    string Stage,
    string? InstanceId,
    RunState State,
    string? JobName = null,
    string? JobStatus = null,
    string? ArtifactUri = null,
    string? FinishReason = null,
    int? InputTokens = null,
    int? OutputTokens = null,
    string? Error = null);

/// <summary>Custom status of a pipeline instance, updated after every step.</summary>
public sealed record PipelineProgress(string Pipeline, RunState State, string? CurrentStage, IReadOnlyList<StageResult> Stages, string? Error = null);

/// <summary>Output of a pipeline instance; also the message put on the completion queue.</summary>
public sealed record PipelineResult(string PipelineId, string Pipeline, RunState State, IReadOnlyList<StageResult> Stages, string? Error);
