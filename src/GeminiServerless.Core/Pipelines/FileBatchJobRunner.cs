using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Pipelines;

/// <summary>
/// Runs a stage as a Batch API job with a JSONL input file: the request is uploaded through the Files API under the
/// key = the job's display name, and the output is the line of the responses file with that key.
/// </summary>
public sealed class FileBatchJobRunner : IGeminiJobRunner
{
    private readonly IGeminiBatches _batches;
    private readonly IGeminiFiles _files;
    private readonly BatchJobRunner _states;

    public FileBatchJobRunner(IGeminiBatches batches, IGeminiFiles files)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(files);
        _batches = batches;
        _files = files;
        _states = new BatchJobRunner(batches, files);
    }

    public JobKind Kind => JobKind.BatchFile;

    public async Task<JobRef> CreateAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var line = new BatchFileRequest { Key = submission.DisplayName, Request = StageRequests.ToGenerateContent(submission) };
        var input = await _files.UploadBatchRequestsAsync([line], submission.DisplayName + "-input", cancellationToken);
        var job = await _batches.CreateBatchAsync(submission.Stage.Model, new BatchJobSource { FileName = input.Name }, new CreateBatchJobConfig
        {
            DisplayName = submission.DisplayName,
            WebhookConfig = submission.Webhook,
        }, cancellationToken);
        return new JobRef(JobKind.BatchFile, job.Name);
    }

    public async Task<JobRef?> FindAsync(string displayName, CancellationToken cancellationToken)
    {
        var match = await _batches.FindBatchByDisplayNameAsync(displayName, cancellationToken: cancellationToken);
        return match is null ? null : new JobRef(JobKind.BatchFile, match.Name);
    }

    public Task<JobSnapshot> GetAsync(string name, CancellationToken cancellationToken) => _states.GetAsync(name, cancellationToken);

    public async Task<JobOutput> GetOutputAsync(string name, CancellationToken cancellationToken)
    {
        var job = await _batches.GetBatchAsync(name, cancellationToken);
        if (job.State != JobStates.Succeeded)
        {
            return new JobOutput(null, null, null, null, $"The batch is {job.State}, not succeeded.");
        }

        if (job.Dest?.FileName is not { } responsesFile)
        {
            return new JobOutput(null, null, null, null, "The batch succeeded but has no responses file.");
        }

        var key = job.DisplayName ?? "";
        var line = await _files.FindBatchResponseAsync(responsesFile, key, cancellationToken);
        return line is null
            ? new JobOutput(null, null, null, null, $"The responses file {responsesFile} has no line with key '{key}'.")
            : OutputJudge.Judge(line.Response, line.Error);
    }

    public Task CancelAsync(string name, CancellationToken cancellationToken) => _batches.CancelBatchAsync(name, cancellationToken);
}
