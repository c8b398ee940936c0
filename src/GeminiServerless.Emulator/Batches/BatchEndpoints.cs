using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Outputs;

namespace GeminiServerless.Emulator.Batches;

/// <summary><c>models/{model}:generateContent</c>, <c>models/{model}:batchGenerateContent</c> and <c>batches/*</c>.</summary>
internal static class BatchEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/models/{model}:generateContent", async (string model, HttpContext context, ContentGenerator generator) =>
        {
            var body = await EmulatorJson.ReadObjectAsync(context.Request, allowEmpty: false, context.RequestAborted);
            var outcome = generator.Generate("models/" + model, body);
            return outcome.Error is { } error ? throw GoogleErrors.From(error) : ApiResults.Json(outcome.Response!);
        });

        api.MapPost("/models/{model}:batchGenerateContent", async (string model, HttpContext context, BatchService batches, CreateFaults createFaults) =>
        {
            var body = await EmulatorJson.ReadObjectAsync(context.Request, allowEmpty: false, context.RequestAborted);
            createFaults.ThrowIfInjected();
            var job = await batches.CreateAsync(model, body, context.RequestAborted);
            await createFaults.DelayResponseAsync(context.RequestAborted);
            return ApiResults.Json(job.ToJson(includeInlinedResponses: true));
        });

        api.MapGet("/batches/{id}", (string id, BatchService batches) =>
            ApiResults.Json(batches.Get(id).ToJson(includeInlinedResponses: true)));

        api.MapGet("/batches", (HttpContext context, BatchService batches) =>
        {
            var pageSize = ApiResults.PageSize(context.Request, "pageSize", 50, 1000);
            var (page, next) = batches.List(pageSize, ApiResults.Query(context.Request, "pageToken"));
            var result = new JsonObject
            {
                ["operations"] = new JsonArray(page.Select(j => (JsonNode)j.ToJson(includeInlinedResponses: false)).ToArray()),
            };
            if (next is not null)
            {
                result["nextPageToken"] = next;
            }

            return ApiResults.Json(result);
        });

        api.MapPost("/batches/{id}:cancel", async (string id, HttpContext context, BatchService batches) =>
        {
            await EmulatorJson.ReadObjectAsync(context.Request, allowEmpty: true, context.RequestAborted);
            batches.Cancel(id);
            return ApiResults.Empty();
        });

        api.MapDelete("/batches/{id}", (string id, BatchService batches) =>
        {
            batches.Delete(id);
            return ApiResults.Empty();
        });
    }
}
