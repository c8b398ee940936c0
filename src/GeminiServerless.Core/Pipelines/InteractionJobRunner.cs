using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Pipelines;

/// <summary>
/// Runs a stage as a background Interaction (<c>background: true</c>, <c>store: true</c>, per-request
/// <c>webhook_config</c>). Interactions cannot be listed, so <see cref="FindAsync"/> finds nothing: a create whose
/// answer was lost cannot be recovered, and creating again may make a second interaction.
/// </summary>
public sealed class InteractionJobRunner : IGeminiJobRunner
{
    private const string TruncatedMessage = "The output was truncated (incomplete): raise max_output_tokens or split the input.";
    private readonly IGeminiInteractions _interactions;

    public InteractionJobRunner(IGeminiInteractions interactions)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        _interactions = interactions;
    }

    public JobKind Kind => JobKind.Interaction;

    public async Task<JobRef> CreateAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var interaction = await _interactions.CreateAsync(BuildRequest(submission), cancellationToken);
        return new JobRef(JobKind.Interaction, interaction.Id);
    }

    /// <summary>The create body of a stage: a string input for a single text part, content blocks otherwise.</summary>
    public static CreateInteractionRequest BuildRequest(JobSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var stage = submission.Stage;
        var generation = stage.Generation;
        return new CreateInteractionRequest
        {
            Model = stage.Model,
            Input = submission.Parts is [{ Text: { } text, FileData: null, InlineData: null }]
                ? InteractionInput.Text(text)
                : InteractionInput.FromParts(submission.Parts),
            SystemInstruction = stage.SystemInstruction,
            GenerationConfig = generation.Temperature is null && generation.MaxOutputTokens is null
                ? null
                : new InteractionGenerationConfig { Temperature = generation.Temperature, MaxOutputTokens = generation.MaxOutputTokens },
            ResponseMimeType = generation.ResponseMimeType,
            Background = true,
            Store = true,
            WebhookConfig = submission.Webhook,
        };
    }

    /// <summary>Interactions have no list call: nothing can be found.</summary>
    public Task<JobRef?> FindAsync(string displayName, CancellationToken cancellationToken) => Task.FromResult<JobRef?>(null);

    public async Task<JobSnapshot> GetAsync(string name, CancellationToken cancellationToken)
    {
        var interaction = await _interactions.GetAsync(name, cancellationToken);
        var (status, error) = Map(interaction);
        return new JobSnapshot(interaction.Id.Length > 0 ? interaction.Id : name, status, error);
    }

    /// <summary>
    /// Maps an interaction's <c>status</c>: queued → Pending; in_progress → Running; completed → Succeeded;
    /// failed and budget_exceeded → Failed; incomplete (truncated) → Failed; cancelled → Cancelled;
    /// requires_action and requires_continuation → RequiresAction; anything else → Running.
    /// </summary>
    public static (JobStatus Status, string? Error) Map(Interaction interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        return interaction.Status switch
        {
            InteractionStatuses.Queued => (JobStatus.Pending, null),
            InteractionStatuses.InProgress => (JobStatus.Running, null),
            InteractionStatuses.Completed => (JobStatus.Succeeded, null),
            InteractionStatuses.Failed => (JobStatus.Failed, $"The interaction failed: {FirstError(interaction)}."),
            InteractionStatuses.BudgetExceeded => (JobStatus.Failed, "The interaction exceeded its budget (budget_exceeded)."),
            InteractionStatuses.Incomplete => (JobStatus.Failed, TruncatedMessage),
            InteractionStatuses.Cancelled => (JobStatus.Cancelled, "The interaction was cancelled."),
            InteractionStatuses.RequiresAction => (JobStatus.RequiresAction, "The interaction requires client action (e.g. function results), which a pipeline stage cannot give."),
            InteractionStatuses.RequiresContinuation => (JobStatus.RequiresAction, "The interaction asks to be continued (requires_continuation), which a background stage does not do."),
            _ => (JobStatus.Running, null),
        };
    }

    public async Task<JobOutput> GetOutputAsync(string name, CancellationToken cancellationToken)
    {
        var interaction = await _interactions.GetAsync(name, cancellationToken);
        var usage = interaction.Usage;
        var text = string.IsNullOrEmpty(interaction.OutputText) ? null : interaction.OutputText;
        return interaction.Status switch
        {
            InteractionStatuses.Completed => new JobOutput(text, "STOP", usage?.TotalInputTokens, usage?.TotalOutputTokens,
                text is null ? "The interaction returned no text." : null),
            InteractionStatuses.Incomplete => new JobOutput(text, "MAX_TOKENS", usage?.TotalInputTokens, usage?.TotalOutputTokens, TruncatedMessage),
            _ => new JobOutput(null, null, usage?.TotalInputTokens, usage?.TotalOutputTokens,
                Map(interaction).Error ?? $"The interaction is {interaction.Status ?? "in an unknown state"}, not completed."),
        };
    }

    public Task CancelAsync(string name, CancellationToken cancellationToken) => _interactions.CancelAsync(name, cancellationToken);

    private static string FirstError(Interaction interaction) =>
        interaction.Errors is { Count: > 0 } errors ? errors[0].Describe() : "no error detail";
}
