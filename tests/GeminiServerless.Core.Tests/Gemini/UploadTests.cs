using System.Net;
using System.Text.Json.Nodes;
using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Tests.Gemini;

/// <summary>The resumable upload: chunking, offsets and resuming a chunk whose answer was lost.</summary>
public sealed class UploadTests
{
    private const int MiB = 1024 * 1024;
    private const string SessionPath = "/upload/v1/files?upload_id=U1&upload_protocol=resumable";

    /// <summary>An upload server: start gives a session; chunks are appended at their offset; query tells the size.</summary>
    private sealed class FakeUploadServer
    {
        private long _received;

        public long Length { get; init; }

        /// <summary>Requests (by index) whose answer is lost after the server stored this many of the chunk's bytes.</summary>
        public Dictionary<int, int> LoseAnswerAfter { get; } = [];

        public string SessionUrl { get; init; } = TestClients.BaseUrl + SessionPath;

        public HttpResponseMessage Answer(RecordedRequest request, int index)
        {
            var command = request.Header("x-goog-upload-command") ?? "";
            if (command == "start")
            {
                var started = new HttpResponseMessage(HttpStatusCode.OK);
                started.Headers.Add("x-goog-upload-url", SessionUrl);
                started.Headers.Add("x-goog-upload-status", "active");
                return started;
            }

            if (command == "query")
            {
                return Status(final: false);
            }

            var offset = long.Parse(request.Header("x-goog-upload-offset")!);
            Assert.Equal(_received, offset);
            var body = request.Body ?? [];
            if (LoseAnswerAfter.TryGetValue(index, out var stored))
            {
                _received += stored;
                throw new HttpRequestException("The connection was reset before the answer arrived.");
            }

            _received += body.Length;
            return Status(final: command == "upload, finalize");
        }

        private HttpResponseMessage Status(bool final)
        {
            var response = final && _received == Length
                ? Responses.Json(new JsonObject { ["file"] = new JsonObject { ["name"] = "files/up1", ["sizeBytes"] = Length.ToString(), ["state"] = "ACTIVE" } })
                : new HttpResponseMessage(HttpStatusCode.OK);
            response.Headers.Add("x-goog-upload-status", final ? "final" : "active");
            response.Headers.Add("x-goog-upload-size-received", _received.ToString());
            return response;
        }
    }

    [Fact]
    public async Task TwentyMiBStream_GoesInThreeChunksAtEightMiBOffsetsAndFinalizesTheLast()
    {
        var server = new FakeUploadServer { Length = 20 * MiB };
        var handler = new RecordingHandler(server.Answer);

        await TestClients.Client(handler).UploadAsync(new PatternStream(20 * MiB), 20 * MiB, "audio/mpeg", "long");

        var chunks = handler.Requests.Skip(1).Select(r => (r.Header("x-goog-upload-offset"), r.Header("x-goog-upload-command"), r.Body!.Length)).ToList();
        Assert.Equal(
            [("0", "upload", 8 * MiB), ("8388608", "upload", 8 * MiB), ("16777216", "upload, finalize", 4 * MiB)],
            chunks);
    }

    [Fact]
    public async Task TwentyMiBStream_ArrivesByteForByte()
    {
        var server = new FakeUploadServer { Length = 20 * MiB };
        var handler = new RecordingHandler(server.Answer);

        await TestClients.Client(handler).UploadAsync(new PatternStream(20 * MiB), 20 * MiB, "audio/mpeg", "long");

        var received = handler.Requests.Skip(1).SelectMany(r => r.Body!).ToArray();
        Assert.True(received.Length == 20 * MiB && received.Select((b, i) => b == PatternStream.At(i)).All(x => x));
    }

    [Fact]
    public async Task Upload_ReturnsTheFileOfTheFinalAnswer()
    {
        var server = new FakeUploadServer { Length = 3 };
        var handler = new RecordingHandler(server.Answer);

        var file = await TestClients.Client(handler).UploadAsync(new MemoryStream([1, 2, 3]), 3, "audio/mpeg", null);

        Assert.Equal(("files/up1", 3L), (file.Name, file.SizeBytes));
    }

    [Fact]
    public async Task ChunkWhoseAnswerIsLost_IsResumedWithAQueryAndOnlyTheMissingBytes()
    {
        // Request #2 is the second chunk (offset 8 MiB): the server keeps 3 MiB of it, then the answer is lost.
        var server = new FakeUploadServer { Length = 20 * MiB, LoseAnswerAfter = { [2] = 3 * MiB } };
        var handler = new RecordingHandler(server.Answer);

        await TestClients.Client(handler).UploadAsync(new PatternStream(20 * MiB), 20 * MiB, "audio/mpeg", "long");

        var sequence = handler.Requests.Select(r => (r.Header("x-goog-upload-command"), r.Header("x-goog-upload-offset"), r.Body?.Length ?? 0)).ToList();
        Assert.Equal(
            [
                ("start", null, sequence[0].Item3),
                ("upload", "0", 8 * MiB),
                ("upload", "8388608", 8 * MiB),
                ("query", null, 0),
                ("upload", "11534336", 5 * MiB),
                ("upload, finalize", "16777216", 4 * MiB),
            ],
            sequence);
    }

    [Fact]
    public async Task ResumedChunk_SendsTheBytesFromTheServersOffset()
    {
        var server = new FakeUploadServer { Length = 20 * MiB, LoseAnswerAfter = { [2] = 3 * MiB } };
        var handler = new RecordingHandler(server.Answer);

        await TestClients.Client(handler).UploadAsync(new PatternStream(20 * MiB), 20 * MiB, "audio/mpeg", "long");

        var resent = handler.Requests[4].Body!;
        Assert.True(resent.Select((b, i) => b == PatternStream.At((11 * MiB) + i)).All(x => x));
    }

    [Fact]
    public async Task FinalChunkWhoseAnswerIsLost_TakesTheFileFromTheQuery()
    {
        var server = new FakeUploadServer { Length = 3, LoseAnswerAfter = { [1] = 3 } };
        var handler = new RecordingHandler((request, index) =>
        {
            // The server finalised before the answer was lost: its query answer is final, with the file.
            if (request.Header("x-goog-upload-command") == "query")
            {
                var final = Responses.Json("""{"file":{"name":"files/up1","state":"ACTIVE"}}""");
                final.Headers.Add("x-goog-upload-status", "final");
                return final;
            }

            return server.Answer(request, index);
        });

        var file = await TestClients.Client(handler).UploadAsync(new MemoryStream([1, 2, 3]), 3, "audio/mpeg", null);

        Assert.Equal(("files/up1", 3), (file.Name, handler.Requests.Count));
    }

    [Fact]
    public async Task StreamShorterThanTheDeclaredLength_Throws()
    {
        var server = new FakeUploadServer { Length = 10 };
        var handler = new RecordingHandler(server.Answer);

        await Assert.ThrowsAsync<InvalidDataException>(() => TestClients.Client(handler).UploadAsync(new MemoryStream([1, 2, 3]), 10, "audio/mpeg", null));
    }

    [Fact]
    public async Task SessionUrlOnAnotherHost_IsSentToTheConfiguredBaseUrl()
    {
        var server = new FakeUploadServer { Length = 3, SessionUrl = "https://upload.internal.example:9443" + SessionPath };
        var handler = new RecordingHandler(server.Answer);

        await TestClients.Client(handler).UploadAsync(new MemoryStream([1, 2, 3]), 3, "audio/mpeg", null);

        Assert.Equal(TestClients.BaseUrl + SessionPath, handler.Requests[1].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Start_DeclaresLengthAndTypeInHeadersAndBody()
    {
        var server = new FakeUploadServer { Length = 3 };
        var handler = new RecordingHandler(server.Answer);

        await TestClients.Client(handler).UploadAsync(new MemoryStream([1, 2, 3]), 3, "application/jsonl", "requests");

        var start = handler.Requests[0];
        Assert.Equal(
            ("3", "application/jsonl", """{"file":{"mimeType":"application/jsonl","displayName":"requests","sizeBytes":"3"}}"""),
            (start.Header("x-goog-upload-header-content-length"), start.Header("x-goog-upload-header-content-type"), start.Json!.ToJsonString()));
    }
}
