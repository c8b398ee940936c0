using System.Text;
using System.Text.Json.Nodes;

namespace GeminiServerless.Emulator.Infrastructure;

internal static class ApiResults
{
    public static IResult Json(JsonNode node, int statusCode = StatusCodes.Status200OK) =>
        Results.Text(EmulatorJson.Serialize(node), "application/json; charset=utf-8", Encoding.UTF8, statusCode);

    public static IResult Empty() => Json(new JsonObject());

    /// <summary>The base URL resource URIs are built from: the configured public URL or the request's scheme and host.</summary>
    public static string BaseUrl(HttpContext context, EmulatorOptions settings) =>
        settings.PublicBaseUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{context.Request.Scheme}://{context.Request.Host.Value}";

    public static int PageSize(HttpRequest request, string camelName, int defaultSize, int maxSize)
    {
        var raw = request.Query[camelName].FirstOrDefault() ?? request.Query[EmulatorJson.ToSnakeCase(camelName)].FirstOrDefault();
        if (string.IsNullOrEmpty(raw))
        {
            return defaultSize;
        }

        if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            throw Errors.GoogleErrors.InvalidArgument($"Invalid {camelName}: '{raw}'.");
        }

        return size == 0 ? defaultSize : Math.Min(size, maxSize);
    }

    public static string? Query(HttpRequest request, string camelName) =>
        request.Query[camelName].FirstOrDefault() ?? request.Query[EmulatorJson.ToSnakeCase(camelName)].FirstOrDefault();
}
