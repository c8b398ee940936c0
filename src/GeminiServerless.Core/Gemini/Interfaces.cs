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

    /// <summary>Downloads a generated file (batch output, video) as a stream; a file name or a file URI.</summary>
    Task<Stream> DownloadFileAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a file.</summary>
    Task DeleteFileAsync(string name, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} cannot delete files.");
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

/// <summary>
/// Veo video generation and its long-running operations. UNCONFIRMED for the Developer API: the official SDK 3.x
/// no longer sends <c>:predictLongRunning</c> in that mode.
/// </summary>
public interface IGeminiOperations
{
    /// <summary>Starts a video generation. Not idempotent: guard retries with a lookup of your own.</summary>
    Task<GenerateVideosOperation> GenerateVideosAsync(string model, string prompt, GenerateVideosParameters? parameters = null, WebhookConfig? webhookConfig = null, CancellationToken cancellationToken = default);

    /// <summary>Reads an operation by its name (<c>models/{model}/operations/{id}</c>).</summary>
    Task<GenerateVideosOperation> GetOperationAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Asks for an operation to stop (UNCONFIRMED that Veo honours it).</summary>
    Task CancelOperationAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>The Interactions API (snake_case; a pinned <c>Api-Revision</c> header).</summary>
public interface IGeminiInteractions
{
    /// <summary>Creates an interaction. Not idempotent, and interactions cannot be listed: a lost answer cannot be recovered.</summary>
    Task<Interaction> CreateAsync(CreateInteractionRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>GET /{v}/interactions/{id}?stream=false</c>.</summary>
    Task<Interaction> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary><c>POST /{v}/interactions/{id}/cancel</c> (background interactions only).</summary>
    Task<Interaction> CancelAsync(string id, CancellationToken cancellationToken = default);

    Task DeleteAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>Static (project-wide) webhooks: the WebhookService (snake_case).</summary>
public interface IGeminiWebhooks
{
    /// <summary>Registers a webhook. The answer's <see cref="Webhook.NewSigningSecret"/> is shown only once.</summary>
    Task<Webhook> CreateAsync(WebhookInput input, CancellationToken cancellationToken = default);

    Task<WebhookListResponse> ListAsync(int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default);

    Task<Webhook> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Updates the fields set in <paramref name="update"/>; <paramref name="updateMask"/> defaults to those fields.</summary>
    Task<Webhook> UpdateAsync(string id, WebhookUpdate update, string? updateMask = null, CancellationToken cancellationToken = default);

    Task DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Makes a new signing secret and returns it (shown only once). See <see cref="RevocationBehaviors"/>.</summary>
    Task<string> RotateSigningSecretAsync(string id, string? revocationBehavior = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a test event to the webhook.</summary>
    Task PingAsync(string id, CancellationToken cancellationToken = default);
}
