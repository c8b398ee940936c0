using Azure;
using GeminiServerless.Core.Webhooks;
using GeminiServerless.Functions.Http;
using GeminiServerless.Functions.Orchestrations;
using GeminiServerless.Functions.Storage;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Webhooks;

/// <summary>
/// Receives Gemini's webhook calls. Anonymous (Gemini sends no function key) and protected by mandatory
/// signature verification that fails closed. Turns a verified delivery into a Durable external event.
/// </summary>
public sealed class GeminiWebhook(
    IWebhookVerifier verifier,
    WebhookDeliveryLedger ledger,
    MessageQueues queues,
    IOptions<WebhookOptions> options,
    ILogger<GeminiWebhook> logger)
{
    private const int MaxInstanceIdLength = 256;

    [Function(nameof(GeminiWebhook))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/gemini/{instanceId}")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string instanceId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrWhiteSpace(instanceId) || instanceId.Length > MaxInstanceIdLength)
        {
            return Problems.BadRequest("Invalid instance id.");
        }

        var settings = options.Value;
        var body = await BodyReader.ReadAsync(req, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            logger.LogWarning("Webhook for {InstanceId} refused: body over {MaxBytes} bytes.", instanceId, settings.MaxBodyBytes);
            return Problems.BadRequest("Body too large.", $"The body must be at most {settings.MaxBodyBytes} bytes.");
        }

        var verification = await verifier.VerifyAsync(new WebhookRequest(
            body,
            Header(req, "webhook-id"),
            Header(req, "webhook-timestamp"),
            Header(req, "webhook-signature"),
            settings.WebhookUrlFor(instanceId)), cancellationToken);
        if (!verification.IsValid)
        {
            if (verification.IsTransient)
            {
                logger.LogWarning("Webhook for {InstanceId} could not be verified now ({Failure}); asking the sender to retry.", instanceId, verification.Failure);
                return Unavailable("The signing keys could not be loaded; retry later.");
            }

            logger.LogWarning("Webhook for {InstanceId} refused: {Failure}.", instanceId, verification.Failure);
            return Problems.Create(StatusCodes.Status401Unauthorized, "Signature verification failed.");
        }

        if (!WebhookEnvelope.TryParse(body, out var envelope, out var parseError))
        {
            logger.LogWarning("Webhook for {InstanceId} refused: {Error}.", instanceId, parseError);
            return Problems.BadRequest("Malformed event.", parseError);
        }

        if (envelope.UserMetadata is { } metadata && metadata.TryGetValue("instanceId", out var claimed) && !string.Equals(claimed, instanceId, StringComparison.Ordinal))
        {
            logger.LogWarning("Webhook refused: route instance {InstanceId} differs from user_metadata instance {Claimed}.", instanceId, claimed);
            return Problems.BadRequest("Instance mismatch.", "The route's instance id differs from the event's user_metadata.instanceId.");
        }

        var deliveryId = verification.DeliveryId ?? envelope.DataId ?? "unknown";
        if (!WebhookEventTypes.IsKnown(envelope.Type))
        {
            logger.LogInformation("Webhook {DeliveryId} for {InstanceId}: unknown event type {Type}; ignored.", deliveryId, instanceId, envelope.Type);
            return Accepted("ignored");
        }

        try
        {
            if (await ledger.WasRaisedAsync(instanceId, deliveryId, cancellationToken))
            {
                logger.LogInformation("Webhook {DeliveryId} for {InstanceId} was already handled.", deliveryId, instanceId);
                return Accepted("duplicate");
            }

            var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
            if (instance is null || instance.IsCompleted)
            {
                return await DeadLetterAsync(instanceId, deliveryId, envelope, instance is null ? "unknown instance" : $"instance is {instance.RuntimeStatus}", cancellationToken);
            }

            try
            {
                await client.RaiseEventAsync(instanceId, EventNames.GeminiJobCompleted, new JobEvent(envelope.Type, envelope.DataId, deliveryId), cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.FailedPrecondition)
            {
                return await DeadLetterAsync(instanceId, deliveryId, envelope, $"raise refused: {ex.StatusCode}", cancellationToken);
            }

            await ledger.RecordRaisedAsync(instanceId, deliveryId, envelope.Type, cancellationToken);
            logger.LogInformation("Webhook {DeliveryId} ({Type}, {JobId}) raised on {InstanceId}.", deliveryId, envelope.Type, envelope.DataId, instanceId);
            return Accepted("raised");
        }
        catch (Exception ex) when (ex is RequestFailedException or RpcException or HttpRequestException or TimeoutException)
        {
            logger.LogError(ex, "Webhook {DeliveryId} for {InstanceId}: transient failure; asking the sender to retry.", deliveryId, instanceId);
            return Unavailable("Temporarily unable to accept the event; retry later.");
        }
    }

    private async Task<IActionResult> DeadLetterAsync(string instanceId, string deliveryId, WebhookEnvelope envelope, string reason, CancellationToken cancellationToken)
    {
        // Never 410: a Standard Webhooks sender would take it as "disable this endpoint".
        logger.LogWarning("Webhook {DeliveryId} for {InstanceId} dead-lettered: {Reason}.", deliveryId, instanceId, reason);
        await queues.DeadLetterAsync(new
        {
            instanceId,
            deliveryId,
            type = envelope.Type,
            jobId = envelope.DataId,
            reason,
        }, cancellationToken);
        return Accepted("dead-lettered");
    }

    private static OkObjectResult Accepted(string status) => new(new { status });

    private static ObjectResult Unavailable(string detail)
    {
        var result = Problems.Create(StatusCodes.Status503ServiceUnavailable, "Service unavailable.", detail);
        return result;
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}
