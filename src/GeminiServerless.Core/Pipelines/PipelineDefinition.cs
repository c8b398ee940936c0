namespace GeminiServerless.Core.Pipelines;

/// <summary>The kind of Gemini long-running job a stage submits.</summary>
public enum JobKind
{
    /// <summary>A Batch API job (<c>:batchGenerateContent</c>) with inline requests.</summary>
    Batch,

    /// <summary>A background Interaction (<c>POST /interactions</c>, <c>background: true</c>).</summary>
    Interaction,

    /// <summary>A Veo video generation (<c>:predictLongRunning</c>).</summary>
    Video,

    /// <summary>
    /// A Batch API job whose request is uploaded as a JSONL file (<c>inputConfig.fileName</c>) and whose output is
    /// read from the responses file, matched by <c>key</c>.
    /// </summary>
    BatchFile,
}

/// <summary>How a pipeline input is given.</summary>
public enum InputKind
{
    /// <summary>Free text, placed into prompts.</summary>
    Text,

    /// <summary>A media file: a blob name in the <c>inputs</c> container or an <c>https</c> URL.</summary>
    Media,
}

/// <summary>A named input the caller of <c>POST /api/pipelines</c> supplies.</summary>
public sealed record PipelineInputDefinition(string Name, InputKind Kind, bool Required, string? Default = null, int MaxLength = 2048);

/// <summary>One part of a stage's prompt: text with <c>{{…}}</c> placeholders, or a media input.</summary>
/// <param name="Text">Text template, e.g. <c>Summarize: {{stages.transcribe.text}}</c>.</param>
/// <param name="Media">A media placeholder, e.g. <c>{{input.audio}}</c>.</param>
public sealed record PartTemplate(string? Text = null, string? Media = null)
{
    public static PartTemplate FromText(string template) => new(Text: template);

    public static PartTemplate FromMedia(string placeholder) => new(Media: placeholder);
}

/// <summary>Sampling settings of a stage.</summary>
public sealed record GenerationSettings(double? Temperature = null, int? MaxOutputTokens = null, string? ResponseMimeType = null);

/// <summary>Time limits of a stage.</summary>
/// <param name="ReconcileInterval">How long to wait for the webhook before polling the job once (the safety net).</param>
/// <param name="Deadline">When the stage gives up: the job is cancelled and the stage fails.</param>
public sealed record StageLimits(TimeSpan ReconcileInterval, TimeSpan Deadline);

/// <summary>One stage: a Gemini job of some kind, with its model, prompt and limits.</summary>
public sealed record StageDefinition(
    string Name,
    JobKind Kind,
    string Model,
    IReadOnlyList<PartTemplate> Prompt,
    string? SystemInstruction,
    GenerationSettings Generation,
    StageLimits Limits);

/// <summary>A pipeline: a name, its inputs and an ordered list of stages. A new pipeline is new data, not new code.</summary>
public sealed record PipelineDefinition(
    string Name,
    string Description,
    IReadOnlyList<PipelineInputDefinition> Inputs,
    IReadOnlyList<StageDefinition> Stages)
{
    public StageDefinition Stage(string name) =>
        Stages.FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"Pipeline '{Name}' has no stage '{name}'.");
}
