using GeminiServerless.Emulator.Infrastructure;

namespace GeminiServerless.Emulator.Videos;

/// <summary>Veo: <c>models/{model}:predictLongRunning</c> and <c>models/{model}/operations/{id}</c>.</summary>
internal static class VideoEndpoints
{
    public static void Map(IEndpointRouteBuilder api, string version)
    {
        api.MapPost("/models/{model}:predictLongRunning", async (string model, HttpContext context, VideoService videos, CreateFaults createFaults, RuntimeSettings settings) =>
        {
            var body = await EmulatorJson.ReadObjectAsync(context.Request, allowEmpty: false, context.RequestAborted);
            createFaults.ThrowIfInjected();
            var operation = videos.Create(model, body, ApiResults.BaseUrl(context, settings.Current), version);
            await createFaults.DelayResponseAsync(context.RequestAborted);
            return ApiResults.Json(new System.Text.Json.Nodes.JsonObject { ["name"] = operation.Name });
        });

        api.MapGet("/models/{model}/operations/{id}", (string model, string id, HttpContext context, VideoService videos, RuntimeSettings settings) =>
            ApiResults.Json(videos.Get(model, id).ToJson(ApiResults.BaseUrl(context, settings.Current), version)));
    }
}
