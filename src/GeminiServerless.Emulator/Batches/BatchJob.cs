using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Outputs;
using GeminiServerless.Emulator.Webhooks;

namespace GeminiServerless.Emulator.Batches;

internal enum BatchState
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Expired,
}

internal sealed record InlineRequest(JsonObject? Request, string? MetadataJson);

/// <summary>A GenerateContentBatch. Mutable fields are guarded by <see cref="Gate"/>.</summary>
internal sealed class BatchJob
{
    public const string MetadataType = "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch";
    public const string OutputType = "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatchOutput";

    public Lock Gate { get; } = new();

    public required string Id { get; init; }

    public string Name => "batches/" + Id;

    public required string Model { get; init; }

    public string? DisplayName { get; init; }

    public DateTimeOffset CreateTime { get; init; }

    public long Seq { get; init; }

    public IReadOnlyList<InlineRequest>? InlineRequests { get; init; }

    public string? InputFileId { get; init; }

    public long RequestCount { get; init; }

    public WebhookConfig? Webhook { get; init; }

    public Faults Faults { get; init; }

    public BatchState State { get; set; }

    public DateTimeOffset UpdateTime { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    public long SucceededCount { get; set; }

    public long FailedCount { get; set; }

    /// <summary>Serialized <c>{"inlinedResponses":[…]}</c>, once succeeded (inline input).</summary>
    public string? InlinedResponsesJson { get; set; }

    /// <summary><c>files/batch-…</c>, once succeeded (file input).</summary>
    public string? ResponsesFile { get; set; }

    public RpcError? Error { get; set; }

    public bool IsTerminal => State is BatchState.Succeeded or BatchState.Failed or BatchState.Cancelled or BatchState.Expired;

    public static string WireState(BatchState state) => state switch
    {
        BatchState.Pending => "BATCH_STATE_PENDING",
        BatchState.Running => "BATCH_STATE_RUNNING",
        BatchState.Succeeded => "BATCH_STATE_SUCCEEDED",
        BatchState.Failed => "BATCH_STATE_FAILED",
        BatchState.Cancelled => "BATCH_STATE_CANCELLED",
        BatchState.Expired => "BATCH_STATE_EXPIRED",
        _ => "BATCH_STATE_UNSPECIFIED",
    };

    /// <summary>The Operation-like resource: <c>{name, metadata:{…}, done?, response?, error?}</c>.</summary>
    public JsonObject ToJson(bool includeInlinedResponses)
    {
        lock (Gate)
        {
            var stats = new JsonObject { ["requestCount"] = Formats.Int64(RequestCount) };
            if (SucceededCount > 0)
            {
                stats["successfulRequestCount"] = Formats.Int64(SucceededCount);
            }

            if (FailedCount > 0)
            {
                stats["failedRequestCount"] = Formats.Int64(FailedCount);
            }

            var pending = IsTerminal ? 0 : RequestCount;
            if (pending > 0)
            {
                stats["pendingRequestCount"] = Formats.Int64(pending);
            }

            var metadata = new JsonObject
            {
                ["@type"] = MetadataType,
                ["model"] = Model,
            };
            if (DisplayName is not null)
            {
                metadata["displayName"] = DisplayName;
            }

            metadata["createTime"] = Formats.Timestamp(CreateTime);
            metadata["updateTime"] = Formats.Timestamp(UpdateTime);
            if (EndTime is { } end)
            {
                metadata["endTime"] = Formats.Timestamp(end);
            }

            metadata["batchStats"] = stats;
            metadata["state"] = WireState(State);
            metadata["name"] = Name;

            var json = new JsonObject { ["name"] = Name, ["metadata"] = metadata };
            var output = Output(includeInlinedResponses);
            if (output is not null)
            {
                metadata["output"] = output;
            }

            if (IsTerminal)
            {
                json["done"] = true;
                if (Error is not null)
                {
                    json["error"] = GoogleErrors.Status(Error);
                }
                else if (Output(includeInlinedResponses) is { } response)
                {
                    response.Insert(0, "@type", OutputType);
                    json["response"] = response;
                }
            }

            return json;
        }
    }

    private JsonObject? Output(bool includeInlinedResponses)
    {
        if (State != BatchState.Succeeded)
        {
            return null;
        }

        if (ResponsesFile is not null)
        {
            return new JsonObject { ["responsesFile"] = ResponsesFile };
        }

        return includeInlinedResponses && InlinedResponsesJson is not null
            ? new JsonObject { ["inlinedResponses"] = JsonNode.Parse(InlinedResponsesJson) }
            : null;
    }
}
