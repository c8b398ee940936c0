namespace GeminiServerless.Core.Pipelines;

/// <summary>An opened media input (audio, video …) ready to be streamed to the Files API.</summary>
public sealed class MediaContent : IAsyncDisposable
{
    public MediaContent(Stream stream, long length, string contentType, string displayName)
    {
        Stream = stream;
        Length = length;
        ContentType = contentType;
        DisplayName = displayName;
    }

    public Stream Stream { get; }

    public long Length { get; }

    public string ContentType { get; }

    public string DisplayName { get; }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}

/// <summary>Where pipeline inputs come from and stage outputs go (Blob storage in the app).</summary>
public interface IPipelineStorage
{
    /// <summary>Opens a media input: a blob name in the inputs container, or an https URL.</summary>
    Task<MediaContent> OpenMediaAsync(string value, CancellationToken cancellationToken);

    /// <summary>True when the media input exists (blobs are checked; URLs are not fetched).</summary>
    Task<bool> MediaExistsAsync(string value, CancellationToken cancellationToken);

    Task<string> ReadArtifactTextAsync(string artifactUri, CancellationToken cancellationToken);

    /// <summary>Writes a stage's text output and returns its URI.</summary>
    Task<string> WriteArtifactAsync(string pipelineId, string stageKey, string text, CancellationToken cancellationToken);
}

/// <summary>What the app knows about the job of one stage instance.</summary>
public sealed record JobLedgerEntry(int Attempts, JobRef? Job);

/// <summary>
/// Remembers, per stage instance, whether a create was attempted and which job it made, so that an activity
/// retry never creates a second job at Gemini.
/// </summary>
public interface IJobLedger
{
    Task<JobLedgerEntry?> GetAsync(string instanceId, CancellationToken cancellationToken);

    Task MarkAttemptAsync(string instanceId, CancellationToken cancellationToken);

    Task RecordAsync(string instanceId, JobRef job, CancellationToken cancellationToken);
}
