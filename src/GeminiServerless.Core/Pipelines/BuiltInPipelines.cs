namespace GeminiServerless.Core.Pipelines;

/// <summary>The pipelines that ship with the app.</summary>
public static class BuiltInPipelines
{
    public const string TranscribeSummarize = "transcribe-summarize";
    public const string TranscribeReport = "transcribe-report";

    /// <summary>All built-in pipelines.</summary>
    public static IEnumerable<PipelineDefinition> All(string model = "gemini-2.5-flash") =>
        [TranscribeSummarizeDefinition(model), TranscribeReportDefinition(model)];

    /// <summary>Transcribe an audio file with a Batch job, then summarize the transcript with a second one.</summary>
    public static PipelineDefinition TranscribeSummarizeDefinition(string model = "gemini-2.5-flash") => new(
        TranscribeSummarize,
        "Transcribe an audio file, then summarize the transcript.",
        [
            new PipelineInputDefinition("audio", InputKind.Media, Required: true),
            new PipelineInputDefinition("language", InputKind.Text, Required: false, Default: "the language spoken in the recording", MaxLength: 64),
            new PipelineInputDefinition("focus", InputKind.Text, Required: false, Default: "the main points, decisions and action items", MaxLength: 500),
        ],
        [
            TranscribeStage(JobKind.Batch, model, " in {{input.language}}"),
            new StageDefinition(
                "summarize",
                JobKind.Batch,
                model,
                [
                    PartTemplate.FromText("Summarize the transcript below. Focus on {{input.focus}}. Use short paragraphs and a bullet list of action items.\n\nTranscript:\n{{stages.transcribe.text}}"),
                ],
                SystemInstruction: "You write faithful, concise summaries. Do not invent facts.",
                new GenerationSettings(Temperature: 0.2, MaxOutputTokens: 8192),
                new StageLimits(ReconcileInterval: TimeSpan.FromMinutes(15), Deadline: TimeSpan.FromHours(50))),
        ]);

    /// <summary>
    /// Transcribe an audio file with a file-input Batch job (JSONL request uploaded through the Files API), then write
    /// a structured meeting report with a background Interaction. Same orchestrators, different job kinds.
    /// </summary>
    public static PipelineDefinition TranscribeReportDefinition(string model = "gemini-2.5-flash") => new(
        TranscribeReport,
        "Transcribe an audio file (file-input batch), then write a meeting report (background interaction).",
        [
            new PipelineInputDefinition("audio", InputKind.Media, Required: true),
            new PipelineInputDefinition("audience", InputKind.Text, Required: false, Default: "the people who missed the meeting", MaxLength: 200),
        ],
        [
            TranscribeStage(JobKind.BatchFile, model),
            new StageDefinition(
                "report",
                JobKind.Interaction,
                model,
                [
                    PartTemplate.FromText("Write a meeting report for {{input.audience}}: context, decisions, open questions and action items with owners.\n\nTranscript:\n{{stages.transcribe.text}}"),
                ],
                SystemInstruction: "You write accurate, well-structured reports. Do not invent facts.",
                new GenerationSettings(Temperature: 0.3, MaxOutputTokens: 8192),
                new StageLimits(ReconcileInterval: TimeSpan.FromMinutes(10), Deadline: TimeSpan.FromHours(6))),
        ]);

    /// <summary>The transcription stage both built-in pipelines start with: the uploaded audio and a transcript prompt.</summary>
    private static StageDefinition TranscribeStage(JobKind kind, string model, string languageClause = "") => new(
        "transcribe",
        kind,
        model,
        [
            PartTemplate.FromMedia("{{input.audio}}"),
            PartTemplate.FromText($"Generate a complete, verbatim transcript of the speech{languageClause}. Label speakers as Speaker 1, Speaker 2, and so on. Output only the transcript."),
        ],
        SystemInstruction: "You are a careful transcriber. Never summarize or omit speech.",
        new GenerationSettings(Temperature: 0, MaxOutputTokens: 65536),
        new StageLimits(ReconcileInterval: TimeSpan.FromMinutes(15), Deadline: TimeSpan.FromHours(50)));
}
