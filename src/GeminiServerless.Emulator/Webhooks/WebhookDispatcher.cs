using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Admin;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Outputs;
using GeminiServerless.Emulator.StaticWebhooks;

namespace GeminiServerless.Emulator.Webhooks;

/// <summary>
/// Turns job events into deliveries. A job with <c>webhookConfig.uris</c> is announced to every one of those
/// URIs (JWT-signed) and to nothing else; otherwise to every enabled static webhook subscribed to the event
/// type (HMAC-signed). Applies the delivery fault markers and knobs, then hands the work to the queue.
/// </summary>
internal sealed class WebhookDispatcher(
    DeliveryQueue queue,
    StaticWebhookStore staticWebhooks,
    RuntimeSettings settings,
    EmulatorRandom random,
    EmulatorLog log,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger)
{
    public void Publish(JobEvent jobEvent)
    {
        if (jobEvent.Faults.HasFlag(Faults.NoWebhook))
        {
            logger.LogInformation("Webhook for {Job} ({Type}) suppressed by [emulator:no-webhook]", jobEvent.JobName, jobEvent.Type);
            log.CountSuppressed();
            return;
        }

        var targets = jobEvent.Config is { Uris.Count: > 0 } config
            ? config.Uris.Select(uri => new DeliveryTarget(uri, null)).ToList()
            : staticWebhooks.Subscribers(jobEvent.Type).Select(w => new DeliveryTarget(w.Uri, w.Id)).ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var data = (JsonObject)jobEvent.Data.DeepClone();
        var envelope = new JsonObject
        {
            ["type"] = jobEvent.Type,
            ["version"] = "v1",
            ["timestamp"] = Formats.Timestamp(time.GetUtcNow()),
            ["data"] = data,
        };
        if (jobEvent.Config?.UserMetadataJson is { } metadata)
        {
            data["user_metadata"] = JsonNode.Parse(metadata);
            envelope["user_metadata"] = JsonNode.Parse(metadata);
        }

        var message = new WebhookMessage("msg_" + Ids.New(27), jobEvent.Type, jobEvent.JobName, EmulatorJson.SerializeToUtf8(envelope));
        var copies = jobEvent.Faults.HasFlag(Faults.DuplicateWebhook) ? 2 : 1;
        foreach (var target in targets)
        {
            Send(message, target, copies);
        }
    }

    /// <summary>A ping to one static webhook (payload shape guessed: type <c>webhook.ping</c>).</summary>
    public void Ping(StaticWebhook webhook)
    {
        var envelope = new JsonObject
        {
            ["type"] = "webhook.ping",
            ["version"] = "v1",
            ["timestamp"] = Formats.Timestamp(time.GetUtcNow()),
            ["data"] = new JsonObject { ["id"] = "webhooks/" + webhook.Id },
        };
        var message = new WebhookMessage("msg_" + Ids.New(27), "webhook.ping", "webhooks/" + webhook.Id, EmulatorJson.SerializeToUtf8(envelope));
        Send(message, new DeliveryTarget(webhook.Uri, webhook.Id), 1);
    }

    private void Send(WebhookMessage message, DeliveryTarget target, int copies)
    {
        var current = settings.Current;
        if (random.Chance(current.DuplicateDeliveryRate))
        {
            copies++;
        }

        for (var i = 0; i < copies; i++)
        {
            if (random.Chance(current.DropDeliveryRate))
            {
                log.RecordDropped(message.JobName, target.Uri, message.EventType, message.WebhookId, target.Kind);
                continue;
            }

            queue.Enqueue(new DeliveryWorkItem(message, target, 1, null), random.UpTo(current.DeliveryJitter));
        }
    }
}
