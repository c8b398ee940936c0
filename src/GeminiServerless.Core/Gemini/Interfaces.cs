namespace GeminiServerless.Core.Gemini;

/// <summary>generateContent (synchronous).</summary>
public interface IGeminiModels
{
    Task<GenerateContentResponse> GenerateContentAsync(string model, GenerateContentRequest request, CancellationToken cancellationToken = default);
}

/// <summary>The Files API.</summary>
public interface IGeminiFiles
{
    /// <summary>Streams <paramref name="length"/> bytes into a resumable upload, one chunk in memory at a time.</summary>
    Task<GeminiFile> UploadAsync(Stream content, long length, string mimeType, string? displayName, CancellationToken cancellationToken = default);

    Task<GeminiFile> GetFileAsync(string name, CancellationToken cancellationToken = default);

    Task<GeminiFile> WaitForFileActiveAsync(GeminiFile file, CancellationToken cancellationToken = default);

    /// <summary>Downloads a generated file (batch output, video) as a stream.</summary>
    Task<Stream> DownloadFileAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>The Batch API.</summary>
public interface IGeminiBatches
{
    /// <summary>Creates a batch. Not idempotent at Gemini: callers guard retries themselves.</summary>
    Task<BatchJob> CreateBatchAsync(string model, BatchJobSource source, CreateBatchJobConfig config, CancellationToken cancellationToken = default);

    Task<BatchJob> GetBatchAsync(string name, CancellationToken cancellationToken = default);

    Task<BatchJobPage> ListBatchesAsync(int pageSize = 50, string? pageToken = null, CancellationToken cancellationToken = default);

    Task CancelBatchAsync(string name, CancellationToken cancellationToken = default);

    Task DeleteBatchAsync(string name, CancellationToken cancellationToken = default);
}
