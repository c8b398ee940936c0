using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Core.Gemini;

/// <summary>
/// Typed REST client for the parts of the Gemini Developer API the pipelines use: Files (resumable upload,
/// get, download), generateContent and the Batch API. Request shapes follow what the official SDK sends.
/// </summary>
public sealed class GeminiClient : IGeminiFiles, IGeminiBatches, IGeminiModels
{
    /// <summary>Request option that marks a call as safe to retry (set on GETs, cancels and deletes).</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("GeminiServerless.Idempotent");

    private const string ApiKeyHeader = "x-goog-api-key";
    private readonly HttpClient _http;
    private readonly GeminiOptions _options;
    private readonly TimeProvider _time;

    public GeminiClient(HttpClient http, IOptions<GeminiOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        _time = time;
    }

    private string Base => _options.BaseUrl.TrimEnd('/');

    private string V => _options.ApiVersion;

    // ---------------------------------------------------------------- models

    public async Task<GenerateContentResponse> GenerateContentAsync(string model, GenerateContentRequest request, CancellationToken cancellationToken = default)
    {
        using var message = NewRequest(HttpMethod.Post, $"{Base}/{V}/{ModelPath(model)}:generateContent", idempotent: false);
        message.Content = JsonContent.Create(request, options: GeminiJson.Options);
        using var response = await SendAsync(message, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<GenerateContentResponse>(GeminiJson.Options, cancellationToken))!;
    }

    // ---------------------------------------------------------------- files

    public async Task<GeminiFile> UploadAsync(Stream content, long length, string mimeType, string? displayName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(length);

        var uploadUrl = await StartUploadAsync(length, mimeType, displayName, cancellationToken);
        var chunkSize = (int)Math.Min(_options.UploadChunkBytes, Math.Max(length, 1));
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            long offset = 0;
            while (true)
            {
                var read = await ReadFullAsync(content, buffer.AsMemory(0, (int)Math.Min(chunkSize, length - offset)), cancellationToken);
                var last = offset + read >= length;
                if (read == 0 && !last)
                {
                    throw new InvalidDataException($"The stream ended after {offset} of {length} bytes.");
                }

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
        using var message = NewRequest(HttpMethod.Post, $"{Base}/upload/{V}/files", idempotent: false);
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
        using var response = await SendAsync(message, cancellationToken);
        var url = Header(response, "x-goog-upload-url")
            ?? throw new GeminiApiException("The upload start answer has no x-goog-upload-url header.");
        return new Uri(new Uri(Base + "/"), url).ToString();
    }

    private async Task<GeminiFile?> SendChunkAsync(string uploadUrl, ReadOnlyMemory<byte> chunk, long offset, bool last, CancellationToken cancellationToken)
    {
        const int maxAttempts = 3;
        var sent = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var message = NewRequest(HttpMethod.Post, uploadUrl, idempotent: false);
                message.Headers.Add("x-goog-upload-command", last ? "upload, finalize" : "upload");
                message.Headers.Add("x-goog-upload-offset", (offset + sent).ToString(CultureInfo.InvariantCulture));
                message.Content = new ReadOnlyMemoryContent(chunk[sent..]);
                using var response = await SendAsync(message, cancellationToken);
                var status = Header(response, "x-goog-upload-status");
                if (status == "final")
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonObject>(GeminiJson.Options, cancellationToken);
                    return body?["file"].Deserialize<GeminiFile>(GeminiJson.Options);
                }

                if (status == "active" && !last)
                {
                    return null;
                }

                throw new HttpRequestException($"Unexpected upload status '{status}'.");
            }
            catch (Exception ex) when (attempt < maxAttempts && IsLostAnswer(ex, cancellationToken))
            {
                // The answer was lost: ask the server how much it has and resend only the rest.
                var received = await QueryUploadAsync(uploadUrl, cancellationToken);
                if (received is null)
                {
                    continue;
                }

                sent = (int)Math.Clamp(received.Value - offset, 0, chunk.Length);
                if (sent == chunk.Length && !last)
                {
                    return null;
                }
            }
        }
    }

    private static bool IsLostAnswer(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && (ex is HttpRequestException or TaskCanceledException or IOException
            || ex is GeminiApiException { IsTransient: true });

    private async Task<long?> QueryUploadAsync(string uploadUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var message = NewRequest(HttpMethod.Post, uploadUrl, idempotent: true);
            message.Headers.Add("x-goog-upload-command", "query");
            using var response = await SendAsync(message, cancellationToken);
            return long.TryParse(Header(response, "x-goog-upload-size-received"), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                ? size
                : null;
        }
        catch (Exception ex) when (IsLostAnswer(ex, cancellationToken))
        {
            return null;
        }
    }

    public async Task<GeminiFile> GetFileAsync(string name, CancellationToken cancellationToken = default)
    {
        using var message = NewRequest(HttpMethod.Get, $"{Base}/{V}/files/{LastSegment(name)}", idempotent: true);
        using var response = await SendAsync(message, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<GeminiFile>(GeminiJson.Options, cancellationToken))!;
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

    public async Task<Stream> DownloadFileAsync(string name, CancellationToken cancellationToken = default)
    {
        var message = NewRequest(HttpMethod.Get, $"{Base}/{V}/files/{LastSegment(name)}:download?alt=media", idempotent: true);
        var response = await SendAsync(message, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        return new ResponseStream(await response.Content.ReadAsStreamAsync(cancellationToken), response, message);
    }

    // ---------------------------------------------------------------- batches

    public async Task<BatchJob> CreateBatchAsync(string model, BatchJobSource source, CreateBatchJobConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(config);
        using var message = NewRequest(HttpMethod.Post, $"{Base}/{V}/{ModelPath(model)}:batchGenerateContent", idempotent: false);
        message.Content = JsonContent.Create(BuildBatchBody(source, config));
        using var response = await SendAsync(message, cancellationToken);
        return ParseBatch(await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken));
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
        using var message = NewRequest(HttpMethod.Get, $"{Base}/{V}/batches/{LastSegment(name)}", idempotent: true);
        using var response = await SendAsync(message, cancellationToken);
        return ParseBatch(await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken));
    }

    public async Task<BatchJobPage> ListBatchesAsync(int pageSize = 50, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var url = $"{Base}/{V}/batches?pageSize={pageSize.ToString(CultureInfo.InvariantCulture)}";
        if (!string.IsNullOrEmpty(pageToken))
        {
            url += "&pageToken=" + Uri.EscapeDataString(pageToken);
        }

        using var message = NewRequest(HttpMethod.Get, url, idempotent: true);
        using var response = await SendAsync(message, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        var page = new BatchJobPage { NextPageToken = body?["nextPageToken"]?.GetValue<string>() };
        if (body?["operations"] is JsonArray operations)
        {
            page.Jobs.AddRange(operations.OfType<JsonObject>().Select(ParseBatch));
        }

        return page;
    }

    public async Task CancelBatchAsync(string name, CancellationToken cancellationToken = default)
    {
        using var message = NewRequest(HttpMethod.Post, $"{Base}/{V}/batches/{LastSegment(name)}:cancel", idempotent: true);
        message.Content = JsonContent.Create(new JsonObject());
        using var response = await SendAsync(message, cancellationToken);
    }

    public async Task DeleteBatchAsync(string name, CancellationToken cancellationToken = default)
    {
        using var message = NewRequest(HttpMethod.Delete, $"{Base}/{V}/batches/{LastSegment(name)}", idempotent: true);
        using var response = await SendAsync(message, cancellationToken);
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
            Name = operation["name"]?.GetValue<string>() ?? metadata["name"]?.GetValue<string>() ?? "",
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

    // ---------------------------------------------------------------- plumbing

    private HttpRequestMessage NewRequest(HttpMethod method, string url, bool idempotent)
    {
        var message = new HttpRequestMessage(method, url);
        message.Headers.Add(ApiKeyHeader, _options.ApiKey);
        message.Options.Set(Idempotent, idempotent);
        return message;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var response = await _http.SendAsync(message, completion, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await GeminiErrors.FromResponseAsync(response, cancellationToken);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string? Str(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static string ModelPath(string model) => model.StartsWith("models/", StringComparison.Ordinal) ? model : "models/" + model;

    /// <summary>The id of a resource name: <c>batches/abc</c> → <c>abc</c>.</summary>
    public static string LastSegment(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var slash = name.LastIndexOf('/');
        var id = slash >= 0 ? name[(slash + 1)..] : name;
        return Uri.EscapeDataString(id);
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

    private sealed class ResponseStream(Stream inner, HttpResponseMessage response, HttpRequestMessage request) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
                request.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
