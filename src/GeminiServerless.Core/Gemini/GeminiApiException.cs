using System.Net;

namespace GeminiServerless.Core.Gemini;

/// <summary>A non-success answer from the Gemini API, parsed from Google's error body.</summary>
public sealed class GeminiApiException : Exception
{
    public GeminiApiException(HttpStatusCode statusCode, string? status, string message, string? reason = null, TimeSpan? retryAfter = null)
        : this(statusCode, status, message, reason, retryAfter, errorCode: null)
    {
    }

    public GeminiApiException(HttpStatusCode statusCode, string? status, string message, string? reason, TimeSpan? retryAfter, string? errorCode)
        : base(message)
    {
        StatusCode = statusCode;
        Status = status;
        Reason = reason;
        RetryAfter = retryAfter;
        ErrorCode = errorCode;
    }

    public GeminiApiException()
    {
    }

    public GeminiApiException(string message) : base(message)
    {
    }

    public GeminiApiException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>
    /// Google's canonical status, e.g. <c>RESOURCE_EXHAUSTED</c>; for the Interactions API, which answers with a
    /// string <c>code</c> and no <c>status</c>, that code (e.g. <c>invalid_request</c>).
    /// </summary>
    public string? Status { get; }

    /// <summary><c>ErrorInfo.reason</c> when present, e.g. <c>API_KEY_INVALID</c>.</summary>
    public string? Reason { get; }

    /// <summary>Delay the server asked for (<c>Retry-After</c> or <c>RetryInfo.retryDelay</c>).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The body's <c>error.code</c> as sent: a number (<c>"429"</c>) or a string code (<c>"invalid_request"</c>).</summary>
    public string? ErrorCode { get; }

    /// <summary>True for answers worth retrying later (408, 429, 500, 502, 503, 504).</summary>
    public bool IsTransient => GeminiErrors.IsRetryableStatus(StatusCode);
}
