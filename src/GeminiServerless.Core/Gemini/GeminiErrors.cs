using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace GeminiServerless.Core.Gemini;

/// <summary>Turns Google's error body into a <see cref="GeminiApiException"/>, and classifies failures.</summary>
public static class GeminiErrors
{
    /// <summary>The statuses worth retrying: 408, 429, 500, 502, 503, 504.</summary>
    public static bool IsRetryableStatus(HttpStatusCode statusCode) =>
        statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>
    /// True when a call that creates something (a batch, an interaction, a video, a webhook) failed in a way that
    /// leaves open whether the server created it: the connection failed or timed out, or the server answered
    /// 408/500/502/503/504 (it may have acted before failing). Before creating again, look for the resource by its
    /// deterministic display name (<c>IGeminiJobRunner.FindAsync</c>). A 429 or another 4xx means nothing was created.
    /// A cancellation asked for by <paramref name="cancellationToken"/> is not ambiguous-by-failure, but the request may
    /// have reached the server: callers that cancel a create also have to look before creating again.
    /// </summary>
    public static bool IsAmbiguousCreateFailure(Exception exception, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return exception switch
        {
            GeminiApiException api => api.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.InternalServerError
                or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
            HttpRequestException or IOException or TimeoutException or Polly.Timeout.TimeoutRejectedException => true,
            OperationCanceledException => true,
            _ => false,
        };
    }

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

        return Parse(response.StatusCode, body, RetryAfterHeader(response.Headers));
    }

    /// <summary>The <c>Retry-After</c> header as a delay (a number of seconds, or a date relative to <c>Date</c>).</summary>
    public static TimeSpan? RetryAfterHeader(HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } when headers.Date is { } sent => date > sent ? date - sent : TimeSpan.Zero,
            _ => null,
        };
    }

    public static GeminiApiException Parse(HttpStatusCode statusCode, string body, TimeSpan? retryAfter = null)
    {
        string? status = null;
        string? reason = null;
        string? errorCode = null;
        var message = $"Gemini API answered {(int)statusCode} {statusCode}.";
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                // Streaming endpoints answer with an array of messages.
                root = root[0];
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString()!;
                }
                else if (error.ValueKind == JsonValueKind.Object)
                {
                    ReadError(error, ref message, ref status, ref reason, ref errorCode, ref retryAfter);
                }
            }
        }
        catch (JsonException)
        {
            // Not Google-shaped (a proxy's HTML page, say): keep the generic message.
        }

        return new GeminiApiException(statusCode, status, message, reason, retryAfter, errorCode);
    }

    private static void ReadError(JsonElement error, ref string message, ref string? status, ref string? reason, ref string? errorCode, ref TimeSpan? retryAfter)
    {
        if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
        {
            message = m.GetString()!;
        }

        if (error.TryGetProperty("code", out var c))
        {
            errorCode = c.ValueKind switch
            {
                JsonValueKind.String => c.GetString(),
                JsonValueKind.Number => c.GetRawText(),
                _ => null,
            };
        }

        if (error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String)
        {
            status = s.GetString();
        }
        else if (c.ValueKind == JsonValueKind.String)
        {
            // Interactions: {"error": {"code": "invalid_request", "message": "…"}}.
            status = c.GetString();
        }
        else if (error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String)
        {
            status = t.GetString();
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

                if (retryAfter is null && detail.TryGetProperty("retryDelay", out var d))
                {
                    retryAfter = d.ValueKind switch
                    {
                        JsonValueKind.String => ParseDuration(d.GetString()),
                        JsonValueKind.Object => ParseDurationObject(d),
                        _ => null,
                    };
                }
            }
        }
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

    /// <summary>A duration written as <c>{"seconds": "30", "nanos": 0}</c>.</summary>
    private static TimeSpan? ParseDurationObject(JsonElement value)
    {
        double seconds = 0;
        if (value.TryGetProperty("seconds", out var s))
        {
            if (s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n))
            {
                seconds = n;
            }
            else if (s.ValueKind == JsonValueKind.String && long.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                seconds = p;
            }
            else
            {
                return null;
            }
        }

        if (value.TryGetProperty("nanos", out var nanos) && nanos.ValueKind == JsonValueKind.Number && nanos.TryGetInt32(out var ns))
        {
            seconds += ns / 1e9;
        }

        return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
    }
}
