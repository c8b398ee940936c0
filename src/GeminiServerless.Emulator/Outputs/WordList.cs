namespace GeminiServerless.Emulator.Outputs;

internal static class WordList
{
    public static readonly IReadOnlyList<string> Words =
    [
        "the", "meeting", "project", "budget", "timeline", "customer", "release", "team", "review", "quarter",
        "report", "design", "question", "answer", "plan", "schedule", "risk", "update", "feature", "issue",
        "decision", "next", "step", "today", "tomorrow", "week", "data", "model", "results", "summary",
        "we", "will", "should", "could", "agree", "discuss", "finish", "start", "check", "share",
        "good", "clear", "simple", "important", "quickly", "carefully", "again", "together", "before", "after",
        "morning", "afternoon", "office", "remote", "call", "notes", "draft", "final", "version", "feedback",
        "thanks", "everyone", "okay", "right",
    ];
}
