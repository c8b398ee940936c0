using System.Globalization;
using System.Net;
using System.Text.Json;

namespace GeminiServerless.Core.Gemini;

/// <summary>Turns Google's error body into a <see cref="GeminiApiException"/>.</summary>
public static class GeminiErrors
{
    public static async Task<GeminiApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            body = "";
        }

        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } when response.Headers.Date is { } sent => date > sent ? date - sent : TimeSpan.Zero,
            _ => null,
        };
        return Parse(response.StatusCode, body, retryAfter);
    }

    public static GeminiApiException Parse(HttpStatusCode statusCode, string body, TimeSpan? retryAfter = null)
    {
        string? status = null;
        string? reason = null;
        var message = $"Gemini API answered {(int)statusCode} {statusCode}.";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString()!;
                }

                if (error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String)
                {
                    status = s.GetString();
                }
                else if (error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                {
                    status = c.GetString();
                }

                if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                {
                    foreach (var detail in details.EnumerateArray())
                    {
                        if (detail.ValueKind != JsonValueKind.Object)
                        {
                            continue;
                        }

                        if (detail.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
                        {
                            reason ??= r.GetString();
                        }

                        if (retryAfter is null && detail.TryGetProperty("retryDelay", out var d) && d.ValueKind == JsonValueKind.String)
                        {
                            retryAfter = ParseDuration(d.GetString());
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not Google-shaped (a proxy's HTML page, say): keep the generic message.
        }

        return new GeminiApiException(statusCode, status, message, reason, retryAfter);
    }

    /// <summary>Parses a protobuf JSON duration such as <c>"30s"</c> or <c>"1.5s"</c>.</summary>
    public static TimeSpan? ParseDuration(string? value)
    {
        if (string.IsNullOrEmpty(value) || !value.EndsWith('s'))
        {
            return null;
        }

        return double.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }
}
