using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Infrastructure;

namespace GeminiServerless.Emulator.Errors;

internal static class GoogleErrors
{
    public static GoogleApiException InvalidArgument(string message) => new(RpcCode.InvalidArgument, message);

    public static GoogleApiException NotFound(string message) => new(RpcCode.NotFound, message);

    public static GoogleApiException FailedPrecondition(string message) => new(RpcCode.FailedPrecondition, message);

    public static GoogleApiException AlreadyExists(string message) => new(RpcCode.AlreadyExists, message);

    public static GoogleApiException From(RpcError error) => new(error.Code, error.Message);

    /// <summary><c>{"error":{"code":404,"message":"…","status":"NOT_FOUND"}}</c>.</summary>
    public static JsonObject Body(RpcCode code, string message, JsonArray? details = null)
    {
        var error = new JsonObject
        {
            ["code"] = code.HttpStatus,
            ["message"] = message,
            ["status"] = code.Status,
        };
        if (details is not null)
        {
            error["details"] = details.DeepClone();
        }

        return new JsonObject { ["error"] = error };
    }

    /// <summary>The google.rpc.Status form used inside resources: <c>{"code":13,"message":"…","status":"INTERNAL"}</c>.</summary>
    public static JsonObject Status(RpcError error) => new()
    {
        ["code"] = error.Code.Code,
        ["message"] = error.Message,
        ["status"] = error.Code.Status,
    };

    public static async Task WriteAsync(HttpContext context, RpcCode code, string message, JsonArray? details = null)
    {
        context.Response.StatusCode = code.HttpStatus;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(EmulatorJson.Serialize(Body(code, message, details)), context.RequestAborted);
    }

    public static JsonArray ErrorInfo(string reason) =>
    [
        new JsonObject
        {
            ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
            ["reason"] = reason,
            ["domain"] = "googleapis.com",
            ["metadata"] = new JsonObject { ["service"] = "generativelanguage.googleapis.com" },
        },
    ];
}
