using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class FileUploadTests : IAsyncLifetime
{
    private TestEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Upload_in_several_chunks_gives_an_active_file_with_size_and_sha256()
    {
        var data = Requests.AudioBytes(250_000, seed: 1);

        var file = await _emulator.UploadAsync(data, "audio/mpeg", "meeting", chunkSize: 64 * 1024);

        Assert.Matches("^files/[a-z0-9]+$", file["name"]!.GetValue<string>());
        Assert.Equal("250000", file["sizeBytes"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(data)), file["sha256Hash"]!.GetValue<string>());
        Assert.Equal("ACTIVE", file["state"]!.GetValue<string>());
        Assert.Equal("UPLOADED", file["source"]!.GetValue<string>());
        Assert.Equal("meeting", file["displayName"]!.GetValue<string>());
        Assert.Equal("audio/mpeg", file["mimeType"]!.GetValue<string>());
        var id = file["name"]!.GetValue<string>()["files/".Length..];
        Assert.Equal($"{_emulator.BaseUrl}/v1/files/{id}", file["uri"]!.GetValue<string>());
        var fetched = await _emulator.GetOkAsync($"v1/files/{id}");
        Assert.Equal(file["sha256Hash"]!.GetValue<string>(), fetched["sha256Hash"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse(file["createTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).AddHours(48),
            DateTimeOffset.Parse(file["expirationTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Start_answers_upload_url_status_and_granularity_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "upload/v1beta/files");
        request.Headers.Add("x-goog-upload-protocol", "resumable");
        request.Headers.Add("x-goog-upload-command", "start");
        request.Headers.Add("x-goog-upload-header-content-length", "3");
        request.Headers.Add("x-goog-upload-header-content-type", "text/plain");
        request.Content = new StringContent("""{"file":{"display_name":"snake"}}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await _emulator.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("active", response.Headers.GetValues("x-goog-upload-status").Single());
        Assert.Equal("8388608", response.Headers.GetValues("x-goog-upload-chunk-granularity").Single());
        var url = new Uri(response.Headers.GetValues("x-goog-upload-url").Single());
        Assert.Equal("/upload/v1beta/files", url.AbsolutePath);
        Assert.Contains("upload_protocol=resumable", url.Query, StringComparison.Ordinal);
        Assert.Contains("upload_id=", url.Query, StringComparison.Ordinal);
        using var finish = await _emulator.SendChunkAsync(url.ToString(), "abc"u8.ToArray(), 0, "upload, finalize");
        var file = (await TestEmulator.ReadAsync(finish))!["file"]!;
        Assert.Equal("snake", file["displayName"]!.GetValue<string>());
        Assert.StartsWith($"{_emulator.BaseUrl}/v1beta/files/", file["uri"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunk_at_a_wrong_offset_is_rejected_and_the_upload_can_continue()
    {
        var data = Requests.AudioBytes(1000, seed: 2);
        var url = await _emulator.StartUploadAsync(data.Length, "audio/wav");
        using (var first = await _emulator.SendChunkAsync(url, data.AsMemory(0, 400), 0, "upload"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var gap = await _emulator.SendChunkAsync(url, data.AsMemory(500, 500), 500, "upload, finalize");

        Assert.Equal(HttpStatusCode.BadRequest, gap.StatusCode);
        var error = (await TestEmulator.ReadAsync(gap))!["error"]!;
        Assert.Equal("INVALID_ARGUMENT", error["status"]!.GetValue<string>());
        Assert.Equal("400", gap.Headers.GetValues("x-goog-upload-size-received").Single());
        using var rest = await _emulator.SendChunkAsync(url, data.AsMemory(400), 400, "upload, finalize");
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        var file = (await TestEmulator.ReadAsync(rest))!["file"]!;
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(data)), file["sha256Hash"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resent_chunk_at_an_already_received_offset_is_tolerated()
    {
        var data = Requests.AudioBytes(3000, seed: 3);
        var url = await _emulator.StartUploadAsync(data.Length, "audio/wav");
        (await _emulator.SendChunkAsync(url, data.AsMemory(0, 1000), 0, "upload")).Dispose();

        using (var resent = await _emulator.SendChunkAsync(url, data.AsMemory(0, 1000), 0, "upload"))
        {
            Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
            Assert.Equal("active", resent.Headers.GetValues("x-goog-upload-status").Single());
            Assert.Equal("1000", resent.Headers.GetValues("x-goog-upload-size-received").Single());
        }

        (await _emulator.SendChunkAsync(url, data.AsMemory(500, 1500), 500, "upload")).Dispose();
        using var last = await _emulator.SendChunkAsync(url, data.AsMemory(2000), 2000, "upload, finalize");

        var file = (await TestEmulator.ReadAsync(last))!["file"]!;
        Assert.Equal("3000", file["sizeBytes"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(data)), file["sha256Hash"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resent_finalize_returns_the_same_file()
    {
        var data = Requests.AudioBytes(10, seed: 4);
        var url = await _emulator.StartUploadAsync(data.Length, "audio/wav");
        using var first = await _emulator.SendChunkAsync(url, data, 0, "upload, finalize");
        using var again = await _emulator.SendChunkAsync(url, data, 0, "upload, finalize");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("final", again.Headers.GetValues("x-goog-upload-status").Single());
        Assert.Equal((await TestEmulator.ReadAsync(first))!["file"]!["name"]!.GetValue<string>(),
            (await TestEmulator.ReadAsync(again))!["file"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_command_reports_the_bytes_received()
    {
        var url = await _emulator.StartUploadAsync(100, "audio/wav");
        (await _emulator.SendChunkAsync(url, new byte[60], 0, "upload")).Dispose();
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("x-goog-upload-command", "query");

        using var response = await _emulator.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("active", response.Headers.GetValues("x-goog-upload-status").Single());
        Assert.Equal("60", response.Headers.GetValues("x-goog-upload-size-received").Single());
    }

    [Fact]
    public async Task Finalize_with_fewer_bytes_than_declared_is_rejected()
    {
        var url = await _emulator.StartUploadAsync(100, "audio/wav");

        using var response = await _emulator.SendChunkAsync(url, new byte[60], 0, "upload, finalize");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Caller_chosen_name_is_used_and_cannot_be_reused()
    {
        var file = new JsonObject { ["name"] = "files/my-audio-1", ["mimeType"] = "audio/wav" };
        var url = await _emulator.StartUploadAsync(4, "audio/wav", file: file);
        using var response = await _emulator.SendChunkAsync(url, new byte[4], 0, "upload, finalize");
        Assert.Equal("files/my-audio-1", (await TestEmulator.ReadAsync(response))!["file"]!["name"]!.GetValue<string>());

        using var request = new HttpRequestMessage(HttpMethod.Post, "upload/v1/files");
        request.Headers.Add("x-goog-upload-protocol", "resumable");
        request.Headers.Add("x-goog-upload-command", "start");
        request.Content = new StringContent("""{"file":{"name":"files/my-audio-1"}}""", System.Text.Encoding.UTF8, "application/json");
        using var duplicate = await _emulator.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task Files_are_listed_newest_first_with_page_tokens_and_can_be_deleted()
    {
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add((await _emulator.UploadAsync([(byte)i], "audio/wav"))["name"]!.GetValue<string>());
        }

        var page1 = await _emulator.GetOkAsync("v1/files?pageSize=2");
        var page2 = await _emulator.GetOkAsync("v1/files?pageSize=2&pageToken=" + page1["nextPageToken"]!.GetValue<string>());

        Assert.Equal([names[2], names[1]], ((JsonArray)page1["files"]!).Select(f => f!["name"]!.GetValue<string>()));
        Assert.Equal([names[0]], ((JsonArray)page2["files"]!).Select(f => f!["name"]!.GetValue<string>()));
        Assert.Null(page2["nextPageToken"]);

        var (deleteStatus, deleteBody) = await _emulator.SendAsync(HttpMethod.Delete, "v1/" + names[0]);
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.Equal("{}", deleteBody!.ToJsonString());
        var (status, error) = await _emulator.GetAsync("v1/" + names[0]);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NOT_FOUND", error!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Uploaded_files_cannot_be_downloaded()
    {
        var name = (await _emulator.UploadAsync([1, 2, 3], "audio/wav"))["name"]!.GetValue<string>();

        var (status, body) = await _emulator.GetAsync($"v1/{name}:download?alt=media");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_ARGUMENT", body!["error"]!["status"]!.GetValue<string>());
    }
}
