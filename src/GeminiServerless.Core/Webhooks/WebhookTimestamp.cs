using System.Globalization;

namespace GeminiServerless.Core.Webhooks;

/// <summary>Checks a <c>webhook-timestamp</c> header (integer Unix seconds) against the clock.</summary>
internal static class WebhookTimestamp
{
    /// <summary>Returns null when the timestamp is within tolerance, otherwise a failure code.</summary>
    public static string? Check(string timestamp, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookFailureCodes.BadTimestamp;
        }

        var nowSeconds = now.ToUnixTimeSeconds();
        var toleranceSeconds = (long)tolerance.TotalSeconds;
        if (nowSeconds - seconds > toleranceSeconds)
        {
            return WebhookFailureCodes.StaleTimestamp;
        }

        if (seconds - nowSeconds > toleranceSeconds)
        {
            return WebhookFailureCodes.FutureTimestamp;
        }

        return null;
    }
}
