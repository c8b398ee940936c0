using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Admin;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Files;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Outputs;
using GeminiServerless.Emulator.Webhooks;

namespace GeminiServerless.Emulator.Videos;

/// <summary>A Veo <c>predictLongRunning</c> operation.</summary>
internal sealed class VideoOperation
{
    public Lock Gate { get; } = new();

    public required string Id { get; init; }

    public required string Model { get; init; }

    public string Name => $"models/{Model}/operations/{Id}";

    public required string Prompt { get; init; }

    public int SampleCount { get; init; }

    public Faults Faults { get; init; }

    public WebhookConfig? Webhook { get; init; }

    public required string BaseUrl { get; init; }

    public required string ApiVersion { get; init; }

    public bool Done { get; set; }

    public RpcError? Error { get; set; }

    public bool Filtered { get; set; }

    public List<string> VideoFileIds { get; } = [];

    /// <summary>
    /// The URI of a generated video, always <c>https://</c> like Gemini's: SDK 3.x only takes the file id out of
    /// <c>https://</c> video URIs (<c>files.download({file: generatedVideo})</c>) and requests it against its own base URL.
    /// </summary>
    public static string VideoUri(string baseUrl, string version, string fileId)
    {
        var secure = baseUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "https://" + baseUrl["http://".Length..] : baseUrl;
        return $"{secure}/{version}/files/{fileId}:download?alt=media";
    }

    public JsonObject ToJson(string baseUrl, string version)
    {
        lock (Gate)
        {
            var json = new JsonObject { ["name"] = Name };
            if (!Done)
            {
                return json;
            }

            json["done"] = true;
            if (Error is not null)
            {
                json["error"] = GoogleErrors.Status(Error);
                return json;
            }

            var videoResponse = new JsonObject
            {
                ["generatedSamples"] = new JsonArray(VideoFileIds
                    .Select(id => (JsonNode)new JsonObject { ["video"] = new JsonObject { ["uri"] = VideoUri(baseUrl, version, id) } })
                    .ToArray()),
            };
            if (Filtered)
            {
                videoResponse["raiMediaFilteredCount"] = 1;
                videoResponse["raiMediaFilteredReasons"] = new JsonArray("The prompt was blocked by the emulator (marker [emulator:blocked]).");
            }

            json["response"] = new JsonObject
            {
                ["@type"] = $"type.googleapis.com/google.ai.generativelanguage.{version}.PredictLongRunningResponse",
                ["generateVideoResponse"] = videoResponse,
            };
            return json;
        }
    }
}

internal sealed class VideoService(
    FileStore files,
    WebhookDispatcher dispatcher,
    JobScheduler scheduler,
    RuntimeSettings settings,
    EmulatorLog log)
{
    private readonly ConcurrentDictionary<string, VideoOperation> _operations = new(StringComparer.Ordinal);

    public VideoOperation Create(string model, JsonObject? body, string baseUrl, string version)
    {
        var instances = EmulatorJson.Array(body, "instances");
        if (instances is null || instances.Count == 0 || instances[0] is not JsonObject first)
        {
            throw GoogleErrors.InvalidArgument("* instances: at least one instance with a prompt is required.");
        }

        var prompt = EmulatorJson.String(first, "prompt") ?? string.Empty;
        var sampleCount = (int)Math.Clamp(EmulatorJson.Int64(EmulatorJson.Object(body, "parameters"), "sampleCount") ?? 1, 1, 4);
        var operation = new VideoOperation
        {
            Id = Ids.New(12),
            Model = model,
            Prompt = prompt,
            SampleCount = sampleCount,
            Faults = FaultMarkers.Scan(prompt),
            Webhook = WebhookConfig.Parse(body),
            BaseUrl = baseUrl,
            ApiVersion = version,
        };
        _operations[operation.Id] = operation;
        log.CountCreate("video");

        var current = settings.Current;
        var delay = operation.Faults.HasFlag(Faults.Slow) ? current.CompletionDelay * current.SlowFactor : current.CompletionDelay;
        scheduler.After(delay, () => CompleteAsync(operation));
        return operation;
    }

    public VideoOperation Get(string model, string id) =>
        _operations.TryGetValue(id, out var operation) && operation.Model == model
            ? operation
            : throw GoogleErrors.NotFound($"Operation models/{model}/operations/{id} does not exist.");

    public void Clear() => _operations.Clear();

    private async Task CompleteAsync(VideoOperation operation)
    {
        if (operation.Faults.HasFlag(Faults.JobFailed) || operation.Faults.HasFlag(Faults.JobExpired))
        {
            lock (operation.Gate)
            {
                operation.Done = true;
                operation.Error = new RpcError(RpcCode.Internal, "Video generation failed (marker [emulator:job-failed]).");
            }

            return;
        }

        var data = new JsonObject { ["id"] = operation.Name };
        if (operation.Faults.HasFlag(Faults.Blocked))
        {
            lock (operation.Gate)
            {
                operation.Done = true;
                operation.Filtered = true;
            }
        }
        else
        {
            var ids = new List<string>();
            for (var i = 0; i < operation.SampleCount; i++)
            {
                var content = Encoding.UTF8.GetBytes($"GEMINI-EMULATOR-VIDEO\nmodel={operation.Model}\nsample={i}\nprompt={operation.Prompt}\n");
                var file = await files.CreateGeneratedAsync(Ids.New(12), null, "video/mp4", (stream, ct) => stream.WriteAsync(content, ct).AsTask(), CancellationToken.None);
                ids.Add(file.Id);
            }

            lock (operation.Gate)
            {
                operation.VideoFileIds.AddRange(ids);
                operation.Done = true;
            }

            var uri = VideoOperation.VideoUri(operation.BaseUrl, operation.ApiVersion, ids[0]);
            data["output_file_uri"] = uri;
            data["video_uri"] = uri;
            data["file_name"] = "files/" + ids[0];
        }

        dispatcher.Publish(new JobEvent("video.generated", operation.Name, data, operation.Webhook, operation.Faults));
    }
}
