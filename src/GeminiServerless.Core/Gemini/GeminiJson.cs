using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeminiServerless.Core.Gemini;

/// <summary>JSON settings of the classic (camelCase) Gemini surface.</summary>
public static class GeminiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
