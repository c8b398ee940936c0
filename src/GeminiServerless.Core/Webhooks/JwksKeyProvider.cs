using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace GeminiServerless.Core.Webhooks;

/// <summary>The outcome of a JWKS key look-up.</summary>
public enum JwksKeyLookupStatus
{
    /// <summary>Keys were found (for a <c>kid</c>: the keys with that id; without one: every key).</summary>
    Found,

    /// <summary>The JWKS has no key with the requested <c>kid</c>, even after the allowed refetch.</summary>
    UnknownKeyId,

    /// <summary>The JWKS could not be fetched and no usable keys are cached (transient).</summary>
    Unavailable,
}

/// <summary>The keys returned by <see cref="JwksKeyProvider.GetKeysAsync"/>.</summary>
public sealed record JwksKeyLookup(JwksKeyLookupStatus Status, IReadOnlyList<SecurityKey> Keys);

/// <summary>
/// Fetches and caches the signing keys of the JWKS at <see cref="WebhookOptions.JwksUrl"/>.
/// Keys are cached for <see cref="WebhookOptions.JwksCacheDuration"/>; an unknown <c>kid</c> triggers a refetch
/// at most once per <see cref="WebhookOptions.JwksMinimumRefreshInterval"/>. When a refresh fails, the last
/// keys fetched are kept for one more cache period. All time comes from <see cref="TimeProvider"/>.
/// </summary>
public sealed class JwksKeyProvider : IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> used to fetch the JWKS.</summary>
    public const string HttpClientName = "GeminiServerless.Webhooks.Jwks";

    private static readonly JwksKeyLookup _unavailable = new(JwksKeyLookupStatus.Unavailable, []);
    private static readonly JwksKeyLookup _unknownKeyId = new(JwksKeyLookupStatus.UnknownKeyId, []);

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<JwksKeyProvider> _logger;
    private readonly Uri? _jwksUri;
    private readonly TimeSpan _cacheDuration;
    private readonly TimeSpan _minimumRefreshInterval;
    private readonly SemaphoreSlim _fetchLock = new(1, 1);

    private volatile KeySnapshot? _snapshot;
    private long _fetchAttempts;
    private DateTimeOffset? _lastAttemptAt;

    /// <summary>Creates a provider for <see cref="WebhookOptions.JwksUrl"/>.</summary>
    public JwksKeyProvider(
        IHttpClientFactory httpClientFactory,
        IOptions<WebhookOptions> options,
        TimeProvider timeProvider,
        ILogger<JwksKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var value = options.Value;
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _logger = logger;
        _jwksUri = Uri.TryCreate(value.JwksUrl, UriKind.Absolute, out var uri) ? uri : null;
        _cacheDuration = value.JwksCacheDuration;
        _minimumRefreshInterval = value.JwksMinimumRefreshInterval;
    }

    /// <summary>True when a valid absolute JWKS URL is configured.</summary>
    public bool IsConfigured => _jwksUri is not null;

    /// <summary>How many times the JWKS has been requested so far (successful or not).</summary>
    internal long FetchAttempts => Interlocked.Read(ref _fetchAttempts);

    /// <summary>
    /// Returns the signing keys for <paramref name="keyId"/> (or every key when it is null), fetching the JWKS
    /// when the cache is empty or expired, and refetching once on an unknown <c>kid</c> when allowed.
    /// </summary>
    public async Task<JwksKeyLookup> GetKeysAsync(string? keyId, CancellationToken cancellationToken = default)
    {
        if (_jwksUri is null)
        {
            return _unavailable;
        }

        var snapshot = _snapshot;
        if (snapshot is null || _timeProvider.GetUtcNow() >= snapshot.ExpiresAt)
        {
            snapshot = await RefreshAsync(forUnknownKeyId: false, cancellationToken);
        }

        if (snapshot is null)
        {
            return _unavailable;
        }

        if (keyId is null)
        {
            return new JwksKeyLookup(JwksKeyLookupStatus.Found, snapshot.Keys);
        }

        var matches = snapshot.KeysWithId(keyId);
        if (matches.Length > 0)
        {
            return new JwksKeyLookup(JwksKeyLookupStatus.Found, matches);
        }

        var refreshed = await RefreshAsync(forUnknownKeyId: true, cancellationToken);
        if (refreshed is null)
        {
            return _unavailable;
        }

        matches = refreshed.KeysWithId(keyId);
        if (matches.Length > 0)
        {
            return new JwksKeyLookup(JwksKeyLookupStatus.Found, matches);
        }

        return refreshed.FetchSucceeded ? _unknownKeyId : _unavailable;
    }

    /// <inheritdoc />
    public void Dispose() => _fetchLock.Dispose();

    private async Task<KeySnapshot?> RefreshAsync(bool forUnknownKeyId, CancellationToken cancellationToken)
    {
        var attemptsSeen = FetchAttempts;
        await _fetchLock.WaitAsync(cancellationToken);
        try
        {
            var now = _timeProvider.GetUtcNow();
            var current = _snapshot;
            if (FetchAttempts != attemptsSeen)
            {
                return current is not null && now < current.StaleUntil ? current : null;
            }

            var fresh = current is not null && now < current.ExpiresAt;
            var tooSoon = _lastAttemptAt is { } last && now - last < _minimumRefreshInterval;
            if ((fresh && !forUnknownKeyId) || tooSoon)
            {
                return current is not null && now < current.StaleUntil ? current : null;
            }

            _lastAttemptAt = now;
            Interlocked.Increment(ref _fetchAttempts);
            var keys = await FetchAsync(cancellationToken);
            if (keys is not null)
            {
                var snapshot = new KeySnapshot(keys, now + _cacheDuration, now + _cacheDuration + _cacheDuration, true);
                _snapshot = snapshot;
                return snapshot;
            }

            if (current is not null && now < current.StaleUntil)
            {
                _logger.LogWarning("JWKS refresh failed; keeping the keys fetched earlier until {StaleUntil}.", current.StaleUntil);
                var stale = current with { FetchSucceeded = false };
                _snapshot = stale;
                return stale;
            }

            return null;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    private async Task<IReadOnlyList<SecurityKey>?> FetchAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = _httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.GetAsync(_jwksUri, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                _logger.LogWarning("JWKS fetch from {JwksUri} answered {StatusCode}.", _jwksUri, (int)response.StatusCode);
                return null;
            }

            var json = await response.Content.ReadAsStringAsync(cancellationToken);
            var set = new JsonWebKeySet(json);
            var keys = set.GetSigningKeys().ToArray();
            if (keys.Length == 0)
            {
                _logger.LogWarning("JWKS from {JwksUri} holds no usable signing keys.", _jwksUri);
                return null;
            }

            return keys;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException)
        {
            _logger.LogWarning(ex, "JWKS fetch from {JwksUri} failed.", _jwksUri);
            return null;
        }
    }

    private sealed record KeySnapshot(
        IReadOnlyList<SecurityKey> Keys,
        DateTimeOffset ExpiresAt,
        DateTimeOffset StaleUntil,
        bool FetchSucceeded)
    {
        public SecurityKey[] KeysWithId(string keyId) =>
            Keys.Where(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal)).ToArray();
    }
}
