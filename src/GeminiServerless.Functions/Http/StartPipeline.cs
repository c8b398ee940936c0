using System.Security.Cryptography;
using System.Text;
using GeminiServerless.Core.Pipelines;
using GeminiServerless.Functions.Activities;
using GeminiServerless.Functions.Orchestrations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Http;

/// <summary><c>POST /api/pipelines</c>: validates the request and starts a pipeline (at most once per idempotency key).</summary>
public sealed class StartPipeline(PipelineCatalog catalog, IPipelineStorage storage, IOptions<CallbackOptions> callbacks, ILogger<StartPipeline> logger)
{
    public const int MaxBodyBytes = 64 * 1024;

    [Function(nameof(StartPipeline))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "pipelines")] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(client);
        var body = await BodyReader.ReadAsync(req, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.BadRequest("Body too large.", $"The body must be at most {MaxBodyBytes} bytes.");
        }

        var (request, errors) = StartPipelineRequestParser.Parse(body, catalog);
        if (request is null)
        {
            return Invalid(errors);
        }

        if (request.CallbackUrl is { } callbackUrl && SendPipelineCallback.Validate(callbackUrl, callbacks.Value) is { } callbackError)
        {
            errors["callbackUrl"] = callbackError;
            return Invalid(errors);
        }

        foreach (var spec in request.Definition.Inputs.Where(i => i.Kind == InputKind.Media))
        {
            if (request.Input.TryGetValue(spec.Name, out var value) && !await storage.MediaExistsAsync(value, cancellationToken))
            {
                errors[$"input.{spec.Name}"] = BlobPipelineStorageMessages.NotFound(value);
            }
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var instanceId = InstanceIdFor(request);
        var input = new PipelineInput(
            instanceId,
            request.Definition.Name,
            request.Definition.Stages.Select(s => new StagePlan(s.Name, s.Kind, s.Limits.ReconcileInterval, s.Limits.Deadline)).ToList(),
            request.Input,
            request.CallbackUrl);

        var existing = request.IdempotencyKey is null ? null : await client.GetInstanceAsync(instanceId, cancellationToken);
        if (existing is null)
        {
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(
                    nameof(PipelineOrchestrator), input, new StartOrchestrationOptions(instanceId), cancellationToken);
                logger.LogInformation("Started pipeline {Pipeline} as {InstanceId}.", request.Definition.Name, instanceId);
            }
            catch (Exception ex) when (request.IdempotencyKey is not null && ex is not OperationCanceledException)
            {
                // A concurrent request with the same key may have won the race: answer with its instance.
                if (await client.GetInstanceAsync(instanceId, cancellationToken) is null)
                {
                    throw;
                }
            }
        }
        else
        {
            logger.LogInformation("Idempotency key matched existing pipeline {InstanceId}.", instanceId);
        }

        var baseUrl = $"{req.Scheme}://{req.Host}{req.PathBase}/api/pipelines/{Uri.EscapeDataString(instanceId)}";
        req.HttpContext.Response.Headers.Location = baseUrl;
        return new AcceptedResult(baseUrl, new
        {
            id = instanceId,
            pipeline = request.Definition.Name,
            statusQueryGetUri = baseUrl,
            cancelPostUri = baseUrl + "/cancel",
            existing = existing is not null,
        });
    }

    /// <summary>Deterministic for an idempotency key (scoped to the pipeline), random otherwise.</summary>
    public static string InstanceIdFor(StartPipelineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.IdempotencyKey is null)
        {
            return "p-" + Guid.NewGuid().ToString("N");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(request.Definition.Name + "\n" + request.IdempotencyKey));
        return "p-" + Convert.ToHexStringLower(hash)[..32];
    }

    private static ObjectResult Invalid(Dictionary<string, string> errors) =>
        Problems.BadRequest("The request is invalid.", string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value}")),
            new Dictionary<string, object?> { ["errors"] = errors });
}

internal static class BlobPipelineStorageMessages
{
    public static string NotFound(string value) =>
        Storage.BlobPipelineStorage.IsUrl(value)
            ? "Media URLs are disabled on this app; upload the file to the 'inputs' container."
            : $"No blob named '{value}' in the 'inputs' container.";
}
