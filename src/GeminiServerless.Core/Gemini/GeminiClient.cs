using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Core.Gemini;

/// <summary>
/// Typed REST client for the "classic" (camelCase) surface of the Gemini Developer API: Files (resumable upload,
/// get, delete, download), generateContent, the Batch API and Veo video operations. Request shapes follow what
/// the official SDK sends. Interactions and static webhooks have their own clients
/// (<see cref="GeminiInteractionsClient"/>, <see cref="GeminiWebhooksClient"/>).
/// </summary>
public sealed class GeminiClient : IGeminiFiles, IGeminiBatches, IGeminiModels, IGeminiOperations
{
    /// <summary>Request option that marks a call as safe to retry (set on GETs, cancels and deletes).</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("GeminiServerless.Idempotent");

    private const string UploadStatusHeader = "x-goog-upload-status";
    private const int MaxChunkAttempts = 3;

    private readonly GeminiTransport _transport;
    private readonly GeminiOptions _options;
    private readonly TimeProvider _time;

    public GeminiClient(HttpClient http, IOptions<GeminiOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Value;
        _transport = new GeminiTransport(http, _options);
        _time = time;
    }

    // ---------------------------------------------------------------- models

    public async Task<GenerateContentResponse> GenerateContentAsync(string model, GenerateContentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var message = _transport.NewRequest(HttpMethod.Post, _transport.Url($"{ModelPath(model)}:generateContent"), idempotent: false);
        message.Content = JsonContent.Create(request, options: GeminiJson.Options);
        return await _transport.SendForJsonAsync<GenerateContentResponse>(message, GeminiJson.Options, cancellationToken);
    }

    // ---------------------------------------------------------------- files

    /// <summary>
    /// Streams <paramref name="length"/> bytes of <paramref name="content"/> (seekable or not) into a resumable upload,
    /// in chunks of <see cref="GeminiOptions.UploadChunkBytes"/> with one chunk in memory at a time. A chunk whose
    /// answer is lost is resumed: the session is queried (<c>x-goog-upload-command: query</c>) and only the bytes the
    /// server has not received are sent again.
    /// </summary>
    public async Task<GeminiFile> UploadAsync(Stream content, long length, string mimeType, string? displayName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentException.ThrowIfNullOrEmpty(mimeType);

        var uploadUrl = await StartUploadAsync(length, mimeType, displayName, cancellationToken);
        var chunkSize = (int)Math.Min(_options.UploadChunkBytes, Math.Max(length, 1));
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            long offset = 0;
            while (true)
            {
                var wanted = (int)Math.Min(chunkSize, length - offset);
                var read = await ReadFullAsync(content, buffer.AsMemory(0, wanted), cancellationToken);
                if (read < wanted)
                {
                    throw new InvalidDataException($"The stream ended after {offset + read} of {length} bytes.");
                }

                var last = offset + read >= length;
                var file = await SendChunkAsync(uploadUrl, buffer.AsMemory(0, read), offset, last, cancellationToken);
                offset += read;
                if (last)
                {
                    return file ?? throw new GeminiApiException("The upload finished without a file in the answer.");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<string> StartUploadAsync(long length, string mimeType, string? displayName, CancellationToken cancellationToken)
    {
        using var message = _transport.NewRequest(HttpMethod.Post, $"{_transport.Base}/upload/{_options.ApiVersion}/files", idempotent: false);
        message.Headers.Add("x-goog-upload-protocol", "resumable");
        message.Headers.Add("x-goog-upload-command", "start");
        message.Headers.Add("x-goog-upload-header-content-length", length.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add("x-goog-upload-header-content-type", mimeType);
        var file = new JsonObject { ["mimeType"] = mimeType };
        if (!string.IsNullOrEmpty(displayName))
        {
            file["displayName"] = displayName;
        }

        file["sizeBytes"] = length.ToString(CultureInfo.InvariantCulture);
        message.Content = JsonContent.Create(new JsonObject { ["file"] = file });
        using var response = await _transport.SendAsync(message, cancellationToken);
        var url = GeminiTransport.Header(response, "x-goog-upload-url")
            ?? throw new GeminiApiException("The upload start answer has no x-goog-upload-url header.");
        return ResolveUploadUrl(url);
    }

    /// <summary>
    /// Like the official SDK, keeps the path and query of the session URL but sends it to the configured base URL's
    /// scheme, host and port (the server may name an internal host).
    /// </summary>
    private string ResolveUploadUrl(string url)
    {
        var baseUri = new Uri(_transport.Base + "/");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var absolute) || (absolute.Scheme != Uri.UriSchemeHttp && absolute.Scheme != Uri.UriSchemeHttps))
        {
            return new Uri(baseUri, url).AbsoluteUri;
        }

        return new UriBuilder(absolute) { Scheme = baseUri.Scheme, Host = baseUri.Host, Port = baseUri.Port }.Uri.AbsoluteUri;
    }

    private async Task<GeminiFile?> SendChunkAsync(string uploadUrl, ReadOnlyMemory<byte> chunk, long offset, bool last, CancellationToken cancellationToken)
    {
        var sent = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var message = _transport.NewRequest(HttpMethod.Post, uploadUrl, idempotent: false);
                message.Headers.Add("x-goog-upload-command", last ? "upload, finalize" : "upload");
                message.Headers.Add("x-goog-upload-offset", (offset + sent).ToString(CultureInfo.InvariantCulture));
                message.Content = new ReadOnlyMemoryContent(chunk[sent..]);
                using var response = await _transport.SendAsync(message, cancellationToken);
                var state = await ReadUploadStateAsync(response, cancellationToken);
                if (state.File is not null)
                {
                    return state.File;
                }

                if (state.Status == "active" && !last)
                {
                    return null;
                }

                throw new HttpRequestException($"Unexpected upload status '{state.Status}' after the chunk at offset {offset + sent}.");
            }
            catch (Exception ex) when (attempt < MaxChunkAttempts && IsLostAnswer(ex, cancellationToken))
            {
                // The answer was lost: ask the server how much it has and resend only the rest.
                var state = await QueryUploadAsync(uploadUrl, cancellationToken);
                if (state?.File is not null)
                {
                    return state.File;
                }

                if (state?.Received is not { } received)
                {
                    continue;
                }

                sent = (int)Math.Clamp(received - offset, 0, chunk.Length);
                if (sent == chunk.Length && !last)
                {
                    return null;
                }
            }
        }
    }

    private static bool IsLostAnswer(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && (ex is HttpRequestException or TaskCanceledException or IOException or Polly.Timeout.TimeoutRejectedException
            || ex is GeminiApiException { IsTransient: true });

    private async Task<UploadState?> QueryUploadAsync(string uploadUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var message = _transport.NewRequest(HttpMethod.Post, uploadUrl, idempotent: true);
            message.Headers.Add("x-goog-upload-command", "query");
            using var response = await _transport.SendAsync(message, cancellationToken);
            return await ReadUploadStateAsync(response, cancellationToken);
        }
        catch (Exception ex) when (IsLostAnswer(ex, cancellationToken))
        {
            return null;
        }
    }

    private static async Task<UploadState> ReadUploadStateAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = GeminiTransport.Header(response, UploadStatusHeader);
        long? received = long.TryParse(GeminiTransport.Header(response, "x-goog-upload-size-received"), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : null;
        GeminiFile? file = null;
        if (string.Equals(status, "final", StringComparison.OrdinalIgnoreCase))
        {
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(GeminiJson.Options, cancellationToken);
            file = body?["file"].Deserialize<GeminiFile>(GeminiJson.Options)
                ?? throw new GeminiApiException("The upload finished without a file in the answer.");
        }

        return new UploadState(status, received, file);
    }

    private sealed record UploadState(string? Status, long? Received, GeminiFile? File);

    public async Task<GeminiFile> GetFileAsync(string name, CancellationToken cancellationToken = default)
    {
        var message = _transport.NewRequest(HttpMethod.Get, _transport.Url($"files/{FileId(name)}"), idempotent: true);
        return await _transport.SendForJsonAsync<GeminiFile>(message, GeminiJson.Options, cancellationToken);
    }

    public async Task<GeminiFile> WaitForFileActiveAsync(GeminiFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var deadline = _time.GetUtcNow() + _options.FileActiveTimeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (file.State is "PROCESSING" or "STATE_UNSPECIFIED")
        {
            if (_time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"File {file.Name} is still {file.State} after {_options.FileActiveTimeout}.");
            }

            await Task.Delay(delay, _time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            file = await GetFileAsync(file.Name!, cancellationToken);
        }

        if (file.State == "FAILED")
        {
            throw new GeminiApiException(HttpStatusCode.UnprocessableEntity, "FAILED", $"File {file.Name} failed processing: {file.Error?.Message}");
        }

        return file;
    }

    /// <summary>
    /// Downloads a generated file (batch output, video) as a stream: <c>GET /{v}/files/{id}:download?alt=media</c>.
    /// <paramref name="name"/> is a file name (<c>files/abc</c>), an id, or a file URI such as a video's
    /// <c>https://…/files/abc:download?alt=media</c>. Dispose the stream to release the connection.
    /// </summary>
    public async Task<Stream> DownloadFileAsync(string name, CancellationToken cancellationToken = default)
    {
        var message = _transport.NewRequest(HttpMethod.Get, _transport.Url($"files/{FileId(name)}:download?alt=media"), idempotent: true);
        HttpResponseMessage? response = null;
        try
        {
            response = await _transport.SendAsync(message, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
            return new OwningStream(await response.Content.ReadAsStreamAsync(cancellationToken), response, message);
        }
        catch
        {
            response?.Dispose();
            message.Dispose();
            throw;
        }
    }

    /// <summary>Deletes a file (<c>DELETE /{v}/files/{id}</c>).</summary>
    public async Task DeleteFileAsync(string name, CancellationToken cancellationToken = default)
    {
        var message = _transport.NewRequest(HttpMethod.Delete, _transport.Url($"files/{FileId(name)}"), idempotent: true);
        await _transport.SendAndForgetAsync(message, cancellationToken);
    }

    // ---------------------------------------------------------------- batches

    public async Task<BatchJob> CreateBatchAsync(string model, BatchJobSource source, CreateBatchJobConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(config);
        var message = _transport.NewRequest(HttpMethod.Post, _transport.Url($"{ModelPath(model)}:batchGenerateContent"), idempotent: false);
        message.Content = JsonContent.Create(BuildBatchBody(source, config));
        return ParseBatch(await _transport.SendForJsonAsync<JsonObject>(message, GeminiJson.Options, cancellationToken));
    }

    /// <summary>The JSON body of <c>:batchGenerateContent</c>, shaped like the official SDK's.</summary>
    public static JsonObject BuildBatchBody(BatchJobSource source, CreateBatchJobConfig config)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(config);
        JsonObject inputConfig;
        if (source.FileName is { } fileName)
        {
            inputConfig = new JsonObject { ["fileName"] = fileName };
        }
        else
        {
            var requests = new JsonArray();
            foreach (var item in source.InlinedRequests ?? [])
            {
                var entry = new JsonObject { ["request"] = JsonSerializer.SerializeToNode(item.Request, GeminiJson.Options) };
                if (item.Metadata is not null)
                {
                    entry["metadata"] = JsonSerializer.SerializeToNode(item.Metadata, GeminiJson.Options);
                }

                requests.Add(entry);
            }

            inputConfig = new JsonObject { ["requests"] = new JsonObject { ["requests"] = requests } };
        }

        var batch = new JsonObject { ["inputConfig"] = inputConfig, ["displayName"] = config.DisplayName };
        if (config.WebhookConfig is { } webhook)
        {
            batch["webhookConfig"] = JsonSerializer.SerializeToNode(webhook, GeminiJson.Options);
        }

        return new JsonObject { ["batch"] = batch };
    }

    public async Task<BatchJob> GetBatchAsync(string name, CancellationToken cancellationToken = default)
    {
        var message = _transport.NewRequest(HttpMethod.Get, _transport.Url($"batches/{LastSegment(name)}"), idempotent: true);
        return ParseBatch(await _transport.SendForJsonAsync<JsonObject>(message, GeminiJson.Options, cancellationToken));
    }

    public async Task<BatchJobPage> ListBatchesAsync(int pageSize = 50, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var url = _transport.Url($"batches?pageSize={pageSize.ToString(CultureInfo.InvariantCulture)}");
        if (!string.IsNullOrEmpty(pageToken))
        {
            url += "&pageToken=" + Uri.EscapeDataString(pageToken);
        }

        var message = _transport.NewRequest(HttpMethod.Get, url, idempotent: true);
        var body = await _transport.SendForJsonAsync<JsonObject>(message, GeminiJson.Options, cancellationToken);
        var page = new BatchJobPage { NextPageToken = Str(body["nextPageToken"]) };
        if (body["operations"] is JsonArray operations)
        {
            page.Jobs.AddRange(operations.OfType<JsonObject>().Select(ParseBatch));
        }

        return page;
    }

    public async Task CancelBatchAsync(string name, CancellationToken cancellationToken = default)
    {
        var message = _transport.NewRequest(HttpMethod.Post, _transport.Url($"batches/{LastSegment(name)}:cancel"), idempotent: true);
        message.Content = JsonContent.Create(new JsonObject());
        await _transport.SendAndForgetAsync(message, cancellationToken);
    }

    public async Task DeleteBatchAsync(string name, CancellationToken cancellationToken = default)
    {
        var message = _transport.NewRequest(HttpMethod.Delete, _transport.Url($"batches/{LastSegment(name)}"), idempotent: true);
        await _transport.SendAndForgetAsync(message, cancellationToken);
    }

    /// <summary>Maps the wire Operation (<c>{name, metadata, done, error, response}</c>) to a <see cref="BatchJob"/>.</summary>
    public static BatchJob ParseBatch(JsonObject? operation)
    {
        if (operation is null)
        {
            throw new GeminiApiException("The batch answer was empty.");
        }

        var metadata = operation["metadata"] as JsonObject ?? [];
        var job = new BatchJob
        {
            Name = Str(operation["name"]) ?? Str(metadata["name"]) ?? "",
            DisplayName = Str(metadata["displayName"]),
            State = JobStates.Normalize(Str(metadata["state"])),
            Model = Str(metadata["model"]),
            CreateTime = Str(metadata["createTime"]),
            UpdateTime = Str(metadata["updateTime"]),
            EndTime = Str(metadata["endTime"]),
            Stats = metadata["batchStats"].Deserialize<BatchStats>(GeminiJson.Options),
            Error = operation["error"].Deserialize<RpcStatus>(GeminiJson.Options),
        };

        // The SDKs read metadata.output; the REST docs read the top-level response. Accept both.
        var output = metadata["output"] as JsonObject ?? operation["response"] as JsonObject;
        if (output is not null)
        {
            var dest = new BatchJobDestination { FileName = Str(output["responsesFile"]) };
            var inlined = output["inlinedResponses"] switch
            {
                JsonObject wrapper => wrapper["inlinedResponses"] as JsonArray,
                JsonArray array => array,
                _ => null,
            };
            if (inlined is not null)
            {
                dest.InlinedResponses = inlined.Deserialize<List<InlinedResponse>>(GeminiJson.Options);
            }

            job.Dest = dest;
        }

        return job;
    }

    // ---------------------------------------------------------------- videos (UNCONFIRMED for the Developer API)

    /// <summary>
    /// Starts a Veo generation: <c>POST /{v}/models/{model}:predictLongRunning</c> with <c>instances[0].prompt</c>,
    /// optional <c>parameters</c> and a top-level camelCase <c>webhookConfig</c>. The official SDK 3.x no longer sends
    /// this call to the Developer API; the shape is the one SDK 2.32.0 sent. Not idempotent.
    /// </summary>
    public async Task<GenerateVideosOperation> GenerateVideosAsync(string model, string prompt, GenerateVideosParameters? parameters = null, WebhookConfig? webhookConfig = null, CancellationToken cancellationToken = default)
    {
        var message = _transport.NewRequest(HttpMethod.Post, _transport.Url($"{ModelPath(model)}:predictLongRunning", _options.VideoVersion), idempotent: false);
        message.Content = JsonContent.Create(BuildGenerateVideosBody(prompt, parameters, webhookConfig));
        return ParseVideosOperation(await _transport.SendForJsonAsync<JsonObject>(message, GeminiJson.Options, cancellationToken));
    }

    /// <summary>The JSON body of <c>:predictLongRunning</c>, shaped like the official SDK 2.32.0's.</summary>
    public static JsonObject BuildGenerateVideosBody(string prompt, GenerateVideosParameters? parameters, WebhookConfig? webhookConfig)
    {
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        var body = new JsonObject { ["instances"] = new JsonArray(new JsonObject { ["prompt"] = prompt }) };
        if (parameters is not null)
        {
            body["parameters"] = JsonSerializer.SerializeToNode(parameters, GeminiJson.Options);
        }

        if (webhookConfig is not null)
        {
            body["webhookConfig"] = JsonSerializer.SerializeToNode(webhookConfig, GeminiJson.Options);
        }

        return body;
    }

    /// <summary>Reads a long-running operation: <c>GET /{v}/{name}</c>, the name used verbatim.</summary>
    public async Task<GenerateVideosOperation> GetOperationAsync(string name, CancellationToken cancellationToken = default)
    {
        var message = _transport.NewRequest(HttpMethod.Get, _transport.Url(OperationPath(name), _options.VideoVersion), idempotent: true);
        return ParseVideosOperation(await _transport.SendForJsonAsync<JsonObject>(message, GeminiJson.Options, cancellationToken));
    }

    /// <summary>
    /// Asks for a long-running operation to stop: <c>POST /{v}/{name}:cancel</c> (the generic
    /// <c>google.longrunning</c> method; UNCONFIRMED that Veo operations honour it).
    /// </summary>
    public async Task CancelOperationAsync(string name, CancellationToken cancellationToken = default)
    {
        var message = _transport.NewRequest(HttpMethod.Post, _transport.Url(OperationPath(name) + ":cancel", _options.VideoVersion), idempotent: true);
        message.Content = JsonContent.Create(new JsonObject());
        await _transport.SendAndForgetAsync(message, cancellationToken);
    }

    /// <summary>
    /// Maps the wire Operation to a <see cref="GenerateVideosOperation"/> the way the SDK does:
    /// <c>response.generateVideoResponse.generatedSamples[].video.{uri, encodedVideo, encoding}</c> →
    /// <c>Response.GeneratedVideos[].Video.{Uri, VideoBytes, MimeType}</c>.
    /// </summary>
    public static GenerateVideosOperation ParseVideosOperation(JsonObject? operation)
    {
        if (operation is null)
        {
            throw new GeminiApiException("The operation answer was empty.");
        }

        var result = new GenerateVideosOperation
        {
            Name = Str(operation["name"]) ?? "",
            Done = operation["done"] is JsonValue done && done.TryGetValue<bool>(out var isDone) && isDone,
            Error = operation["error"].Deserialize<RpcStatus>(GeminiJson.Options),
            Metadata = operation["metadata"] is JsonObject metadata ? JsonSerializer.SerializeToElement(metadata) : null,
        };
        if (operation["response"] is JsonObject response)
        {
            var body = response["generateVideoResponse"] as JsonObject ?? response;
            var samples = body["generatedSamples"] as JsonArray ?? body["generatedVideos"] as JsonArray ?? [];
            var videos = new List<GeneratedVideo>();
            foreach (var sample in samples.OfType<JsonObject>())
            {
                var video = sample["video"] as JsonObject ?? [];
                videos.Add(new GeneratedVideo
                {
                    Video = new Video
                    {
                        Uri = Str(video["uri"]),
                        VideoBytes = Str(video["encodedVideo"]) ?? Str(video["videoBytes"]),
                        MimeType = Str(video["encoding"]) ?? Str(video["mimeType"]),
                    },
                });
            }

            result.Response = new GenerateVideosResponse
            {
                GeneratedVideos = videos,
                RaiMediaFilteredCount = body["raiMediaFilteredCount"].Deserialize<int?>(GeminiJson.Options),
                RaiMediaFilteredReasons = body["raiMediaFilteredReasons"].Deserialize<List<string>>(GeminiJson.Options),
            };
        }

        return result;
    }

    // ---------------------------------------------------------------- helpers

    private static string? Str(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static string ModelPath(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return model.StartsWith("models/", StringComparison.Ordinal) ? model : "models/" + Uri.EscapeDataString(model);
    }

    private static string OperationPath(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var segments = name.Trim('/').Split('/');
        if (segments.Any(s => s.Length == 0 || s is "." or ".."))
        {
            throw new ArgumentException($"'{name}' is not an operation name.", nameof(name));
        }

        return string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    /// <summary>The id of a resource name: <c>batches/abc</c> → <c>abc</c>.</summary>
    public static string LastSegment(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var slash = name.LastIndexOf('/');
        var id = slash >= 0 ? name[(slash + 1)..] : name;
        return Uri.EscapeDataString(id);
    }

    /// <summary>
    /// The id of a file given as a name (<c>files/abc</c>), an id, or a URI that contains <c>/files/{id}</c>
    /// (e.g. a generated video's <c>https://…/v1beta/files/abc:download?alt=media</c>).
    /// </summary>
    public static string FileId(string nameOrUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrUri);
        if (!nameOrUri.Contains("://", StringComparison.Ordinal))
        {
            return LastSegment(nameOrUri);
        }

        var path = new Uri(nameOrUri, UriKind.Absolute).AbsolutePath;
        const string marker = "/files/";
        var at = path.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new ArgumentException($"'{nameOrUri}' does not name a file.", nameof(nameOrUri));
        }

        var id = path[(at + marker.Length)..];
        var end = id.AsSpan().IndexOfAny(':', '/');
        id = end >= 0 ? id[..end] : id;
        return id.Length > 0
            ? Uri.EscapeDataString(Uri.UnescapeDataString(id))
            : throw new ArgumentException($"'{nameOrUri}' does not name a file.", nameof(nameOrUri));
    }

    private static async Task<int> ReadFullAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[total..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
