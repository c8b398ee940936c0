namespace GeminiServerless.Core.Webhooks;

/// <summary>
/// The Gemini webhook event <c>type</c> values. <see cref="BatchCancelled"/> and <see cref="InteractionCancelled"/>
/// appear in the guide's catalogue but not in the API enum (UNCONFIRMED whether they are emitted).
/// </summary>
public static class WebhookEventTypes
{
    /// <summary>A batch finished successfully.</summary>
    public const string BatchSucceeded = "batch.succeeded";

    /// <summary>A batch failed (system or validation error).</summary>
    public const string BatchFailed = "batch.failed";

    /// <summary>A batch was not processed within the 48 h window.</summary>
    public const string BatchExpired = "batch.expired";

    /// <summary>A batch was cancelled by the user (guide only).</summary>
    public const string BatchCancelled = "batch.cancelled";

    /// <summary>A background interaction finished successfully.</summary>
    public const string InteractionCompleted = "interaction.completed";

    /// <summary>An interaction failed.</summary>
    public const string InteractionFailed = "interaction.failed";

    /// <summary>An interaction needs client action (e.g. function call results); not terminal.</summary>
    public const string InteractionRequiresAction = "interaction.requires_action";

    /// <summary>An interaction was cancelled (guide only).</summary>
    public const string InteractionCancelled = "interaction.cancelled";

    /// <summary>A video generation long-running operation completed.</summary>
    public const string VideoGenerated = "video.generated";

    /// <summary>Every known event type.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        BatchSucceeded, BatchFailed, BatchExpired, BatchCancelled,
        InteractionCompleted, InteractionFailed, InteractionRequiresAction, InteractionCancelled,
        VideoGenerated,
    ];

    /// <summary>True for one of the event types above (exact, case-sensitive match).</summary>
    public static bool IsKnown(string? type) => type is not null && All.Contains(type, StringComparer.Ordinal);

    /// <summary>True for a known event type after which the job will not change state again.</summary>
    public static bool IsTerminal(string? type) =>
        IsKnown(type) && !string.Equals(type, InteractionRequiresAction, StringComparison.Ordinal);
}
