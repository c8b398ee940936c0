using System.ComponentModel.DataAnnotations;

namespace GeminiServerless.Core.Gemini;

/// <summary>Settings of the Gemini REST client, bound from the <c>Gemini</c> section.</summary>
public sealed class GeminiOptions
{
    public const string SectionName = "Gemini";

    /// <summary>The <c>Api-Revision</c> the .NET and Python SDKs pin for Interactions.</summary>
    public const string DefaultApiRevision = "2026-05-20";

    /// <summary>API key sent as <c>x-goog-api-key</c>. Required; the emulator accepts any value.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>Base URL of the API (no version segment).</summary>
    [Required]
    public string BaseUrl { get; set; } = "https://generativelanguage.googleapis.com";

    /// <summary>API version path segment: <c>v1beta</c> (REST reference) or <c>v1</c> (official SDK 3.x default).</summary>
    [Required]
    [RegularExpression("^v[0-9][a-z0-9]*$")]
    public string ApiVersion { get; set; } = "v1beta";

    /// <summary>
    /// Version segment of the Veo calls (<c>:predictLongRunning</c> and its operations). Empty: <see cref="ApiVersion"/>.
    /// The official SDK last sent these under <c>v1beta</c> (2.x); whether <c>v1</c> serves them is unconfirmed.
    /// </summary>
    [RegularExpression("^(v[0-9][a-z0-9]*)?$")]
    public string? VideoApiVersion { get; set; }

    /// <summary>
    /// <c>Api-Revision</c> header sent with Interactions calls, pinning the request and response schema.
    /// Empty: no header.
    /// </summary>
    public string? ApiRevision { get; set; } = DefaultApiRevision;

    /// <summary>Size of one resumable-upload chunk. Gemini's SDKs use 8 MiB.</summary>
    [Range(256 * 1024, 256 * 1024 * 1024)]
    public int UploadChunkBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How long to wait for an uploaded file to leave <c>PROCESSING</c>.</summary>
    public TimeSpan FileActiveTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries of an idempotent call after its first attempt (0 turns retries off).</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First delay of the exponential, jittered backoff between retries.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest wait between two attempts. A server asking for a longer wait (<c>Retry-After</c>, <c>RetryInfo</c>)
    /// is not retried in-process: the caller gets the error, with <see cref="GeminiApiException.RetryAfter"/> set.
    /// </summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    internal string VideoVersion => string.IsNullOrEmpty(VideoApiVersion) ? ApiVersion : VideoApiVersion;
}
