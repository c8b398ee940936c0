using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GeminiServerless.Core.Gemini;

// Wire types of the Interactions API (snake_case, serialised with GeminiJson.SnakeCaseOptions).

/// <summary>The body of <c>POST /{v}/interactions</c>.</summary>
public sealed class CreateInteractionRequest
{
    /// <summary>A model id, e.g. <c>gemini-2.5-flash</c>; or set <see cref="Agent"/>.</summary>
    public string? Model { get; set; }

    /// <summary>An agent, e.g. a Deep Research agent; used with <see cref="AgentConfig"/> instead of a model.</summary>
    public string? Agent { get; set; }

    public JsonNode? AgentConfig { get; set; }

    /// <summary>A string, or an array of typed content blocks (see <see cref="InteractionInput"/>).</summary>
    public JsonNode? Input { get; set; }

    public string? SystemInstruction { get; set; }

    public InteractionGenerationConfig? GenerationConfig { get; set; }

    public string? ResponseMimeType { get; set; }

    public JsonNode? ResponseFormat { get; set; }

    /// <summary><see langword="true"/>: answer at once with an id and run in the background (required for a webhook).</summary>
    public bool? Background { get; set; }

    /// <summary>Keep the interaction server-side so it can be read later (the API's default is <see langword="true"/>).</summary>
    public bool? Store { get; set; }

    /// <summary>Per-request webhook; serialised as <c>webhook_config {uris, user_metadata}</c>.</summary>
    public WebhookConfig? WebhookConfig { get; set; }

    public string? PreviousInteractionId { get; set; }

    /// <summary>Further body fields (<c>tools</c>, <c>safety_settings</c>, <c>service_tier</c>, …), sent as given.</summary>
    [JsonExtensionData]
    public JsonObject? AdditionalProperties { get; set; }
}

/// <summary><c>generation_config</c> of an interaction.</summary>
public sealed class InteractionGenerationConfig
{
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public int? MaxOutputTokens { get; set; }
    public int? Seed { get; set; }
    public List<string>? StopSequences { get; set; }
    public string? ThinkingLevel { get; set; }

    [JsonExtensionData]
    public JsonObject? AdditionalProperties { get; set; }
}

/// <summary>Builds the <c>input</c> of an interaction.</summary>
public static class InteractionInput
{
    /// <summary>A plain string input.</summary>
    public static JsonNode Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return JsonValue.Create(text);
    }

    /// <summary>
    /// Content blocks from generateContent parts: text → <c>{type:"text", text}</c>; a file →
    /// <c>{type:"audio"|"image"|"video"|"document", uri, mime_type}</c>; inline data → the same with <c>data</c>.
    /// </summary>
    public static JsonNode FromParts(IEnumerable<Part> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var blocks = new JsonArray();
        foreach (var part in parts)
        {
            if (part.Text is { } text)
            {
                blocks.Add(new JsonObject { ["type"] = "text", ["text"] = text });
            }
            else if (part.FileData is { FileUri: { } uri } file)
            {
                blocks.Add(new JsonObject { ["type"] = BlockType(file.MimeType), ["uri"] = uri, ["mime_type"] = file.MimeType });
            }
            else if (part.InlineData is { Data: { } data } blob)
            {
                blocks.Add(new JsonObject { ["type"] = BlockType(blob.MimeType), ["data"] = data, ["mime_type"] = blob.MimeType });
            }
        }

        return blocks;
    }

    private static string BlockType(string? mimeType) => mimeType switch
    {
        not null when mimeType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) => "audio",
        not null when mimeType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) => "image",
        not null when mimeType.StartsWith("video/", StringComparison.OrdinalIgnoreCase) => "video",
        _ => "document",
    };
}

/// <summary>Values of <see cref="Interaction.Status"/>. The API may add more: treat unknown values as still running.</summary>
public static class InteractionStatuses
{
    public const string Queued = "queued";
    public const string InProgress = "in_progress";
    public const string RequiresAction = "requires_action";
    public const string RequiresContinuation = "requires_continuation";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>Completed but truncated (e.g. the output token limit was reached).</summary>
    public const string Incomplete = "incomplete";
    public const string BudgetExceeded = "budget_exceeded";
}

/// <summary>An interaction as the SDK presents it (<c>output_text</c> derived from the steps as the SDK does).</summary>
public sealed class Interaction : IJsonOnDeserialized
{
    public string Id { get; set; } = "";
    public string? Status { get; set; }
    public string? Created { get; set; }
    public string? Updated { get; set; }
    public string? Model { get; set; }
    public string? Agent { get; set; }

    /// <summary>The trailing text of the last <c>model_output</c> steps (the SDK's <c>output_text</c>).</summary>
    public string? OutputText { get; set; }

    public List<InteractionStep> Steps { get; set; } = [];
    public InteractionUsage? Usage { get; set; }
    public List<InteractionError>? Errors { get; set; }
    public WebhookConfig? WebhookConfig { get; set; }
    public string? EnvironmentId { get; set; }

    [JsonExtensionData]
    public JsonObject? AdditionalProperties { get; set; }

    void IJsonOnDeserialized.OnDeserialized()
    {
        Steps ??= [];
        var text = TrailingText(Steps);
        if (!string.IsNullOrEmpty(text))
        {
            OutputText = text;
        }
    }

    /// <summary>
    /// The SDK's <c>output_text</c>: walking back from the last step until a <c>user_input</c> step, skipping
    /// thoughts, the contiguous run of text blocks at the end of the <c>model_output</c> steps.
    /// </summary>
    public static string TrailingText(IReadOnlyList<InteractionStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var parts = new List<string>();
        var collecting = false;
        for (var i = steps.Count - 1; i >= 0; i--)
        {
            var step = steps[i];
            if (step.Type == "user_input")
            {
                break;
            }

            if (step.Type == "thought")
            {
                continue;
            }

            if (step.Type != "model_output")
            {
                if (collecting)
                {
                    break;
                }

                continue;
            }

            if (step.Content is null)
            {
                continue;
            }

            for (var j = step.Content.Count - 1; j >= 0; j--)
            {
                var item = step.Content[j];
                if (item.Type == "text")
                {
                    collecting = true;
                    parts.Add(item.Text ?? "");
                }
                else if (collecting)
                {
                    i = -1;
                    break;
                }
            }
        }

        parts.Reverse();
        return string.Concat(parts);
    }
}

public sealed class InteractionStep
{
    /// <summary><c>model_output</c>, <c>user_input</c>, <c>thought</c>, a tool step, …</summary>
    public string? Type { get; set; }
    public List<InteractionContent>? Content { get; set; }

    [JsonExtensionData]
    public JsonObject? AdditionalProperties { get; set; }
}

public sealed class InteractionContent
{
    /// <summary><c>text</c>, <c>image</c>, <c>audio</c>, <c>video</c>, <c>document</c>, …</summary>
    public string? Type { get; set; }
    public string? Text { get; set; }
    public string? Uri { get; set; }
    public string? MimeType { get; set; }
    public string? Data { get; set; }

    [JsonExtensionData]
    public JsonObject? AdditionalProperties { get; set; }
}

public sealed class InteractionUsage
{
    public int? TotalInputTokens { get; set; }
    public int? TotalOutputTokens { get; set; }
    public int? TotalThoughtTokens { get; set; }
    public int? TotalTokens { get; set; }

    [JsonExtensionData]
    public JsonObject? AdditionalProperties { get; set; }
}

/// <summary>An entry of an interaction's <c>errors</c>; <see cref="Code"/> may be a number or a string.</summary>
public sealed class InteractionError
{
    public JsonElement? Code { get; set; }
    public string? Message { get; set; }
    public string? Status { get; set; }

    [JsonExtensionData]
    public JsonObject? AdditionalProperties { get; set; }

    /// <summary>A one-line description: message, then status or code.</summary>
    public string Describe()
    {
        var code = Status ?? Code?.ToString();
        return (Message, code) switch
        {
            ({ } m, { Length: > 0 } c) => $"{m} ({c})",
            ({ } m, _) => m,
            (null, { Length: > 0 } c) => c,
            _ => "no error detail",
        };
    }
}
