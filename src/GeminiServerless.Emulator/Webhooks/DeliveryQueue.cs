using System.Threading.Channels;

namespace GeminiServerless.Emulator.Webhooks;

/// <summary>One event body to deliver to one target. Retries reuse the same message (same webhook-id, same body).</summary>
internal sealed record WebhookMessage(string WebhookId, string EventType, string JobName, byte[] Body);

/// <summary>Where a message goes: a dynamic URI (JWT) or a static webhook (HMAC with its secrets).</summary>
internal sealed record DeliveryTarget(string Uri, string? StaticWebhookId)
{
    public string Kind => StaticWebhookId is null ? "dynamic" : "static";
}

internal sealed record DeliveryWorkItem(WebhookMessage Message, DeliveryTarget Target, int Attempt, DateTimeOffset? FirstAttemptAt);

/// <summary>The channel between the publishers (job completion) and the background delivery worker.</summary>
internal sealed class DeliveryQueue(TimeProvider time) : IDisposable
{
    private readonly Channel<DeliveryWorkItem> _channel = Channel.CreateUnbounded<DeliveryWorkItem>();
    private readonly CancellationTokenSource _stopping = new();

    public ChannelReader<DeliveryWorkItem> Reader => _channel.Reader;

    public void Enqueue(DeliveryWorkItem item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            _channel.Writer.TryWrite(item);
            return;
        }

        _ = EnqueueLaterAsync(item, delay);
    }

    public void Stop()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }

        _channel.Writer.TryComplete();
    }

    public void Dispose()
    {
        Stop();
        _stopping.Dispose();
    }

    private async Task EnqueueLaterAsync(DeliveryWorkItem item, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, time, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _channel.Writer.TryWrite(item);
    }
}
