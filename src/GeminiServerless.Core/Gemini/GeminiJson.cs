using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeminiServerless.Core.Gemini;

/// <summary>JSON settings of the Gemini surfaces.</summary>
public static class GeminiJson
{
    /// <summary>The classic surface (files, models, batches, operations): camelCase.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>The newer surfaces (Interactions, Webhooks): snake_case only.</summary>
    public static JsonSerializerOptions SnakeCaseOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
