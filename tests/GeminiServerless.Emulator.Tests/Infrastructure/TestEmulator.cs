using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace GeminiServerless.Emulator.Tests.Infrastructure;

/// <summary>The real emulator, started on a random loopback port through <see cref="EmulatorHost"/>.</summary>
public sealed class TestEmulator : IAsyncDisposable
{
    public const string ApiKey = "test-key";

    private TestEmulator(WebApplication app, string baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
        Client = TestHttp.Create(baseUrl, ApiKey);
        Anonymous = TestHttp.Create(baseUrl);
    }

    public WebApplication App { get; }

    public string BaseUrl { get; }

    /// <summary>Sends <c>x-goog-api-key</c>.</summary>
    public HttpClient Client { get; }

    /// <summary>Sends no key (admin endpoints, auth tests).</summary>
    public HttpClient Anonymous { get; }

    public static async Task<TestEmulator> StartAsync(Action<EmulatorOptions>? configure = null, string[]? args = null)
    {
        var app = EmulatorHost.Create(
            args ?? ["--Logging:LogLevel:Default=Warning"],
            options =>
            {
                options.CompletionDelay = TimeSpan.FromMilliseconds(200);
                options.RetryInitialDelay = TimeSpan.FromMilliseconds(50);
                options.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
                options.DeliveryTimeout = TimeSpan.FromSeconds(5);
                configure?.Invoke(options);
            });
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        return new TestEmulator(app, app.Urls.First().TrimEnd('/'));
    }

    public async Task<(HttpStatusCode Status, JsonObject? Body)> GetAsync(string path, HttpClient? client = null)
    {
        using var response = await (client ?? Client).GetAsync(path.TrimStart('/'));
        return (response.StatusCode, await ReadAsync(response));
    }

    public async Task<(HttpStatusCode Status, JsonObject? Body)> PostAsync(string path, JsonNode? body, HttpClient? client = null)
    {
        using var content = new StringContent(body?.ToJsonString() ?? string.Empty, Encoding.UTF8, "application/json");
        using var response = await (client ?? Client).PostAsync(path.TrimStart('/'), content);
        return (response.StatusCode, await ReadAsync(response));
    }

    public async Task<(HttpStatusCode Status, JsonObject? Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await ReadAsync(response));
    }

    public async Task<JsonObject> GetOkAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}: {body?.ToJsonString()}");
        return body!;
    }

    public async Task<JsonObject> PostOkAsync(string path, JsonNode? body)
    {
        var (status, result) = await PostAsync(path, body);
        Assert.True(status == HttpStatusCode.OK, $"POST {path} answered {(int)status}: {result?.ToJsonString()}");
        return result!;
    }

    /// <summary>Resumable upload in chunks of <paramref name="chunkSize"/> bytes; returns the File resource.</summary>
    public async Task<JsonObject> UploadAsync(byte[] data, string mimeType, string? displayName = null, int chunkSize = 8 * 1024 * 1024)
    {
        var uploadUrl = await StartUploadAsync(data.Length, mimeType, displayName);
        var offset = 0;
        do
        {
            var length = Math.Min(chunkSize, data.Length - offset);
            var last = offset + length >= data.Length;
            using var response = await SendChunkAsync(uploadUrl, data.AsMemory(offset, length), offset, last ? "upload, finalize" : "upload");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(last ? "final" : "active", response.Headers.GetValues("x-goog-upload-status").Single());
            offset += length;
            if (last)
            {
                return (JsonObject)(await ReadAsync(response))!["file"]!;
            }
        }
        while (true);
    }

    public async Task<string> StartUploadAsync(long size, string mimeType, string? displayName = null, JsonObject? file = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "upload/v1/files");
        request.Headers.Add("x-goog-upload-protocol", "resumable");
        request.Headers.Add("x-goog-upload-command", "start");
        request.Headers.Add("x-goog-upload-header-content-length", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("x-goog-upload-header-content-type", mimeType);
        file ??= new JsonObject { ["mimeType"] = mimeType, ["sizeBytes"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (displayName is not null)
        {
            file["displayName"] = displayName;
        }

        request.Content = new StringContent(new JsonObject { ["file"] = file }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("active", response.Headers.GetValues("x-goog-upload-status").Single());
        return response.Headers.GetValues("x-goog-upload-url").Single();
    }

    public async Task<HttpResponseMessage> SendChunkAsync(string uploadUrl, ReadOnlyMemory<byte> chunk, long offset, string command)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uploadUrl);
        request.Headers.Add("x-goog-upload-command", command);
        request.Headers.Add("x-goog-upload-offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Content = new ReadOnlyMemoryContent(chunk);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await Client.SendAsync(request);
    }

    /// <summary>Polls a batch until it reaches <paramref name="state"/> (not used where request order matters).</summary>
    public async Task<JsonObject> WaitForBatchStateAsync(string name, string state, TimeSpan? timeout = null)
    {
        return await Poll.UntilAsync(async () =>
        {
            var batch = await GetOkAsync("v1/" + name);
            return batch["metadata"]!["state"]!.GetValue<string>() == state ? batch : null;
        }, timeout, $"{name} to reach {state}");
    }

    public async Task<JsonArray> DeliveriesAsync(string? jobName = null)
    {
        var path = jobName is null ? "emulator/deliveries" : "emulator/deliveries?jobName=" + Uri.EscapeDataString(jobName);
        return (JsonArray)JsonNode.Parse(await Anonymous.GetStringAsync(path))!;
    }

    public async Task<JsonArray> RequestsAsync()
    {
        return (JsonArray)JsonNode.Parse(await Anonymous.GetStringAsync("emulator/requests"))!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public static async Task<JsonObject?> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
    }
}
