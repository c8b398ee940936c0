namespace GeminiServerless.Emulator.Outputs;

[Flags]
internal enum Faults
{
    None = 0,
    JobFailed = 1,
    JobExpired = 2,
    LineFailed = 4,
    MaxTokens = 8,
    Blocked = 16,
    NoWebhook = 32,
    DuplicateWebhook = 64,
    Slow = 128,
}

/// <summary>
/// Text markers that force failures. They are looked for in every text part of a request (system
/// instruction included) and in the first 64 KiB of every uploaded file or inline blob it references.
/// </summary>
internal static class FaultMarkers
{
    public const string FileFailedMarker = "[emulator:file-failed]";

    public static readonly IReadOnlyList<(string Marker, Faults Fault)> All =
    [
        ("[emulator:job-failed]", Faults.JobFailed),
        ("[emulator:job-expired]", Faults.JobExpired),
        ("[emulator:line-failed]", Faults.LineFailed),
        ("[emulator:max-tokens]", Faults.MaxTokens),
        ("[emulator:blocked]", Faults.Blocked),
        ("[emulator:no-webhook]", Faults.NoWebhook),
        ("[emulator:duplicate-webhook]", Faults.DuplicateWebhook),
        ("[emulator:slow]", Faults.Slow),
    ];

    /// <summary>Faults that act on a whole job when any of its requests carries them.</summary>
    public const Faults JobLevel = Faults.JobFailed | Faults.JobExpired | Faults.NoWebhook | Faults.DuplicateWebhook | Faults.Slow;

    public static Faults Scan(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains("[emulator:", StringComparison.Ordinal))
        {
            return Faults.None;
        }

        var found = Faults.None;
        foreach (var (marker, fault) in All)
        {
            if (text.Contains(marker, StringComparison.Ordinal))
            {
                found |= fault;
            }
        }

        return found;
    }
}
