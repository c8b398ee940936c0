using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Pipelines;

/// <summary>
/// Runs a stage as a Veo video generation (<c>:predictLongRunning</c> with a top-level <c>webhookConfig</c>).
/// UNCONFIRMED for the Developer API: the official SDK 3.x no longer sends this call in that mode, so register this
/// runner only where video stages are wanted. The stage's text parts make the prompt (media parts are refused; the
/// system instruction is not used). The output text is the generated videos' URIs, one a line; download them with
/// <see cref="IGeminiFiles.DownloadFileAsync"/>. Operations cannot be listed: <see cref="FindAsync"/> finds nothing.
/// </summary>
public sealed class VideoJobRunner : IGeminiJobRunner
{
    private const int CancelledRpcCode = 1;
    private readonly IGeminiOperations _operations;

    public VideoJobRunner(IGeminiOperations operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        _operations = operations;
    }

    public JobKind Kind => JobKind.Video;

    public async Task<JobRef> CreateAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Parts.Any(p => p.Text is null))
        {
            throw new NotSupportedException($"Stage '{submission.Stage.Name}' is a video stage: its prompt must be text only.");
        }

        var prompt = string.Join("\n", submission.Parts.Select(p => p.Text));
        var operation = await _operations.GenerateVideosAsync(submission.Stage.Model, prompt, new GenerateVideosParameters { SampleCount = 1 }, submission.Webhook, cancellationToken);
        return new JobRef(JobKind.Video, operation.Name);
    }

    /// <summary>Operations have no list call here: nothing can be found.</summary>
    public Task<JobRef?> FindAsync(string displayName, CancellationToken cancellationToken) => Task.FromResult<JobRef?>(null);

    public async Task<JobSnapshot> GetAsync(string name, CancellationToken cancellationToken)
    {
        var operation = await _operations.GetOperationAsync(name, cancellationToken);
        var (status, error) = Map(operation);
        return new JobSnapshot(operation.Name.Length > 0 ? operation.Name : name, status, error);
    }

    /// <summary>Not done → Running; done with error code 1 (CANCELLED) → Cancelled; other errors → Failed; done → Succeeded.</summary>
    public static (JobStatus Status, string? Error) Map(GenerateVideosOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation switch
        {
            { Done: false } => (JobStatus.Running, null),
            { Error.Code: CancelledRpcCode } => (JobStatus.Cancelled, "The video generation was cancelled."),
            { Error: { } error } => (JobStatus.Failed, $"The video generation failed: {error.Message ?? error.Status ?? "no error detail"} (code {error.Code})."),
            _ => (JobStatus.Succeeded, null),
        };
    }

    public async Task<JobOutput> GetOutputAsync(string name, CancellationToken cancellationToken)
    {
        var operation = await _operations.GetOperationAsync(name, cancellationToken);
        var (status, error) = Map(operation);
        if (status != JobStatus.Succeeded)
        {
            return new JobOutput(null, null, null, null, error ?? "The video generation has not finished.");
        }

        var uris = operation.Response?.GeneratedVideos.Select(v => v.Video?.Uri).OfType<string>().ToList() ?? [];
        if (uris.Count > 0)
        {
            return new JobOutput(string.Join("\n", uris), "STOP", null, null, null);
        }

        var filtered = operation.Response?.RaiMediaFilteredCount ?? 0;
        var reasons = operation.Response?.RaiMediaFilteredReasons is { Count: > 0 } r ? ": " + string.Join("; ", r) : "";
        return new JobOutput(null, null, null, null, filtered > 0
            ? $"No video was generated; {filtered} filtered by safety{reasons}."
            : "The video generation finished without a video.");
    }

    public Task CancelAsync(string name, CancellationToken cancellationToken) => _operations.CancelOperationAsync(name, cancellationToken);
}
