using System.ComponentModel.DataAnnotations;

namespace GeminiServerless.Core.Gemini;

/// <summary>Settings of the Gemini REST client, bound from the <c>Gemini</c> section.</summary>
public sealed class GeminiOptions
{
    public const string SectionName = "Gemini";

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

    /// <summary>Size of one resumable-upload chunk. Gemini's SDKs use 8 MiB.</summary>
    [Range(256 * 1024, 256 * 1024 * 1024)]
    public int UploadChunkBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How long to wait for an uploaded file to leave <c>PROCESSING</c>.</summary>
    public TimeSpan FileActiveTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
