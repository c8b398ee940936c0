using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Pipelines;

/// <summary>A Gemini job created for a stage.</summary>
public sealed record JobRef(JobKind Kind, string Name);

/// <summary>Gemini job states, reduced to what a stage acts on.</summary>
public enum JobStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Expired,
    RequiresAction,
}

/// <summary>The authoritative state of a job, read from Gemini.</summary>
public sealed record JobSnapshot(string Name, JobStatus Status, string? Error)
{
    public bool IsTerminal => Status is not (JobStatus.Pending or JobStatus.Running);
}

/// <summary>The output of a finished job. <see cref="Error"/> is set when the job succeeded but its output is unusable.</summary>
public sealed record JobOutput(string? Text, string? FinishReason, int? InputTokens, int? OutputTokens, string? Error);

/// <summary>What a job runner needs to create a job.</summary>
/// <param name="DisplayName">Deterministic name used to find the job again if the create call's answer is lost.</param>
public sealed record JobSubmission(StageDefinition Stage, IReadOnlyList<Part> Parts, string DisplayName, WebhookConfig Webhook);

/// <summary>Creates, reads and cancels one kind of Gemini job.</summary>
public interface IGeminiJobRunner
{
    JobKind Kind { get; }

    Task<JobRef> CreateAsync(JobSubmission submission, CancellationToken cancellationToken);

    /// <summary>Finds a job created earlier under <paramref name="displayName"/>, if the kind can list jobs.</summary>
    Task<JobRef?> FindAsync(string displayName, CancellationToken cancellationToken);

    Task<JobSnapshot> GetAsync(string name, CancellationToken cancellationToken);

    Task<JobOutput> GetOutputAsync(string name, CancellationToken cancellationToken);

    Task CancelAsync(string name, CancellationToken cancellationToken);
}

/// <summary>Judges a model answer: a blocked prompt, a failed line or a truncated output is an error.</summary>
public static class OutputJudge
{
    public static JobOutput Judge(GenerateContentResponse? response, RpcStatus? lineError)
    {
        if (lineError is not null)
        {
            return new JobOutput(null, null, null, null, $"The request failed: {lineError.Message ?? lineError.Status ?? "unknown error"} (code {lineError.Code}).");
        }

        if (response is null)
        {
            return new JobOutput(null, null, null, null, "The job succeeded but returned no response.");
        }

        var usage = response.UsageMetadata;
        if (response.Candidates is not { Count: > 0 })
        {
            var reason = response.PromptFeedback?.BlockReason ?? "no candidates";
            return new JobOutput(null, null, usage?.PromptTokenCount, usage?.CandidatesTokenCount, $"The prompt was blocked ({reason}).");
        }

        var finish = response.Candidates[0].FinishReason;
        var text = response.Text;
        string? error = finish switch
        {
            "STOP" or null => string.IsNullOrEmpty(text) ? "The model returned no text." : null,
            "MAX_TOKENS" => "The output was truncated (MAX_TOKENS): raise maxOutputTokens or split the input.",
            _ => $"The model stopped with finish reason {finish}.",
        };
        return new JobOutput(text, finish, usage?.PromptTokenCount, usage?.CandidatesTokenCount, error);
    }
}
