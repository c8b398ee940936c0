using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace GeminiServerless.Core.Gemini;

/// <summary>Request building and error mapping shared by the typed Gemini clients.</summary>
internal sealed class GeminiTransport
{
    private const string ApiKeyHeader = "x-goog-api-key";
    private const string ApiRevisionHeader = "Api-Revision";
    private static readonly MediaTypeWithQualityHeaderValue _acceptJson = new("application/json");

    private readonly HttpClient _http;
    private readonly GeminiOptions _options;

    public GeminiTransport(HttpClient http, GeminiOptions options)
    {
        _http = http;
        _options = options;
    }

    public GeminiOptions Options => _options;

    public string Base => _options.BaseUrl.TrimEnd('/');

    /// <summary><c>{base}/{version}/{path}</c>.</summary>
    public string Url(string path, string? version = null) => $"{Base}/{version ?? _options.ApiVersion}/{path}";

    /// <summary>A request of the classic (camelCase) surface: files, models, batches, operations.</summary>
    public HttpRequestMessage NewRequest(HttpMethod method, string url, bool idempotent)
    {
        var message = new HttpRequestMessage(method, url);
        message.Headers.Add(ApiKeyHeader, _options.ApiKey);
        message.Options.Set(GeminiClient.Idempotent, idempotent);
        return message;
    }

    /// <summary>A request of the snake_case surface (Interactions, Webhooks): JSON accepted, optionally a pinned revision.</summary>
    public HttpRequestMessage NewNextGenRequest(HttpMethod method, string url, bool idempotent, bool pinRevision)
    {
        var message = NewRequest(method, url, idempotent);
        message.Headers.Accept.Add(_acceptJson);
        if (pinRevision && !string.IsNullOrEmpty(_options.ApiRevision))
        {
            message.Headers.Add(ApiRevisionHeader, _options.ApiRevision);
        }

        return message;
    }

    /// <summary>Sends the request; a non-success answer becomes a <see cref="GeminiApiException"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var response = await _http.SendAsync(message, completion, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await GeminiErrors.FromResponseAsync(response, cancellationToken);
        }
    }

    /// <summary>Sends the request and reads the JSON answer.</summary>
    public async Task<T> SendForJsonAsync<T>(HttpRequestMessage message, JsonSerializerOptions json, CancellationToken cancellationToken)
        where T : class
    {
        using (message)
        {
            using var response = await SendAsync(message, cancellationToken);
            return await response.Content.ReadFromJsonAsync<T>(json, cancellationToken)
                ?? throw new GeminiApiException($"The answer to {message.Method} {message.RequestUri?.AbsolutePath} was empty.");
        }
    }

    /// <summary>Sends the request and ignores the answer's body.</summary>
    public async Task SendAndForgetAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        using (message)
        {
            using var response = await SendAsync(message, cancellationToken);
        }
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
