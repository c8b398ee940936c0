using System.Net.Http.Headers;
using GeminiServerless.Emulator.Admin;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.StaticWebhooks;

namespace GeminiServerless.Emulator.Webhooks;

/// <summary>
/// Background worker that POSTs queued deliveries. Any 2xx is a success; anything else, an exception or a
/// timeout is retried with exponential backoff until the retry window since the first attempt is used up.
/// </summary>
internal sealed class WebhookDeliveryService(
    DeliveryQueue queue,
    IHttpClientFactory httpClientFactory,
    WebhookSigner signer,
    StaticWebhookStore staticWebhooks,
    RuntimeSettings settings,
    EmulatorLog log,
    TimeProvider time,
    ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    public const string HttpClientName = "gemini-emulator-webhooks";

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Stop();
        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, settings.Current.MaxConcurrentDeliveries)
            .Select(_ => Task.Run(() => ConsumeAsync(stoppingToken), CancellationToken.None));
        return Task.WhenAll(workers);
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await AttemptAsync(item, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task AttemptAsync(DeliveryWorkItem item, CancellationToken stoppingToken)
    {
        var current = settings.Current;
        var now = time.GetUtcNow();
        var firstAttemptAt = item.FirstAttemptAt ?? now;
        var message = item.Message;
        var target = item.Target;

        string signature;
        if (target.StaticWebhookId is { } webhookId)
        {
            var webhook = staticWebhooks.Find(webhookId);
            if (webhook is null || (webhook.State != "enabled" && message.EventType != "webhook.ping"))
            {
                logger.LogInformation("Delivery {WebhookId} to static webhook {Id} abandoned: webhook deleted or disabled", message.WebhookId, webhookId);
                return;
            }

            signature = WebhookSigner.StandardSignature(webhook.ValidSecrets(now), message.WebhookId, now.ToUnixTimeSeconds(), message.Body);
        }
        else
        {
            signature = signer.CreateJwt(target.Uri, message.JobName, message.WebhookId, message.Body, now);
        }

        var record = log.BeginDelivery(message.JobName, target.Uri, message.EventType, message.WebhookId, item.Attempt, target.Kind);
        int? statusCode = null;
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Uri);
            request.Content = new ByteArrayContent(message.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("webhook-id", message.WebhookId);
            request.Headers.TryAddWithoutValidation("webhook-timestamp", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("webhook-signature", signature);
            request.Headers.UserAgent.ParseAdd("gemini-emulator-webhooks/1.0");

            using var timeout = new CancellationTokenSource(current.DeliveryTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            statusCode = (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            log.CompleteDelivery(record, null, "cancelled", "emulator shutting down");
            return;
        }
        catch (OperationCanceledException)
        {
            error = $"timed out after {current.DeliveryTimeout}";
        }
        catch (HttpRequestException ex)
        {
            error = ex.Message;
        }

        var delivered = statusCode is >= 200 and < 300;
        log.CompleteDelivery(record, statusCode, delivered ? "delivered" : statusCode is null ? "error" : "failed", error);
        if (delivered)
        {
            return;
        }

        var delay = RetryDelay(current, item.Attempt);
        if (time.GetUtcNow() + delay - firstAttemptAt > current.RetryWindow)
        {
            logger.LogWarning("Giving up delivery {WebhookId} of {Type} to {Uri} after {Attempts} attempts", message.WebhookId, message.EventType, target.Uri, item.Attempt);
            if (target.StaticWebhookId is { } id && staticWebhooks.Find(id) is { } failing && message.EventType != "webhook.ping")
            {
                lock (failing.Gate)
                {
                    failing.State = "disabled_due_to_failed_deliveries";
                    failing.UpdateTime = time.GetUtcNow();
                }
            }

            return;
        }

        queue.Enqueue(item with { Attempt = item.Attempt + 1, FirstAttemptAt = firstAttemptAt }, delay);
    }

    private static TimeSpan RetryDelay(EmulatorOptions current, int attempt)
    {
        var factor = Math.Pow(current.RetryBackoffFactor, Math.Min(attempt - 1, 60));
        var ticks = current.RetryInitialDelay.Ticks * factor;
        return ticks >= current.RetryMaxDelay.Ticks ? current.RetryMaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
