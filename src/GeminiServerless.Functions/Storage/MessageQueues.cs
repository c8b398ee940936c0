using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Storage;

/// <summary>The app's outgoing queues: finished pipelines, and webhook deliveries that had nowhere to go.</summary>
public sealed class MessageQueues
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private readonly QueueClient _completed;
    private readonly QueueClient _deadLetter;
    private readonly OnceAsync _ensureCompleted;
    private readonly OnceAsync _ensureDeadLetter;

    public MessageQueues(StorageClients clients, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        _completed = clients.Queues.GetQueueClient(options.Value.CompletedQueue);
        _deadLetter = clients.Queues.GetQueueClient(options.Value.DeadLetterQueue);
        _ensureCompleted = new OnceAsync(ct => _completed.CreateIfNotExistsAsync(cancellationToken: ct));
        _ensureDeadLetter = new OnceAsync(ct => _deadLetter.CreateIfNotExistsAsync(cancellationToken: ct));
    }

    public async Task PublishCompletedAsync<T>(T message, CancellationToken cancellationToken)
    {
        await _ensureCompleted.EnsureAsync(cancellationToken);
        await _completed.SendMessageAsync(JsonSerializer.Serialize(message, Json), cancellationToken);
    }

    public async Task DeadLetterAsync<T>(T message, CancellationToken cancellationToken)
    {
        await _ensureDeadLetter.EnsureAsync(cancellationToken);
        await _deadLetter.SendMessageAsync(JsonSerializer.Serialize(message, Json), cancellationToken);
    }
}
