using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GeminiServerless.Core.Gemini;

// Veo wire types (camelCase). UNCONFIRMED for the Developer API: the official SDK 3.x no longer sends
// :predictLongRunning in that mode; the shapes are those of SDK 2.32.0 and the REST docs.

/// <summary>The <c>parameters</c> of a <c>:predictLongRunning</c> video request.</summary>
public sealed class GenerateVideosParameters
{
    /// <summary>E.g. <c>16:9</c> or <c>9:16</c>.</summary>
    public string? AspectRatio { get; set; }

    /// <summary>E.g. <c>720p</c> or <c>1080p</c>.</summary>
    public string? Resolution { get; set; }

    public int? DurationSeconds { get; set; }
    public string? NegativePrompt { get; set; }
    public string? PersonGeneration { get; set; }
    public int? SampleCount { get; set; }
    public bool? EnhancePrompt { get; set; }
    public int? Seed { get; set; }

    /// <summary>Further parameters, sent as given.</summary>
    [JsonExtensionData]
    public JsonObject? AdditionalParameters { get; set; }
}

/// <summary>A video generation, as the SDK presents its long-running operation.</summary>
public sealed class GenerateVideosOperation
{
    /// <summary>E.g. <c>models/veo-3.1-generate-preview/operations/abc</c>.</summary>
    public string Name { get; set; } = "";
    public bool Done { get; set; }
    public RpcStatus? Error { get; set; }
    public JsonElement? Metadata { get; set; }
    public GenerateVideosResponse? Response { get; set; }
}

public sealed class GenerateVideosResponse
{
    public List<GeneratedVideo> GeneratedVideos { get; set; } = [];
    public int? RaiMediaFilteredCount { get; set; }
    public List<string>? RaiMediaFilteredReasons { get; set; }
}

public sealed class GeneratedVideo
{
    public Video? Video { get; set; }
}

/// <summary>A generated video: download <see cref="Uri"/> with <see cref="IGeminiFiles.DownloadFileAsync"/>.</summary>
public sealed class Video
{
    public string? Uri { get; set; }
    public string? MimeType { get; set; }

    /// <summary>Base64 bytes, when the server inlines the video.</summary>
    public string? VideoBytes { get; set; }
}
