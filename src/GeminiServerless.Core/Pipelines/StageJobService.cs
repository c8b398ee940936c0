using System.Security.Cryptography;
using System.Text;
using GeminiServerless.Core.Gemini;
using Microsoft.Extensions.Logging;

namespace GeminiServerless.Core.Pipelines;

/// <summary>What the submit activity receives: which stage instance, the pipeline input and earlier outputs.</summary>
public sealed record StageJobRequest(
    string InstanceId,
    string PipelineId,
    string Pipeline,
    string Stage,
    IReadOnlyDictionary<string, string> Input,
    IReadOnlyDictionary<string, string> StageArtifacts,
    string WebhookUrl);

/// <summary>The stored output of a stage. <see cref="Error"/> is set when the output is unusable.</summary>
public sealed record StageOutput(string? ArtifactUri, string? FinishReason, int? InputTokens, int? OutputTokens, string? Error);

/// <summary>Submits stage jobs (idempotently), reads their state and stores their output.</summary>
public sealed class StageJobService
{
    private readonly PipelineCatalog _catalog;
    private readonly Dictionary<JobKind, IGeminiJobRunner> _runners;
    private readonly IJobLedger _ledger;
    private readonly IPipelineStorage _storage;
    private readonly IGeminiFiles _files;
    private readonly ILogger<StageJobService> _logger;

    public StageJobService(PipelineCatalog catalog, IEnumerable<IGeminiJobRunner> runners, IJobLedger ledger, IPipelineStorage storage, IGeminiFiles files, ILogger<StageJobService> logger)
    {
        _catalog = catalog;
        _runners = runners.ToDictionary(r => r.Kind);
        _ledger = ledger;
        _storage = storage;
        _files = files;
        _logger = logger;
    }

    /// <summary>The display name of a stage instance's job: deterministic, so a lost create answer can be recovered.</summary>
    public static string DisplayNameFor(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        if (instanceId.Length <= 120)
        {
            return "gs-" + instanceId;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId)));
        return "gs-" + instanceId[..80] + "-" + hash[..32];
    }

    public async Task<JobRef> SubmitAsync(StageJobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entry = await _ledger.GetAsync(request.InstanceId, cancellationToken);
        if (entry?.Job is { } known)
        {
            _logger.LogInformation("Stage {InstanceId} already has job {Job}; not creating another.", request.InstanceId, known.Name);
            return known;
        }

        var stage = _catalog.Get(request.Pipeline).Stage(request.Stage);
        var runner = RunnerFor(stage.Kind);
        var displayName = DisplayNameFor(request.InstanceId);
        if (entry is { Attempts: > 0 })
        {
            // An earlier attempt may have created the job and lost the answer: look before creating again.
            var found = await runner.FindAsync(displayName, cancellationToken);
            if (found is not null)
            {
                _logger.LogWarning("Recovered job {Job} of stage {InstanceId} from an earlier attempt.", found.Name, request.InstanceId);
                await _ledger.RecordAsync(request.InstanceId, found, cancellationToken);
                return found;
            }
        }

        var parts = await ResolvePartsAsync(stage, request, cancellationToken);
        await _ledger.MarkAttemptAsync(request.InstanceId, cancellationToken);
        var webhook = new WebhookConfig
        {
            Uris = [request.WebhookUrl],
            UserMetadata = new Dictionary<string, string>
            {
                ["instanceId"] = request.InstanceId,
                ["stage"] = request.Stage,
                ["pipelineId"] = request.PipelineId,
            },
        };
        var job = await runner.CreateOrRecoverAsync(new JobSubmission(stage, parts, displayName, webhook), cancellationToken);
        await _ledger.RecordAsync(request.InstanceId, job, cancellationToken);
        _logger.LogInformation("Stage {InstanceId} submitted {Kind} job {Job}.", request.InstanceId, job.Kind, job.Name);
        return job;
    }

    public Task<JobSnapshot> GetAsync(JobRef job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return RunnerFor(job.Kind).GetAsync(job.Name, cancellationToken);
    }

    public Task CancelAsync(JobRef job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return RunnerFor(job.Kind).CancelAsync(job.Name, cancellationToken);
    }

    /// <summary>Reads the finished job's output from Gemini and writes it to storage.</summary>
    public async Task<StageOutput> StoreOutputAsync(JobRef job, string pipelineId, string stageKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var output = await RunnerFor(job.Kind).GetOutputAsync(job.Name, cancellationToken);
        string? uri = null;
        if (!string.IsNullOrEmpty(output.Text))
        {
            // Even an unusable (truncated) output is kept, so the user can see what came back.
            uri = await _storage.WriteArtifactAsync(pipelineId, stageKey, output.Text, cancellationToken);
        }

        return new StageOutput(uri, output.FinishReason, output.InputTokens, output.OutputTokens, output.Error);
    }

    private IGeminiJobRunner RunnerFor(JobKind kind) =>
        _runners.TryGetValue(kind, out var runner) ? runner : throw new NotSupportedException($"No runner is registered for {kind} jobs.");

    private async Task<List<Part>> ResolvePartsAsync(StageDefinition stage, StageJobRequest request, CancellationToken cancellationToken)
    {
        var parts = new List<Part>(stage.Prompt.Count);
        foreach (var template in stage.Prompt)
        {
            if (template.Media is { } media)
            {
                var reference = PromptTemplate.ParseSingle(media);
                var value = Resolve(request.Input, reference);
                await using var content = await _storage.OpenMediaAsync(value, cancellationToken);
                var file = await _files.UploadAsync(content.Stream, content.Length, content.ContentType, content.DisplayName, cancellationToken);
                file = await _files.WaitForFileActiveAsync(file, cancellationToken);
                parts.Add(Part.FromFile(file.Uri ?? throw new InvalidOperationException($"File {file.Name} has no uri."), file.MimeType ?? content.ContentType));
            }
            else if (template.Text is { } text)
            {
                parts.Add(Part.FromText(await PromptTemplate.RenderAsync(text, r => ResolveTextAsync(request, r, cancellationToken))));
            }
        }

        return parts;
    }

    private Task<string> ResolveTextAsync(StageJobRequest request, TemplateReference reference, CancellationToken cancellationToken) =>
        reference.Scope == TemplateReference.StagesScope
            ? _storage.ReadArtifactTextAsync(Resolve(request.StageArtifacts, reference), cancellationToken)
            : Task.FromResult(Resolve(request.Input, reference));

    private static string Resolve(IReadOnlyDictionary<string, string> values, TemplateReference reference) =>
        values.TryGetValue(reference.Name, out var value)
            ? value
            : throw new KeyNotFoundException($"The template refers to {reference.Scope}.{reference.Name}, which has no value.");
}
