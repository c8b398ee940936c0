using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Core.Webhooks;

/// <summary>
/// Standard Webhooks HMAC-SHA256 verification for Gemini static webhooks:
/// key = base64-decode(secret without <c>whsec_</c>), signed bytes = UTF-8 <c>"{id}.{timestamp}."</c> + raw body,
/// header = one or more space-separated <c>v1,&lt;base64&gt;</c> entries; any match with any configured secret passes.
/// </summary>
public sealed class StandardWebhookVerifier : IWebhookVerifier
{
    private const int StackBufferBytes = 1024;
    private const int MaxDecodedSignatureBytes = 64;
    private const string VersionPrefix = "v1,";

    private readonly byte[][] _keys;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _tolerance;

    /// <summary>Creates a verifier for the secrets in <see cref="WebhookOptions.SigningSecrets"/>.</summary>
    public StandardWebhookVerifier(IOptions<WebhookOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var value = options.Value;
        _keys = WebhookSecrets.TryDecodeAll(value.SigningSecrets, out var keys, out _) ? [.. keys] : [];
        _timeProvider = timeProvider;
        _tolerance = value.TimestampTolerance;
    }

    /// <summary>True when at least one signing secret is configured and decodes.</summary>
    public bool HasKeyMaterial => _keys.Length > 0;

    /// <inheritdoc />
    public Task<WebhookVerificationResult> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(Verify(request));

    /// <summary>Verifies a delivery synchronously (no I/O is involved).</summary>
    public WebhookVerificationResult Verify(WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_keys.Length == 0)
        {
            return WebhookVerificationResult.Reject(WebhookSignatureKind.Hmac, WebhookFailureCodes.NoKeyMaterial);
        }

        var id = request.WebhookId;
        var timestamp = request.WebhookTimestamp;
        var signature = request.WebhookSignature;
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrWhiteSpace(signature))
        {
            return WebhookVerificationResult.Reject(WebhookSignatureKind.Hmac, WebhookFailureCodes.MissingHeaders);
        }

        var timestampFailure = WebhookTimestamp.Check(timestamp, _timeProvider.GetUtcNow(), _tolerance);
        if (timestampFailure is not null)
        {
            return WebhookVerificationResult.Reject(WebhookSignatureKind.Hmac, timestampFailure);
        }

        return SignatureMatches(_keys, id, timestamp, request.Body.Span, signature)
            ? WebhookVerificationResult.Success(WebhookSignatureKind.Hmac, id)
            : WebhookVerificationResult.Reject(WebhookSignatureKind.Hmac, WebhookFailureCodes.BadSignature);
    }

    /// <summary>
    /// Computes the <c>webhook-signature</c> entry (<c>v1,&lt;base64&gt;</c>) for a delivery.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is not a valid signing secret.</exception>
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(id);
        if (!WebhookSecrets.TryDecode(secret, out var key))
        {
            throw new ArgumentException("The secret is not 'whsec_' + base64 of at least 16 bytes.", nameof(secret));
        }

        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeHash(key, id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), body, hash);
        return VersionPrefix + Convert.ToBase64String(hash);
    }

    private static bool SignatureMatches(byte[][] keys, string id, string timestamp, ReadOnlySpan<byte> body, string header)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> received = stackalloc byte[MaxDecodedSignatureBytes];
        var matched = false;
        foreach (var key in keys)
        {
            ComputeHash(key, id, timestamp, body, expected);
            var rest = header.AsSpan();
            while (!rest.IsEmpty)
            {
                var space = rest.IndexOf(' ');
                var entry = space < 0 ? rest : rest[..space];
                rest = space < 0 ? [] : rest[(space + 1)..];
                if (!entry.StartsWith(VersionPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (Convert.TryFromBase64Chars(entry[VersionPrefix.Length..], received, out var written)
                    && written == HMACSHA256.HashSizeInBytes
                    && CryptographicOperations.FixedTimeEquals(received[..written], expected))
                {
                    matched = true;
                }
            }
        }

        CryptographicOperations.ZeroMemory(expected);
        return matched;
    }

    private static void ComputeHash(byte[] key, string id, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var idBytes = Encoding.UTF8.GetByteCount(id);
        var timestampBytes = Encoding.UTF8.GetByteCount(timestamp);
        var total = idBytes + timestampBytes + 2 + body.Length;

        byte[]? rented = null;
        var buffer = total <= StackBufferBytes
            ? stackalloc byte[StackBufferBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(total));
        try
        {
            var position = Encoding.UTF8.GetBytes(id, buffer);
            buffer[position++] = (byte)'.';
            position += Encoding.UTF8.GetBytes(timestamp, buffer[position..]);
            buffer[position++] = (byte)'.';
            body.CopyTo(buffer[position..]);
            HMACSHA256.HashData(key, buffer[..total], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
