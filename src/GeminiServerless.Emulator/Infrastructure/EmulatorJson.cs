using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Errors;

namespace GeminiServerless.Emulator.Infrastructure;

/// <summary>
/// JSON reading helpers. The classic surface is proto3 JSON, whose parser accepts both lowerCamelCase and
/// snake_case names, so every field look-up here tries the camelCase name and then its snake_case twin.
/// </summary>
internal static class EmulatorJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(JsonNode node) => node.ToJsonString(Options);

    public static byte[] SerializeToUtf8(JsonNode node) => Encoding.UTF8.GetBytes(Serialize(node));

    public static JsonNode? Field(JsonObject? obj, string camelName)
    {
        if (obj is null)
        {
            return null;
        }

        if (obj.TryGetPropertyValue(camelName, out var value))
        {
            return value;
        }

        var snake = ToSnakeCase(camelName);
        return !string.Equals(snake, camelName, StringComparison.Ordinal) && obj.TryGetPropertyValue(snake, out value) ? value : null;
    }

    public static JsonObject? Object(JsonObject? obj, string camelName) => Field(obj, camelName) switch
    {
        null => null,
        JsonObject o => o,
        _ => throw GoogleErrors.InvalidArgument($"Invalid value at '{camelName}': expected an object."),
    };

    public static JsonArray? Array(JsonObject? obj, string camelName) => Field(obj, camelName) switch
    {
        null => null,
        JsonArray a => a,
        _ => throw GoogleErrors.InvalidArgument($"Invalid value at '{camelName}': expected a list."),
    };

    public static string? String(JsonObject? obj, string camelName) => Field(obj, camelName) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw GoogleErrors.InvalidArgument($"Invalid value at '{camelName}': expected a string."),
    };

    public static bool? Bool(JsonObject? obj, string camelName) => Field(obj, camelName) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        _ => throw GoogleErrors.InvalidArgument($"Invalid value at '{camelName}': expected a boolean."),
    };

    /// <summary>Reads an integer written as a JSON number or (proto3 int64 style) as a string.</summary>
    public static long? Int64(JsonObject? obj, string camelName)
    {
        switch (Field(obj, camelName))
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n):
                return n;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d == Math.Floor(d):
                return (long)d;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String
                                  && long.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s):
                return s;
            default:
                throw GoogleErrors.InvalidArgument($"Invalid value at '{camelName}': expected an integer.");
        }
    }

    public static string ToSnakeCase(string camel)
    {
        var builder = new StringBuilder(camel.Length + 4);
        foreach (var c in camel)
        {
            if (char.IsUpper(c))
            {
                builder.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Reads the request body as a JSON object; malformed JSON is a 400 INVALID_ARGUMENT.</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpRequest request, bool allowEmpty, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return allowEmpty ? null : throw GoogleErrors.InvalidArgument("Request body is empty; a JSON object is required.");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes.Span);
        }
        catch (JsonException ex)
        {
            throw GoogleErrors.InvalidArgument($"Invalid JSON payload received. {ex.Message}");
        }

        return node as JsonObject ?? throw GoogleErrors.InvalidArgument("Invalid JSON payload received: expected a JSON object.");
    }

    /// <summary>Parses a serialized JSON value kept in a store; values are stored as text so concurrent readers never share nodes.</summary>
    public static JsonNode? ParseStored(string? json) => json is null ? null : JsonNode.Parse(json);
}
