using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Core.Gemini;

/// <summary>
/// Typed REST client for the Interactions API: snake_case bodies, <c>Accept: application/json</c> and the
/// <c>Api-Revision</c> header from <see cref="GeminiOptions.ApiRevision"/>.
/// </summary>
public sealed class GeminiInteractionsClient : IGeminiInteractions
{
    private readonly GeminiTransport _transport;

    public GeminiInteractionsClient(HttpClient http, IOptions<GeminiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _transport = new GeminiTransport(http, options.Value);
    }

    /// <inheritdoc />
    public async Task<Interaction> CreateAsync(CreateInteractionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WebhookConfig is not null && request.Background != true)
        {
            throw new ArgumentException("An interaction with a webhook_config must run in the background (Background = true).", nameof(request));
        }

        var message = NewRequest(HttpMethod.Post, "interactions", idempotent: false);
        message.Content = JsonContent.Create(request, options: GeminiJson.SnakeCaseOptions);
        return await _transport.SendForJsonAsync<Interaction>(message, GeminiJson.SnakeCaseOptions, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Interaction> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var message = NewRequest(HttpMethod.Get, $"interactions/{GeminiClient.LastSegment(id)}?stream=false", idempotent: true);
        return await _transport.SendForJsonAsync<Interaction>(message, GeminiJson.SnakeCaseOptions, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Interaction> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        var message = NewRequest(HttpMethod.Post, $"interactions/{GeminiClient.LastSegment(id)}/cancel", idempotent: true);
        return await _transport.SendForJsonAsync<Interaction>(message, GeminiJson.SnakeCaseOptions, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var message = NewRequest(HttpMethod.Delete, $"interactions/{GeminiClient.LastSegment(id)}", idempotent: true);
        await _transport.SendAndForgetAsync(message, cancellationToken);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path, bool idempotent) =>
        _transport.NewNextGenRequest(method, _transport.Url(path), idempotent, pinRevision: true);
}
