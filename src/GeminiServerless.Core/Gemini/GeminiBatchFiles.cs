using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeminiServerless.Core.Gemini;

/// <summary>One line of a batch input file: a caller-chosen <see cref="Key"/> and a full request.</summary>
public sealed class BatchFileRequest
{
    public string Key { get; set; } = "";
    public GenerateContentRequest Request { get; set; } = new();
}

/// <summary>One line of a batch responses file: <c>{key, response}</c> or <c>{key, error}</c>.</summary>
public sealed class BatchFileResponse
{
    public string? Key { get; set; }
    public GenerateContentResponse? Response { get; set; }
    public RpcStatus? Error { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>
/// File-input batches: JSONL input files (written, measured and uploaded without holding the whole file in memory)
/// and responses files read line by line, matched by <c>key</c>.
/// </summary>
public static class GeminiBatchFiles
{
    /// <summary>MIME type of an uploaded batch input file (the REST docs' sample; SDK samples use <c>jsonl</c>).</summary>
    public const string JsonlMimeType = "application/jsonl";

    private const byte NewLine = (byte)'\n';

    /// <summary>The UTF-8 bytes of one input line, newline included.</summary>
    public static byte[] SerializeLine(BatchFileRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Key);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("key", request.Key);
            writer.WritePropertyName("request");
            JsonSerializer.Serialize(writer, request.Request, GeminiJson.Options);
            writer.WriteEndObject();
        }

        buffer.WriteByte(NewLine);
        return buffer.ToArray();
    }

    /// <summary>Writes the requests as JSONL to <paramref name="destination"/>, one line at a time.</summary>
    public static async Task WriteJsonlAsync(Stream destination, IEnumerable<BatchFileRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var request in requests)
        {
            await destination.WriteAsync(SerializeLine(request), cancellationToken);
        }
    }

    /// <summary>
    /// Uploads the requests as a JSONL batch input file. The lines are serialised twice (once to measure the length
    /// the resumable protocol declares up front, once while uploading), so memory stays at one chunk plus one line.
    /// Keys must be unique: the responses are matched by key.
    /// </summary>
    public static async Task<GeminiFile> UploadBatchRequestsAsync(this IGeminiFiles files, IReadOnlyList<BatchFileRequest> requests, string displayName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one request.", nameof(requests));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        long length = 0;
        foreach (var request in requests)
        {
            if (!keys.Add(request.Key))
            {
                throw new ArgumentException($"The key '{request.Key}' is used twice.", nameof(requests));
            }

            length += SerializeLine(request).Length;
        }

        await using var content = new JsonlStream(requests);
        var file = await files.UploadAsync(content, length, JsonlMimeType, displayName, cancellationToken);
        return await files.WaitForFileActiveAsync(file, cancellationToken);
    }

    /// <summary>Streams a batch's responses file (<c>BatchJob.Dest.FileName</c>) line by line.</summary>
    public static async IAsyncEnumerable<BatchFileResponse> ReadBatchResponsesAsync(this IGeminiFiles files, string responsesFile, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        await using var stream = await files.DownloadFileAsync(responsesFile, cancellationToken);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return JsonSerializer.Deserialize<BatchFileResponse>(line, GeminiJson.Options)
                ?? throw new InvalidDataException($"A line of {responsesFile} is not a JSON object.");
        }
    }

    /// <summary>The line of a responses file with the given key, or <see langword="null"/>; reads no further than needed.</summary>
    public static async Task<BatchFileResponse?> FindBatchResponseAsync(this IGeminiFiles files, string responsesFile, string key, CancellationToken cancellationToken = default)
    {
        await foreach (var line in files.ReadBatchResponsesAsync(responsesFile, cancellationToken))
        {
            if (string.Equals(line.Key, key, StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>
    /// Finds a batch by display name in the first <paramref name="maxPages"/> pages of the list: the way to recover a
    /// batch whose create answer was lost (creates are not idempotent; give each job a deterministic display name).
    /// </summary>
    public static async Task<BatchJob?> FindBatchByDisplayNameAsync(this IGeminiBatches batches, string displayName, int maxPages = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentException.ThrowIfNullOrEmpty(displayName);
        string? token = null;
        for (var page = 0; page < maxPages; page++)
        {
            var result = await batches.ListBatchesAsync(pageSize: 100, pageToken: token, cancellationToken: cancellationToken);
            var match = result.Jobs.FirstOrDefault(j => j.DisplayName == displayName);
            if (match is not null)
            {
                return match;
            }

            token = result.NextPageToken;
            if (string.IsNullOrEmpty(token))
            {
                break;
            }
        }

        return null;
    }

    /// <summary>A read-only stream that serialises the requests as JSONL while it is read.</summary>
    private sealed class JsonlStream(IReadOnlyList<BatchFileRequest> requests) : GeneratingStream
    {
        private int _next;
        private byte[] _line = [];
        private int _lineOffset;

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length)
            {
                if (_lineOffset == _line.Length)
                {
                    if (_next == requests.Count)
                    {
                        break;
                    }

                    _line = SerializeLine(requests[_next++]);
                    _lineOffset = 0;
                }

                var n = Math.Min(buffer.Length - written, _line.Length - _lineOffset);
                _line.AsSpan(_lineOffset, n).CopyTo(buffer[written..]);
                _lineOffset += n;
                written += n;
            }

            return written;
        }
    }
}
