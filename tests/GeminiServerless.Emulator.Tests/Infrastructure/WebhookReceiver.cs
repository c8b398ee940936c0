using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GeminiServerless.Emulator.Tests.Infrastructure;

public sealed record ReceivedWebhook(string Path, string Url, IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredStatus)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"Header {name} missing.");
}

/// <summary>A real Kestrel server on 127.0.0.1:0 that records every webhook POST and answers with a chosen status.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Func<int, Task<int>> _respond;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrivals;

    private WebhookReceiver(WebApplication app, Func<int, Task<int>> respond)
    {
        _app = app;
        _respond = respond;
    }

    public string BaseUrl { get; private set; } = string.Empty;

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToList();
            }
        }
    }

    /// <param name="respond">Given the 0-based arrival index of the request, returns the status to answer (may delay).</param>
    public static async Task<WebhookReceiver> StartAsync(Func<int, Task<int>>? respond = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, respond ?? (_ => Task.FromResult(200)));
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    public static Task<WebhookReceiver> StartAsync(Func<int, int> status) => StartAsync(i => Task.FromResult(status(i)));

    public string Uri(string path) => BaseUrl + path;

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForCountAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? Poll.DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_received.Count >= count)
                {
                    return _received.ToList();
                }

                changed = _changed.Task;
            }

            var remaining = deadline - TimeProvider.System.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Expected {count} webhook deliveries, got {Received.Count}.");
            }

            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var index = Interlocked.Increment(ref _arrivals) - 1;
        var status = await _respond(index);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var url = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}{context.Request.QueryString}";
        lock (_gate)
        {
            _received.Add(new ReceivedWebhook(context.Request.Path.Value ?? "/", url, headers, buffer.ToArray(), status));
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        context.Response.StatusCode = status;
    }
}
