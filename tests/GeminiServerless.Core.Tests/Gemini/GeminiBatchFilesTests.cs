using System.Net;
using System.Text;
using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Tests.Gemini;

public sealed class GeminiBatchFilesTests
{
    private static BatchFileRequest Line(string key, string text) => new() { Key = key, Request = new GenerateContentRequest { Contents = [Content.User(Part.FromText(text))] } };

    [Fact]
    public void SerializeLine_WritesKeyAndCamelCaseRequestOnOneLine()
    {
        var line = Encoding.UTF8.GetString(GeminiBatchFiles.SerializeLine(Line("k1", "hi")));

        Assert.Equal("""{"key":"k1","request":{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}}""" + "\n", line);
    }

    [Fact]
    public async Task UploadBatchRequests_StreamsExactlyTheDeclaredJsonl()
    {
        string? declared = null;
        byte[]? sent = null;
        var handler = new RecordingHandler(request =>
        {
            if (request.Header("x-goog-upload-command") == "start")
            {
                declared = request.Header("x-goog-upload-header-content-length");
                var started = new HttpResponseMessage(HttpStatusCode.OK);
                started.Headers.Add("x-goog-upload-url", TestClients.BaseUrl + "/upload/v1/files?upload_id=U1");
                return started;
            }

            sent = request.Body;
            var final = Responses.Json("""{"file":{"name":"files/in1","state":"ACTIVE"}}""");
            final.Headers.Add("x-goog-upload-status", "final");
            return final;
        });
        var lines = new[] { Line("a", "first"), Line("b", "second") };

        await TestClients.Client(handler).UploadBatchRequestsAsync(lines, "input");

        var expected = lines.SelectMany(GeminiBatchFiles.SerializeLine).ToArray();
        Assert.Equal(expected.Length.ToString(), declared);
        Assert.Equal(expected, sent);
    }

    [Fact]
    public async Task UploadBatchRequests_WithADuplicateKey_IsRefusedBeforeUploading()
    {
        var handler = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));

        await Assert.ThrowsAsync<ArgumentException>(() => TestClients.Client(handler).UploadBatchRequestsAsync([Line("a", "1"), Line("a", "2")], "input"));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ReadBatchResponses_YieldsEveryNonBlankLineInOrder()
    {
        var handler = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("{\"key\":\"a\",\"response\":{}}\n\n{\"key\":\"b\",\"error\":{\"code\":400,\"message\":\"bad\"}}\n"),
        });

        var lines = new List<BatchFileResponse>();
        await foreach (var line in TestClients.Client(handler).ReadBatchResponsesAsync("files/batch-1"))
        {
            lines.Add(line);
        }

        Assert.Equal(["a:ok", "b:bad"], lines.Select(l => $"{l.Key}:{l.Error?.Message ?? "ok"}"));
    }
}
