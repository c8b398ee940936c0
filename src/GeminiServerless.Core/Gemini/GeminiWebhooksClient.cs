using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Core.Gemini;

/// <summary>Typed REST client for static webhooks (the WebhookService; snake_case bodies and query parameters).</summary>
public sealed class GeminiWebhooksClient : IGeminiWebhooks
{
    private readonly GeminiTransport _transport;

    public GeminiWebhooksClient(HttpClient http, IOptions<GeminiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _transport = new GeminiTransport(http, options.Value);
    }

    /// <inheritdoc />
    public async Task<Webhook> CreateAsync(WebhookInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(input.Uri);
        var message = NewRequest(HttpMethod.Post, "webhooks", idempotent: false);
        message.Content = JsonContent.Create(input, options: GeminiJson.SnakeCaseOptions);
        return await _transport.SendForJsonAsync<Webhook>(message, GeminiJson.SnakeCaseOptions, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<WebhookListResponse> ListAsync(int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>(2);
        if (pageSize is { } size)
        {
            query.Add("page_size=" + size.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(pageToken))
        {
            query.Add("page_token=" + Uri.EscapeDataString(pageToken));
        }

        var path = query.Count == 0 ? "webhooks" : "webhooks?" + string.Join('&', query);
        var message = NewRequest(HttpMethod.Get, path, idempotent: true);
        return await _transport.SendForJsonAsync<WebhookListResponse>(message, GeminiJson.SnakeCaseOptions, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Webhook> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var message = NewRequest(HttpMethod.Get, $"webhooks/{GeminiClient.LastSegment(id)}", idempotent: true);
        return await _transport.SendForJsonAsync<Webhook>(message, GeminiJson.SnakeCaseOptions, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Webhook> UpdateAsync(string id, WebhookUpdate update, string? updateMask = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var mask = updateMask ?? update.UpdateMask();
        if (mask.Length == 0)
        {
            throw new ArgumentException("The update sets no field.", nameof(update));
        }

        var escapedMask = string.Join(',', mask.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));
        var message = NewRequest(HttpMethod.Patch, $"webhooks/{GeminiClient.LastSegment(id)}?update_mask={escapedMask}", idempotent: true);
        message.Content = JsonContent.Create(update, options: GeminiJson.SnakeCaseOptions);
        return await _transport.SendForJsonAsync<Webhook>(message, GeminiJson.SnakeCaseOptions, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var message = NewRequest(HttpMethod.Delete, $"webhooks/{GeminiClient.LastSegment(id)}", idempotent: true);
        await _transport.SendAndForgetAsync(message, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<string> RotateSigningSecretAsync(string id, string? revocationBehavior = null, CancellationToken cancellationToken = default)
    {
        var message = NewRequest(HttpMethod.Post, $"webhooks/{GeminiClient.LastSegment(id)}:rotateSigningSecret", idempotent: false);
        var body = new JsonObject();
        if (!string.IsNullOrEmpty(revocationBehavior))
        {
            body["revocation_behavior"] = revocationBehavior;
        }

        message.Content = JsonContent.Create(body);
        var answer = await _transport.SendForJsonAsync<JsonObject>(message, GeminiJson.SnakeCaseOptions, cancellationToken);
        return answer["secret"] is JsonValue secret && secret.TryGetValue<string>(out var value) && value.Length > 0
            ? value
            : throw new GeminiApiException("The rotation answer has no secret.");
    }

    /// <inheritdoc />
    public async Task PingAsync(string id, CancellationToken cancellationToken = default)
    {
        var message = NewRequest(HttpMethod.Post, $"webhooks/{GeminiClient.LastSegment(id)}:ping", idempotent: false);
        await _transport.SendAndForgetAsync(message, cancellationToken);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path, bool idempotent) =>
        _transport.NewNextGenRequest(method, _transport.Url(path), idempotent, pinRevision: false);
}
