using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GeminiServerless.Core.Gemini;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Core.Tests.Gemini;

/// <summary>A request as the stub received it: method, URI, lower-cased headers (content headers included) and body.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[]? Body)
{
    public string PathAndQuery => Uri.PathAndQuery;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonNode? Json => Body is { Length: > 0 } ? JsonNode.Parse(Body) : null;
}

/// <summary>Records every request (reading its body first) and answers with the responder's message.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, int, HttpResponseMessage> _respond;
    private readonly List<RecordedRequest> _requests = [];

    public RecordingHandler(Func<RecordedRequest, int, HttpResponseMessage> respond)
    {
        _respond = respond;
    }

    public RecordingHandler(Func<RecordedRequest, HttpResponseMessage> respond)
        : this((request, _) => respond(request))
    {
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public Action<RecordedRequest>? OnRequest { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = string.Join(", ", values);
        }

        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name.ToLowerInvariant()] = string.Join(", ", values);
            }
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        int index;
        lock (_requests)
        {
            index = _requests.Count;
            _requests.Add(recorded);
        }

        OnRequest?.Invoke(recorded);
        var response = _respond(recorded, index);
        response.RequestMessage = request;
        return response;
    }
}

internal static class Responses
{
    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Json(JsonNode? json, HttpStatusCode status = HttpStatusCode.OK) =>
        Json(json?.ToJsonString() ?? "{}", status);

    public static HttpResponseMessage Error(HttpStatusCode status, string googleStatus = "UNAVAILABLE", string message = "The model is overloaded.") =>
        Json(new JsonObject { ["error"] = new JsonObject { ["code"] = (int)status, ["message"] = message, ["status"] = googleStatus } }, status);
}

/// <summary>Builds the clients over a stub handler, directly or through <see cref="GeminiServiceCollectionExtensions.AddGeminiClient"/>.</summary>
internal static class TestClients
{
    public const string BaseUrl = "http://127.0.0.1:8080";
    public const string ApiKey = "test-key";

    public static GeminiOptions Options(string apiVersion = "v1") => new()
    {
        ApiKey = ApiKey,
        BaseUrl = BaseUrl,
        ApiVersion = apiVersion,
    };

    public static GeminiClient Client(HttpMessageHandler handler, GeminiOptions? options = null) =>
        new(new HttpClient(handler), Microsoft.Extensions.Options.Options.Create(options ?? Options()), TimeProvider.System);

    public static GeminiInteractionsClient Interactions(HttpMessageHandler handler, GeminiOptions? options = null) =>
        new(new HttpClient(handler), Microsoft.Extensions.Options.Options.Create(options ?? Options()));

    public static GeminiWebhooksClient Webhooks(HttpMessageHandler handler, GeminiOptions? options = null) =>
        new(new HttpClient(handler), Microsoft.Extensions.Options.Options.Create(options ?? Options()));

    /// <summary>A service provider with the app's registration, the stub as every client's primary handler.</summary>
    public static ServiceProvider Services(HttpMessageHandler handler, TimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Gemini:ApiKey"] = ApiKey,
            ["Gemini:BaseUrl"] = BaseUrl,
            ["Gemini:ApiVersion"] = "v1",
            ["Gemini:RetryBaseDelay"] = "00:00:00.001",
            ["Gemini:RetryMaxDelay"] = "00:01:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddGeminiClient(configuration);
        services.ConfigureHttpClientDefaults(builder => builder.ConfigurePrimaryHttpMessageHandler(() => handler));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}

/// <summary>A read-only, non-seekable stream of <c>length</c> bytes: byte i is <c>(byte)(i * 31 + 7)</c>.</summary>
internal sealed class PatternStream(long length) : GeneratingStream
{
    private long _position;

    public static byte At(long i) => unchecked((byte)((i * 31) + 7));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < n; i++)
        {
            buffer[i] = At(_position + i);
        }

        _position += n;
        return n;
    }
}
