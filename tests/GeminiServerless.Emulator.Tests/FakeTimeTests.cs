using System.Net;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GeminiServerless.Emulator.Tests;

/// <summary>The emulator takes all time from the injected <see cref="TimeProvider"/>.</summary>
public sealed class FakeTimeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = EmulatorHost.Create(
            ["--Logging:LogLevel:Default=Warning"],
            o => o.CompletionDelay = TimeSpan.FromHours(1),
            services => services.AddSingleton<TimeProvider>(_time));
        _app.Urls.Add("http://127.0.0.1:0");
        await _app.StartAsync();
        _client = TestHttp.Create(_app.Urls.First(), TestEmulator.ApiKey);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Batch_completes_only_when_the_completion_delay_has_passed()
    {
        using var content = new StringContent(Requests.InlineBatch("fake", [Requests.Text("hi")]).ToJsonString());
        using var created = await _client.PostAsync("v1/models/m:batchGenerateContent", content);
        var name = (await TestEmulator.ReadAsync(created))!["name"]!.GetValue<string>();

        _time.Advance(TimeSpan.FromMinutes(59));
        var before = await StateAsync(name);
        _time.Advance(TimeSpan.FromMinutes(2));
        var after = await Poll.UntilAsync(async () => await StateAsync(name) is "BATCH_STATE_SUCCEEDED" ? "done" : null, null, "completion");

        Assert.NotEqual("BATCH_STATE_SUCCEEDED", before);
        Assert.Equal("done", after);
        var batch = JsonNode.Parse(await _client.GetStringAsync("v1/" + name))!;
        Assert.Equal("2026-06-01T00:00:00.000000Z", batch["metadata"]!["createTime"]!.GetValue<string>());
    }

    [Fact]
    public async Task Files_expire_48_hours_after_upload()
    {
        using var start = new HttpRequestMessage(HttpMethod.Post, "upload/v1/files");
        start.Headers.Add("x-goog-upload-protocol", "resumable");
        start.Headers.Add("x-goog-upload-command", "start");
        using var started = await _client.SendAsync(start);
        using var chunk = new HttpRequestMessage(HttpMethod.Post, started.Headers.GetValues("x-goog-upload-url").Single());
        chunk.Headers.Add("x-goog-upload-command", "upload, finalize");
        chunk.Headers.Add("x-goog-upload-offset", "0");
        chunk.Content = new ByteArrayContent([1, 2, 3]);
        using var finished = await _client.SendAsync(chunk);
        var file = (await TestEmulator.ReadAsync(finished))!["file"]!;
        var name = file["name"]!.GetValue<string>();

        Assert.Equal("2026-06-03T00:00:00.000000Z", file["expirationTime"]!.GetValue<string>());
        _time.Advance(TimeSpan.FromHours(47));
        using var alive = await _client.GetAsync("v1/" + name);
        _time.Advance(TimeSpan.FromHours(2));
        using var gone = await _client.GetAsync("v1/" + name);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private async Task<string> StateAsync(string name) =>
        JsonNode.Parse(await _client.GetStringAsync("v1/" + name))!["metadata"]!["state"]!.GetValue<string>();
}
