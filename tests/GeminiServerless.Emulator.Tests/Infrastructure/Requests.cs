using System.Text.Json.Nodes;

namespace GeminiServerless.Emulator.Tests.Infrastructure;

/// <summary>Request bodies in the shapes the official SDK sends.</summary>
public static class Requests
{
    public static JsonObject Text(string text) => new()
    {
        ["contents"] = new JsonArray(new JsonObject
        {
            ["parts"] = new JsonArray(new JsonObject { ["text"] = text }),
            ["role"] = "user",
        }),
    };

    public static JsonObject Audio(string fileUri, string prompt = "Transcribe this audio.", string mimeType = "audio/mpeg") => new()
    {
        ["contents"] = new JsonArray(new JsonObject
        {
            ["parts"] = new JsonArray(
                new JsonObject { ["fileData"] = new JsonObject { ["fileUri"] = fileUri, ["mimeType"] = mimeType } },
                new JsonObject { ["text"] = prompt }),
            ["role"] = "user",
        }),
    };

    public static JsonObject InlineBatch(string displayName, IEnumerable<JsonObject> requests, JsonObject? webhookConfig = null)
    {
        var items = new JsonArray();
        var i = 0;
        foreach (var request in requests)
        {
            items.Add(new JsonObject { ["request"] = request, ["metadata"] = new JsonObject { ["key"] = $"req-{++i}" } });
        }

        var batch = new JsonObject
        {
            ["inputConfig"] = new JsonObject { ["requests"] = new JsonObject { ["requests"] = items } },
            ["displayName"] = displayName,
        };
        if (webhookConfig is not null)
        {
            batch["webhookConfig"] = webhookConfig;
        }

        return new JsonObject { ["batch"] = batch };
    }

    public static JsonObject Webhook(string uri, JsonObject? userMetadata = null, string metadataKey = "userMetadata")
    {
        var config = new JsonObject { ["uris"] = new JsonArray(uri) };
        if (userMetadata is not null)
        {
            config[metadataKey] = userMetadata;
        }

        return config;
    }

    public static byte[] AudioBytes(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }
}
