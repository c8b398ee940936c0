using System.Text.Json;
using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Pipelines;

/// <summary>Runs a stage as a Batch API job with one inline request.</summary>
public sealed class BatchJobRunner : IGeminiJobRunner
{
    private const int MaxListPages = 5;
    private readonly IGeminiBatches _batches;
    private readonly IGeminiFiles _files;

    public BatchJobRunner(IGeminiBatches batches, IGeminiFiles files)
    {
        _batches = batches;
        _files = files;
    }

    public JobKind Kind => JobKind.Batch;

    public async Task<JobRef> CreateAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var stage = submission.Stage;
        var request = StageRequests.ToGenerateContent(submission);
        var source = new BatchJobSource
        {
            InlinedRequests = [new InlinedRequest { Request = request, Metadata = new Dictionary<string, string> { ["key"] = stage.Name } }],
        };
        var job = await _batches.CreateBatchAsync(stage.Model, source, new CreateBatchJobConfig
        {
            DisplayName = submission.DisplayName,
            WebhookConfig = submission.Webhook,
        }, cancellationToken);
        return new JobRef(JobKind.Batch, job.Name);
    }

    public async Task<JobRef?> FindAsync(string displayName, CancellationToken cancellationToken)
    {
        string? token = null;
        for (var page = 0; page < MaxListPages; page++)
        {
            var result = await _batches.ListBatchesAsync(pageSize: 100, pageToken: token, cancellationToken: cancellationToken);
            var match = result.Jobs.FirstOrDefault(j => j.DisplayName == displayName);
            if (match is not null)
            {
                return new JobRef(JobKind.Batch, match.Name);
            }

            token = result.NextPageToken;
            if (string.IsNullOrEmpty(token))
            {
                break;
            }
        }

        return null;
    }

    public async Task<JobSnapshot> GetAsync(string name, CancellationToken cancellationToken)
    {
        var job = await _batches.GetBatchAsync(name, cancellationToken);
        var status = job.State switch
        {
            JobStates.Succeeded => JobStatus.Succeeded,
            JobStates.Failed => JobStatus.Failed,
            JobStates.Cancelled => JobStatus.Cancelled,
            JobStates.Expired => JobStatus.Expired,
            JobStates.Running => JobStatus.Running,
            _ => JobStatus.Pending,
        };
        var error = status switch
        {
            JobStatus.Failed => $"The batch failed: {job.Error?.Message ?? "no error detail"}.",
            JobStatus.Expired => "The batch expired before it ran (48 h limit).",
            JobStatus.Cancelled => "The batch was cancelled.",
            _ => null,
        };
        return new JobSnapshot(job.Name, status, error);
    }

    public async Task<JobOutput> GetOutputAsync(string name, CancellationToken cancellationToken)
    {
        var job = await _batches.GetBatchAsync(name, cancellationToken);
        if (job.State != JobStates.Succeeded)
        {
            return new JobOutput(null, null, null, null, $"The batch is {job.State}, not succeeded.");
        }

        if (job.Dest?.InlinedResponses is { Count: > 0 } inlined)
        {
            return OutputJudge.Judge(inlined[0].Response, inlined[0].Error);
        }

        if (job.Dest?.FileName is { } fileName)
        {
            await using var stream = await _files.DownloadFileAsync(fileName, cancellationToken);
            using var reader = new StreamReader(stream);
            var line = await reader.ReadLineAsync(cancellationToken);
            if (!string.IsNullOrWhiteSpace(line))
            {
                var entry = JsonSerializer.Deserialize<InlinedResponse>(line, GeminiJson.Options);
                return OutputJudge.Judge(entry?.Response, entry?.Error);
            }
        }

        return new JobOutput(null, null, null, null, "The batch succeeded but has no output.");
    }

    public Task CancelAsync(string name, CancellationToken cancellationToken) => _batches.CancelBatchAsync(name, cancellationToken);
}
