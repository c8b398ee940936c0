using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace GeminiServerless.Core.Webhooks;

/// <summary>
/// The routing fields of a Gemini webhook body (<c>{ "type", "version", "timestamp", "data": { "id", ... } }</c>).
/// Parsed leniently: unknown fields are ignored and the known spelling variants are accepted.
/// Nothing here is authoritative; the job is fetched from Gemini afterwards.
/// </summary>
public sealed class WebhookEnvelope
{
    private const int MaxDepth = 64;

    private WebhookEnvelope(string type)
    {
        Type = type;
    }

    /// <summary>The event type, e.g. <c>batch.succeeded</c> (see <see cref="WebhookEventTypes"/>; may be unknown).</summary>
    public string Type { get; }

    /// <summary>The payload version, e.g. <c>v1</c>.</summary>
    public string? Version { get; private init; }

    /// <summary>The event timestamp as sent (ISO-8601).</summary>
    public string? Timestamp { get; private init; }

    /// <summary><c>data.id</c>, e.g. <c>batches/abc</c> or <c>abc</c>.</summary>
    public string? DataId { get; private init; }

    /// <summary>The last path segment of <see cref="DataId"/> (<c>batches/abc</c> → <c>abc</c>).</summary>
    public string? JobIdLastSegment { get; private init; }

    /// <summary>
    /// <c>user_metadata</c> from the top level (<c>user_metadata</c>, then <c>userMetadata</c>), else from
    /// <c>data</c>; string values as-is, other values as raw JSON text.
    /// </summary>
    public IReadOnlyDictionary<string, string>? UserMetadata { get; private init; }

    /// <summary><c>data.error_code</c> (an integer or a string on the wire).</summary>
    public string? ErrorCode { get; private init; }

    /// <summary><c>data.error_message</c>.</summary>
    public string? ErrorMessage { get; private init; }

    /// <summary><c>data.output_file_uri</c>, else <c>data.video_uri</c>, else <c>data.file_name</c>.</summary>
    public string? OutputFileUri { get; private init; }

    /// <summary>
    /// Parses a webhook body. Returns false, with a short error, for anything that is not a JSON object with a
    /// non-empty string <c>type</c>. Never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out WebhookEnvelope? envelope, out string? error)
    {
        envelope = null;
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth });
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                error = "The body holds more than one JSON value.";
                return false;
            }

            return TryCreate(document.RootElement, out envelope, out error);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            envelope = null;
            error = "The body is not valid JSON.";
            return false;
        }
    }

    private static bool TryCreate(JsonElement root, [NotNullWhen(true)] out WebhookEnvelope? envelope, out string? error)
    {
        envelope = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The body is not a JSON object.";
            return false;
        }

        if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            error = "The body has no string 'type'.";
            return false;
        }

        var type = typeElement.GetString();
        if (string.IsNullOrWhiteSpace(type))
        {
            error = "The body has an empty 'type'.";
            return false;
        }

        var data = root.TryGetProperty("data", out var dataElement) && dataElement.ValueKind == JsonValueKind.Object
            ? dataElement
            : default;
        var dataId = Text(data, "id") ?? Text(data, "name");

        envelope = new WebhookEnvelope(type)
        {
            Version = Text(root, "version"),
            Timestamp = Text(root, "timestamp"),
            DataId = dataId,
            JobIdLastSegment = LastSegment(dataId),
            UserMetadata = Metadata(root, "user_metadata") ?? Metadata(root, "userMetadata")
                ?? Metadata(data, "user_metadata") ?? Metadata(data, "userMetadata"),
            ErrorCode = Text(data, "error_code") ?? Text(data, "errorCode") ?? Text(Child(data, "error"), "code"),
            ErrorMessage = Text(data, "error_message") ?? Text(data, "errorMessage") ?? Text(Child(data, "error"), "message"),
            OutputFileUri = Text(data, "output_file_uri") ?? Text(data, "outputFileUri")
                ?? Text(data, "video_uri") ?? Text(data, "videoUri")
                ?? Text(data, "file_name") ?? Text(data, "fileName"),
        };
        error = null;
        return true;
    }

    private static JsonElement Child(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object
            ? child
            : default;

    private static string? Text(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    private static Dictionary<string, string>? Metadata(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object
            || !parent.TryGetProperty(name, out var value)
            || value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            metadata[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString() ?? ""
                : property.Value.GetRawText();
        }

        return metadata;
    }

    private static string? LastSegment(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var trimmed = id.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var segment = slash < 0 ? trimmed : trimmed[(slash + 1)..];
        return segment.Length == 0 ? null : segment;
    }
}
