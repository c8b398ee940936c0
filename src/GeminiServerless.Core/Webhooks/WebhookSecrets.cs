using System.Globalization;

namespace GeminiServerless.Core.Webhooks;

/// <summary>Parses Standard Webhooks signing secrets (<c>whsec_</c> + base64 key).</summary>
internal static class WebhookSecrets
{
    public const string Prefix = "whsec_";

    public const int MinimumKeyBytes = 16;

    private static readonly char[] _separators = [',', ';', ' ', '\t', '\r', '\n'];

    /// <summary>Splits a configured value into its individual secrets.</summary>
    public static string[] Split(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(_separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Decodes one secret into its HMAC key; false for anything that is not base64 of at least 16 bytes.</summary>
    public static bool TryDecode(string secret, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(secret))
        {
            return false;
        }

        var text = secret.Trim();
        if (text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            text = text[Prefix.Length..];
        }

        var buffer = new byte[(text.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written) || written < MinimumKeyBytes)
        {
            return false;
        }

        key = buffer.AsSpan(0, written).ToArray();
        return true;
    }

    /// <summary>
    /// Decodes every configured secret. Returns false with a message naming the position (never the value)
    /// of the first secret that does not decode.
    /// </summary>
    public static bool TryDecodeAll(string? value, out List<byte[]> keys, out string? error)
    {
        keys = [];
        error = null;
        var secrets = Split(value);
        for (var i = 0; i < secrets.Length; i++)
        {
            if (!TryDecode(secrets[i], out var key))
            {
                error = string.Create(
                    CultureInfo.InvariantCulture,
                    $"Signing secret #{i + 1} is not 'whsec_' + base64 of at least {MinimumKeyBytes} bytes.");
                keys.Clear();
                return false;
            }

            keys.Add(key);
        }

        return true;
    }
}
