namespace GeminiServerless.Emulator;

/// <summary>
/// Settings of the Gemini emulator, bound from the configuration section <c>Emulator</c>
/// (for example <c>--Emulator:CompletionDelay=00:00:02</c>). The knobs marked "runtime" can also be
/// changed while the emulator runs through <c>POST /emulator/config</c>.
/// </summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>When set, API calls must send exactly this value in <c>x-goog-api-key</c>; otherwise any non-empty key is accepted.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>iss</c> claim of the dynamic-webhook JWTs.</summary>
    public string Issuer { get; set; } = "https://gemini-emulator.local";

    /// <summary><c>kid</c> of the RSA signing key published at <c>/.well-known/jwks.json</c>.</summary>
    public string SigningKeyId { get; set; } = "emulator-key-1";

    /// <summary>Optional PEM RSA private key; when empty a fresh RSA-2048 key is generated at start-up.</summary>
    public string? SigningKeyPem { get; set; }

    /// <summary>Base URL used in resource URIs and upload URLs; defaults to the scheme and host of each request.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Directory for upload spool files and generated files; defaults to a fresh folder under the temp path.</summary>
    public string? StorageDirectory { get; set; }

    /// <summary>Keep the bytes of uploaded audio/video/image files on disk (off: only size, SHA-256 and the first 64 KiB are kept).</summary>
    public bool StoreMediaContent { get; set; }

    /// <summary>Largest accepted upload.</summary>
    public long MaxFileSizeBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Lifetime of files (<c>expirationTime</c> = create time + this).</summary>
    public TimeSpan FileTimeToLive { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Runtime. How long an uploaded file stays <c>PROCESSING</c> before it becomes <c>ACTIVE</c>.</summary>
    public TimeSpan FileProcessingDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Runtime. Time from job creation to its terminal state (the job is RUNNING after half of it).</summary>
    public TimeSpan CompletionDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Runtime. Multiplier applied to <see cref="CompletionDelay"/> for jobs carrying the <c>[emulator:slow]</c> marker.</summary>
    public double SlowFactor { get; set; } = 10;

    /// <summary>Runtime. Echo each inline request's <c>metadata</c> in its inline response.</summary>
    public bool EchoInlinedMetadata { get; set; }

    /// <summary>Runtime. First retry delay of a failed webhook delivery.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Runtime. Growth factor of the retry delay.</summary>
    public double RetryBackoffFactor { get; set; } = 2;

    /// <summary>Runtime. Upper bound of one retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Runtime. Retries stop once this much time has passed since the first attempt.</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Runtime. A delivery that gets no answer within this time counts as failed.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Number of deliveries attempted in parallel.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 8;

    /// <summary>Runtime. Probability (0..1) that a delivery is sent an extra time with the same webhook-id.</summary>
    public double DuplicateDeliveryRate { get; set; }

    /// <summary>Runtime. Probability (0..1) that a delivery is silently lost and never retried.</summary>
    public double DropDeliveryRate { get; set; }

    /// <summary>Runtime. Each delivery waits a random time up to this before its first attempt (reorders events).</summary>
    public TimeSpan DeliveryJitter { get; set; } = TimeSpan.Zero;

    /// <summary>Runtime. Probability (0..1) that a job create call answers 429 RESOURCE_EXHAUSTED without creating anything.</summary>
    public double CreateRateLimitRate { get; set; }

    /// <summary>Runtime. Probability (0..1) that a job create call answers 503 UNAVAILABLE without creating anything.</summary>
    public double CreateUnavailableRate { get; set; }

    /// <summary>Runtime. Job create calls create the job and then wait this long before answering ("slow acknowledgement").</summary>
    public TimeSpan CreateResponseDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Seed of the random source used by the fault knobs; empty = not reproducible.</summary>
    public int? RandomSeed { get; set; }

    /// <summary>How long a previous static-webhook secret stays valid after <c>revoke_previous_secrets_after_h24</c>.</summary>
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    internal EmulatorOptions Clone() => (EmulatorOptions)MemberwiseClone();

    internal IEnumerable<string> Validate()
    {
        foreach (var (name, rate) in new[]
                 {
                     (nameof(DuplicateDeliveryRate), DuplicateDeliveryRate), (nameof(DropDeliveryRate), DropDeliveryRate),
                     (nameof(CreateRateLimitRate), CreateRateLimitRate), (nameof(CreateUnavailableRate), CreateUnavailableRate),
                 })
        {
            if (rate is < 0 or > 1 || double.IsNaN(rate))
            {
                yield return $"{name} must be between 0 and 1.";
            }
        }

        foreach (var (name, span) in new[]
                 {
                     (nameof(FileProcessingDelay), FileProcessingDelay), (nameof(CompletionDelay), CompletionDelay),
                     (nameof(RetryInitialDelay), RetryInitialDelay), (nameof(RetryMaxDelay), RetryMaxDelay),
                     (nameof(RetryWindow), RetryWindow), (nameof(DeliveryJitter), DeliveryJitter),
                     (nameof(CreateResponseDelay), CreateResponseDelay), (nameof(FileTimeToLive), FileTimeToLive),
                     (nameof(SecretRotationOverlap), SecretRotationOverlap),
                 })
        {
            if (span < TimeSpan.Zero)
            {
                yield return $"{name} must not be negative.";
            }
        }

        if (DeliveryTimeout <= TimeSpan.Zero)
        {
            yield return $"{nameof(DeliveryTimeout)} must be positive.";
        }

        if (SlowFactor < 1 || RetryBackoffFactor < 1)
        {
            yield return $"{nameof(SlowFactor)} and {nameof(RetryBackoffFactor)} must be at least 1.";
        }

        if (MaxConcurrentDeliveries < 1)
        {
            yield return $"{nameof(MaxConcurrentDeliveries)} must be at least 1.";
        }

        if (MaxFileSizeBytes < 1)
        {
            yield return $"{nameof(MaxFileSizeBytes)} must be positive.";
        }

        if (string.IsNullOrWhiteSpace(Issuer) || string.IsNullOrWhiteSpace(SigningKeyId))
        {
            yield return $"{nameof(Issuer)} and {nameof(SigningKeyId)} must not be empty.";
        }

        if (PublicBaseUrl is { Length: > 0 } && !Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out _))
        {
            yield return $"{nameof(PublicBaseUrl)} must be an absolute URL.";
        }
    }
}
