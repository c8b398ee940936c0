using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeminiServerless.Core.Gemini;

// Wire types of the "classic" Gemini REST surface (camelCase JSON). Names follow the official SDKs
// (Google.GenAI) so that moving to the SDK later is mechanical.

public sealed class Content
{
    public string? Role { get; set; }
    public List<Part> Parts { get; set; } = [];

    public static Content User(params Part[] parts) => new() { Role = "user", Parts = [.. parts] };
}

public sealed class Part
{
    public string? Text { get; set; }
    public InlineBlob? InlineData { get; set; }
    public FileData? FileData { get; set; }
    public bool? Thought { get; set; }

    public static Part FromText(string text) => new() { Text = text };
    public static Part FromFile(string fileUri, string mimeType) => new() { FileData = new FileData { FileUri = fileUri, MimeType = mimeType } };
}

public sealed class InlineBlob
{
    public string? MimeType { get; set; }
    public string? Data { get; set; }
}

public sealed class FileData
{
    public string? MimeType { get; set; }
    public string? FileUri { get; set; }
}

public sealed class GenerationConfig
{
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public int? TopK { get; set; }
    public int? MaxOutputTokens { get; set; }
    public string? ResponseMimeType { get; set; }
}

public sealed class GenerateContentRequest
{
    public List<Content> Contents { get; set; } = [];
    public Content? SystemInstruction { get; set; }
    public GenerationConfig? GenerationConfig { get; set; }
}

public sealed class GenerateContentResponse
{
    public List<Candidate>? Candidates { get; set; }
    public PromptFeedback? PromptFeedback { get; set; }
    public UsageMetadata? UsageMetadata { get; set; }
    public string? ModelVersion { get; set; }
    public string? ResponseId { get; set; }

    /// <summary>The text of the first candidate, without thought parts.</summary>
    [JsonIgnore]
    public string? Text
    {
        get
        {
            var parts = Candidates is { Count: > 0 } ? Candidates[0].Content?.Parts : null;
            if (parts is null)
            {
                return null;
            }

            var texts = parts.Where(p => p.Thought != true && p.Text is not null).Select(p => p.Text);
            return string.Concat(texts);
        }
    }
}

public sealed class Candidate
{
    public Content? Content { get; set; }
    public string? FinishReason { get; set; }
    public int? Index { get; set; }
}

public sealed class PromptFeedback
{
    public string? BlockReason { get; set; }
}

public sealed class UsageMetadata
{
    public int? PromptTokenCount { get; set; }
    public int? CandidatesTokenCount { get; set; }
    public int? ThoughtsTokenCount { get; set; }
    public int? TotalTokenCount { get; set; }
}

/// <summary>Google's <c>google.rpc.Status</c>.</summary>
public sealed class RpcStatus
{
    public int? Code { get; set; }
    public string? Message { get; set; }
    public string? Status { get; set; }
}

/// <summary>A file of the Files API.</summary>
public sealed class GeminiFile
{
    public string? Name { get; set; }
    public string? DisplayName { get; set; }
    public string? MimeType { get; set; }
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? SizeBytes { get; set; }
    public string? Uri { get; set; }
    public string? DownloadUri { get; set; }
    public string? State { get; set; }
    public string? Source { get; set; }
    public string? Sha256Hash { get; set; }
    public string? CreateTime { get; set; }
    public string? ExpirationTime { get; set; }
    public RpcStatus? Error { get; set; }
}

/// <summary>Dynamic (per-request) webhook of a job.</summary>
public sealed class WebhookConfig
{
    public List<string> Uris { get; set; } = [];
    public Dictionary<string, string>? UserMetadata { get; set; }
}

/// <summary>Where a batch's requests come from: inline requests or an uploaded JSONL file.</summary>
public sealed class BatchJobSource
{
    public List<InlinedRequest>? InlinedRequests { get; set; }
    public string? FileName { get; set; }
}

public sealed class InlinedRequest
{
    public GenerateContentRequest Request { get; set; } = new();
    public Dictionary<string, string>? Metadata { get; set; }
}

public sealed class CreateBatchJobConfig
{
    public string DisplayName { get; set; } = "";
    public WebhookConfig? WebhookConfig { get; set; }
}

/// <summary>Job states, normalised the way the SDKs do (<c>BATCH_STATE_*</c> → <c>JOB_STATE_*</c>).</summary>
public static class JobStates
{
    public const string Pending = "JOB_STATE_PENDING";
    public const string Running = "JOB_STATE_RUNNING";
    public const string Succeeded = "JOB_STATE_SUCCEEDED";
    public const string Failed = "JOB_STATE_FAILED";
    public const string Cancelled = "JOB_STATE_CANCELLED";
    public const string Expired = "JOB_STATE_EXPIRED";

    public static string Normalize(string? state) => state switch
    {
        null or "" => "JOB_STATE_UNSPECIFIED",
        _ when state.StartsWith("BATCH_STATE_", StringComparison.Ordinal) => "JOB_STATE_" + state["BATCH_STATE_".Length..],
        _ => state,
    };

    public static bool IsTerminal(string? state) => state is Succeeded or Failed or Cancelled or Expired;
}

/// <summary>A batch job as the SDKs present it.</summary>
public sealed class BatchJob
{
    public string Name { get; set; } = "";
    public string? DisplayName { get; set; }
    public string State { get; set; } = "JOB_STATE_UNSPECIFIED";
    public string? Model { get; set; }
    public string? CreateTime { get; set; }
    public string? UpdateTime { get; set; }
    public string? EndTime { get; set; }
    public RpcStatus? Error { get; set; }
    public BatchJobDestination? Dest { get; set; }
    public BatchStats? Stats { get; set; }
}

public sealed class BatchJobDestination
{
    public string? FileName { get; set; }
    public List<InlinedResponse>? InlinedResponses { get; set; }
}

public sealed class InlinedResponse
{
    public GenerateContentResponse? Response { get; set; }
    public RpcStatus? Error { get; set; }
    public JsonElement? Metadata { get; set; }
}

public sealed class BatchStats
{
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? RequestCount { get; set; }
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? SuccessfulRequestCount { get; set; }
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? FailedRequestCount { get; set; }
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? PendingRequestCount { get; set; }
}

public sealed class BatchJobPage
{
    public List<BatchJob> Jobs { get; set; } = [];
    public string? NextPageToken { get; set; }
}
