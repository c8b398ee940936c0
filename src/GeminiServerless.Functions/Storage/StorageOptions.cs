namespace GeminiServerless.Functions.Storage;

/// <summary>Names of the storage resources the app uses, bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Configuration section (or connection-string setting) of the storage account.</summary>
    public string ConnectionName { get; set; } = "AzureWebJobsStorage";

    public string InputsContainer { get; set; } = "inputs";

    public string ArtifactsContainer { get; set; } = "artifacts";

    public string CompletedQueue { get; set; } = "pipeline-completed";

    public string DeadLetterQueue { get; set; } = "webhook-deadletter";

    public string WebhookLedgerTable { get; set; } = "webhookledger";

    public string JobLedgerTable { get; set; } = "jobledger";

    /// <summary>
    /// How long ledger rows are kept. Gemini retries a delivery for 24 h, so the webhook ledger must remember
    /// deliveries at least that long; job-ledger rows are only needed while their stage runs.
    /// </summary>
    public TimeSpan LedgerRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Allow media inputs given as https URLs (fetched by the submit activity).</summary>
    public bool AllowMediaUrls { get; set; } = true;
}
