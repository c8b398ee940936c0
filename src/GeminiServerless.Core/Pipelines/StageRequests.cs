using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Pipelines;

/// <summary>Turns a stage submission into the request of each job kind.</summary>
internal static class StageRequests
{
    /// <summary>The generateContent request of a batch stage, shaped like <see cref="BatchJobRunner"/>'s.</summary>
    public static GenerateContentRequest ToGenerateContent(JobSubmission submission)
    {
        var stage = submission.Stage;
        return new GenerateContentRequest
        {
            Contents = [new Content { Role = "user", Parts = [.. submission.Parts] }],
            SystemInstruction = stage.SystemInstruction is null ? null : new Content { Role = "user", Parts = [Part.FromText(stage.SystemInstruction)] },
            GenerationConfig = new GenerationConfig
            {
                Temperature = stage.Generation.Temperature,
                MaxOutputTokens = stage.Generation.MaxOutputTokens,
                ResponseMimeType = stage.Generation.ResponseMimeType,
            },
        };
    }
}
