using GeminiServerless.Core.Gemini;
using GeminiServerless.Core.Pipelines;

namespace GeminiServerless.Core.Tests.Gemini;

internal static class Submissions
{
    public const string DisplayName = "gs-inst-1";

    public static StageDefinition Stage(JobKind kind, string model = "gemini-2.5-flash", string? systemInstruction = "Be exact.") => new(
        "transcribe",
        kind,
        model,
        [PartTemplate.FromText("{{input.text}}")],
        systemInstruction,
        new GenerationSettings(Temperature: 0.2, MaxOutputTokens: 1024),
        new StageLimits(TimeSpan.FromMinutes(15), TimeSpan.FromHours(2)));

    public static WebhookConfig Webhook() => new()
    {
        Uris = ["https://app.example/api/webhooks/gemini/inst-1"],
        UserMetadata = new Dictionary<string, string> { ["instanceId"] = "inst-1", ["stage"] = "transcribe" },
    };

    public static JobSubmission Of(JobKind kind, params Part[] parts) => new(Stage(kind), parts, DisplayName, Webhook());
}
