using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GeminiServerless.Core.Tests.Gemini;

/// <summary>One request the official SDK sent, with the answer the capture server gave.</summary>
internal sealed record CapturedCall(
    string Op,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string BodyKind,
    JsonNode? Body,
    byte[]? BodyBytes,
    int ResponseStatus,
    IReadOnlyDictionary<string, string> ResponseHeaders,
    JsonNode? ResponseBody)
{
    /// <summary>The capture server's answer, with its <c>PORT</c> placeholder replaced by the stub's port.</summary>
    public HttpResponseMessage ToResponse()
    {
        var response = new HttpResponseMessage((HttpStatusCode)ResponseStatus);
        foreach (var (name, value) in ResponseHeaders)
        {
            response.Headers.TryAddWithoutValidation(name, SdkCapture.WithPort(value));
        }

        if (ResponseBody is JsonObject { Count: 1 } sized && sized["bytes"] is JsonValue bytes && Op.StartsWith("files.download", StringComparison.Ordinal))
        {
            response.Content = new ByteArrayContent(SdkCapture.Payload(bytes.GetValue<int>()));
        }
        else if (ResponseBody is not null)
        {
            response.Content = new StringContent(SdkCapture.WithPort(ResponseBody.ToJsonString()), Encoding.UTF8, "application/json");
        }

        return response;
    }
}

/// <summary>Reads <c>TestData/sdk-requests.jsonl</c>: the requests of <c>@google/genai</c> 3.1.0 (and 2.32.0 for Veo).</summary>
internal static class SdkCapture
{
    public const string Port = "8080";

    private static readonly Lazy<IReadOnlyList<CapturedCall>> _all = new(Load);

    public static IReadOnlyList<CapturedCall> All => _all.Value;

    /// <summary>The records of one operation, in the order they were sent.</summary>
    public static IReadOnlyList<CapturedCall> Calls(string op)
    {
        var calls = All.Where(c => c.Op == op).ToList();
        return calls.Count > 0 ? calls : throw new KeyNotFoundException($"The capture has no operation '{op}'.");
    }

    public static CapturedCall Single(string op) => Calls(op).Single();

    public static string WithPort(string value) => value.Replace("127.0.0.1:PORT", "127.0.0.1:" + Port, StringComparison.Ordinal);

    /// <summary>Deterministic stand-in bytes for a download whose size alone was captured.</summary>
    public static byte[] Payload(int length) => Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26))).ToArray();

    /// <summary>A stub that answers the n-th request with the n-th record of <paramref name="op"/>.</summary>
    public static RecordingHandler Replay(string op)
    {
        var calls = Calls(op);
        return new RecordingHandler((_, index) => index < calls.Count
            ? calls[index].ToResponse()
            : throw new InvalidOperationException($"{op}: unexpected request #{index + 1}; the SDK sent {calls.Count}."));
    }

    private static List<CapturedCall> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "sdk-requests.jsonl");
        var calls = new List<CapturedCall>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var record = JsonNode.Parse(line)!.AsObject();
            calls.Add(new CapturedCall(
                record["op"]!.GetValue<string>(),
                record["method"]!.GetValue<string>(),
                record["path"]!.GetValue<string>(),
                Strings(record["headers"]),
                record["bodyKind"]?.GetValue<string>() ?? "empty",
                record["bodyKind"]?.GetValue<string>() == "json" ? record["body"]?.DeepClone() : null,
                record["bodyBase64"] is JsonValue b64 ? Convert.FromBase64String(b64.GetValue<string>()) : null,
                record["responseStatus"]!.GetValue<int>(),
                Strings(record["responseHeaders"]),
                record["responseBody"]?.DeepClone()));
        }

        return calls;
    }

    private static Dictionary<string, string> Strings(JsonNode? node) =>
        (node as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.OrdinalIgnoreCase);
}
