using GeminiServerless.Emulator.Infrastructure;

namespace GeminiServerless.Emulator.Interactions;

/// <summary>Interactions API (snake_case): create, get, cancel (<c>/cancel</c> with a slash), delete.</summary>
internal static class InteractionEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/interactions", async (HttpContext context, InteractionService interactions, CreateFaults createFaults) =>
        {
            var body = await EmulatorJson.ReadObjectAsync(context.Request, allowEmpty: false, context.RequestAborted);
            createFaults.ThrowIfInjected();
            var interaction = interactions.Create(body);
            await createFaults.DelayResponseAsync(context.RequestAborted);
            return ApiResults.Json(interaction.ToJson());
        });

        api.MapGet("/interactions/{id}", (string id, InteractionService interactions) =>
            ApiResults.Json(interactions.Get(id).ToJson()));

        api.MapPost("/interactions/{id}/cancel", (string id, InteractionService interactions) =>
            ApiResults.Json(interactions.Cancel(id).ToJson()));

        api.MapDelete("/interactions/{id}", (string id, InteractionService interactions) =>
        {
            interactions.Delete(id);
            return ApiResults.Empty();
        });
    }
}
