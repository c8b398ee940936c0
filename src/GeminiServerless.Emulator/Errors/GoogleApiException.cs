using System.Text.Json.Nodes;

namespace GeminiServerless.Emulator.Errors;

/// <summary>Thrown by handlers; turned into a Google-shaped error response by the error middleware.</summary>
public sealed class GoogleApiException : Exception
{
    public GoogleApiException()
        : this("Internal error.")
    {
    }

    public GoogleApiException(string message)
        : base(message)
    {
        Code = RpcCode.Internal;
    }

    public GoogleApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = RpcCode.Internal;
    }

    internal GoogleApiException(RpcCode code, string message, JsonArray? details = null)
        : base(message)
    {
        Code = code;
        Details = details;
    }

    internal RpcCode Code { get; }

    internal JsonArray? Details { get; }

    internal IDictionary<string, string> ResponseHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
