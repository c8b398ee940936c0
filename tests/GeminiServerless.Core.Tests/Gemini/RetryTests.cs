using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using GeminiServerless.Core.Gemini;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GeminiServerless.Core.Tests.Gemini;

/// <summary>The resilience rules of <see cref="GeminiServiceCollectionExtensions.AddGeminiClient"/>, over a stub handler.</summary>
public sealed class RetryTests
{
    private const string AnyResource = """{"name":"batches/1","id":"x-1","displayName":"d"}""";

    public static TheoryData<string> Creates => new(_creates.Keys);

    public static TheoryData<string> IdempotentCalls => new(_idempotentCalls.Keys);

    private static readonly Dictionary<string, Func<IServiceProvider, Task>> _creates = new(StringComparer.Ordinal)
    {
        ["batches.create"] = sp => sp.GetRequiredService<IGeminiBatches>().CreateBatchAsync("gemini-2.5-flash",
            new BatchJobSource { FileName = "files/abc" }, new CreateBatchJobConfig { DisplayName = "gs-1" }),
        ["interactions.create"] = sp => sp.GetRequiredService<IGeminiInteractions>().CreateAsync(
            new CreateInteractionRequest { Model = "gemini-2.5-flash", Input = InteractionInput.Text("hi"), Background = true }),
        ["models.generateVideos"] = sp => sp.GetRequiredService<IGeminiOperations>().GenerateVideosAsync("veo-3.1-generate-preview", "A lake"),
        ["webhooks.create"] = sp => sp.GetRequiredService<IGeminiWebhooks>().CreateAsync(
            new WebhookInput { Uri = "https://example.test/hook", SubscribedEvents = ["batch.succeeded"] }),
        ["webhooks.rotateSigningSecret"] = sp => sp.GetRequiredService<IGeminiWebhooks>().RotateSigningSecretAsync("wh-1"),
        ["files.upload(start)"] = sp => sp.GetRequiredService<IGeminiFiles>().UploadAsync(new MemoryStream([1, 2, 3]), 3, "audio/mpeg", null),
    };

    private static readonly Dictionary<string, Func<IServiceProvider, Task>> _idempotentCalls = new(StringComparer.Ordinal)
    {
        ["batches.get"] = sp => sp.GetRequiredService<IGeminiBatches>().GetBatchAsync("batches/1"),
        ["batches.list"] = sp => sp.GetRequiredService<IGeminiBatches>().ListBatchesAsync(),
        ["batches.cancel"] = sp => sp.GetRequiredService<IGeminiBatches>().CancelBatchAsync("batches/1"),
        ["batches.delete"] = sp => sp.GetRequiredService<IGeminiBatches>().DeleteBatchAsync("batches/1"),
        ["files.get"] = sp => sp.GetRequiredService<IGeminiFiles>().GetFileAsync("files/a"),
        ["operations.get"] = sp => sp.GetRequiredService<IGeminiOperations>().GetOperationAsync("models/veo/operations/op1"),
        ["interactions.get"] = sp => sp.GetRequiredService<IGeminiInteractions>().GetAsync("x-1"),
        ["interactions.cancel"] = sp => sp.GetRequiredService<IGeminiInteractions>().CancelAsync("x-1"),
        ["webhooks.get"] = sp => sp.GetRequiredService<IGeminiWebhooks>().GetAsync("x-1"),
        ["webhooks.list"] = sp => sp.GetRequiredService<IGeminiWebhooks>().ListAsync(),
    };

    [Theory]
    [MemberData(nameof(Creates))]
    public async Task Create_AnsweredWith503_IsSentExactlyOnce(string call)
    {
        var handler = new RecordingHandler(_ => Responses.Error(HttpStatusCode.ServiceUnavailable));
        using var services = TestClients.Services(handler);

        var error = await Assert.ThrowsAsync<GeminiApiException>(() => _creates[call](services));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, 1), (error.StatusCode, handler.Requests.Count));
    }

    [Fact]
    public async Task Create_WhoseConnectionFails_IsSentExactlyOnce()
    {
        var handler = new RecordingHandler(_ => throw new HttpRequestException("connection reset"));
        using var services = TestClients.Services(handler);

        await Assert.ThrowsAsync<HttpRequestException>(() => _creates["batches.create"](services));

        Assert.Single(handler.Requests);
    }

    [Theory]
    [MemberData(nameof(IdempotentCalls))]
    public async Task IdempotentCall_AnsweredWith503_IsRetriedUntilItSucceeds(string call)
    {
        var handler = new RecordingHandler((_, i) => i < 2 ? Responses.Error(HttpStatusCode.ServiceUnavailable) : Responses.Json(AnyResource));
        using var services = TestClients.Services(handler);

        await _idempotentCalls[call](services);

        Assert.Equal(3, handler.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task Get_AnsweredWithARetryableStatus_IsRetried(HttpStatusCode status)
    {
        var handler = new RecordingHandler((_, i) => i == 0 ? Responses.Error(status, "X") : Responses.Json(AnyResource));
        using var services = TestClients.Services(handler);

        await services.GetRequiredService<IGeminiBatches>().GetBatchAsync("batches/1");

        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task Get_AnsweredWithAClientError_IsNotRetried(HttpStatusCode status)
    {
        var handler = new RecordingHandler(_ => Responses.Error(status, "INVALID_ARGUMENT", "bad"));
        using var services = TestClients.Services(handler);

        var error = await Assert.ThrowsAsync<GeminiApiException>(() => services.GetRequiredService<IGeminiBatches>().GetBatchAsync("batches/1"));

        Assert.Equal((status, 1), (error.StatusCode, handler.Requests.Count));
    }

    [Fact]
    public async Task Get_WhoseConnectionFails_IsRetried()
    {
        var handler = new RecordingHandler((_, i) => i == 0 ? throw new HttpRequestException("connection reset") : Responses.Json(AnyResource));
        using var services = TestClients.Services(handler);

        await services.GetRequiredService<IGeminiBatches>().GetBatchAsync("batches/1");

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Get_ThatKeepsFailing_StopsAfterTheConfiguredAttemptsWithATypedError()
    {
        var handler = new RecordingHandler(_ => Responses.Error(HttpStatusCode.ServiceUnavailable));
        using var services = TestClients.Services(handler, settings: new Dictionary<string, string?> { ["Gemini:MaxRetryAttempts"] = "2" });

        var error = await Assert.ThrowsAsync<GeminiApiException>(() => services.GetRequiredService<IGeminiBatches>().GetBatchAsync("batches/1"));

        Assert.Equal((3, "UNAVAILABLE"), (handler.Requests.Count, error.Status));
    }

    [Fact]
    public async Task Get_AnsweredWith503AndRetryAfter_WaitsTheRequestedTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var handler = new RecordingHandler((_, i) =>
        {
            if (i > 0)
            {
                return Responses.Json(AnyResource);
            }

            var busy = Responses.Error(HttpStatusCode.ServiceUnavailable);
            busy.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
            return busy;
        });
        var stamps = StampRequests(handler, time);
        using var services = TestClients.Services(handler, time);

        await RunWithFakeTimeAsync(services.GetRequiredService<IGeminiBatches>().GetBatchAsync("batches/1"), time);

        Assert.InRange(stamps[1] - stamps[0], TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task Get_AnsweredWith429AndRetryInfo_WaitsTheRequestedTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var quota = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = 429,
                ["message"] = "Quota exceeded.",
                ["status"] = "RESOURCE_EXHAUSTED",
                ["details"] = new JsonArray(new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.RetryInfo", ["retryDelay"] = "20s" }),
            },
        };
        var handler = new RecordingHandler((_, i) => i == 0 ? Responses.Json(quota, HttpStatusCode.TooManyRequests) : Responses.Json(AnyResource));
        var stamps = StampRequests(handler, time);
        using var services = TestClients.Services(handler, time);

        await RunWithFakeTimeAsync(services.GetRequiredService<IGeminiBatches>().GetBatchAsync("batches/1"), time);

        Assert.InRange(stamps[1] - stamps[0], TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(21));
    }

    [Fact]
    public async Task Get_WhenTheServerAsksForMoreThanRetryMaxDelay_FailsAtOnceWithTheRequestedDelay()
    {
        var handler = new RecordingHandler(_ =>
        {
            var busy = Responses.Error(HttpStatusCode.ServiceUnavailable);
            busy.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1));
            return busy;
        });
        using var services = TestClients.Services(handler);

        var error = await Assert.ThrowsAsync<GeminiApiException>(() => services.GetRequiredService<IGeminiBatches>().GetBatchAsync("batches/1"));

        Assert.Equal((1, TimeSpan.FromHours(1)), (handler.Requests.Count, error.RetryAfter));
    }

    [Fact]
    public async Task RetriesTurnedOff_SendsAGetOnce()
    {
        var handler = new RecordingHandler(_ => Responses.Error(HttpStatusCode.ServiceUnavailable));
        using var services = TestClients.Services(handler, settings: new Dictionary<string, string?> { ["Gemini:MaxRetryAttempts"] = "0" });

        await Assert.ThrowsAsync<GeminiApiException>(() => services.GetRequiredService<IGeminiBatches>().GetBatchAsync("batches/1"));

        Assert.Single(handler.Requests);
    }

    private static List<DateTimeOffset> StampRequests(RecordingHandler handler, TimeProvider time)
    {
        var stamps = new List<DateTimeOffset>();
        handler.OnRequest = _ =>
        {
            lock (stamps)
            {
                stamps.Add(time.GetUtcNow());
            }
        };
        return stamps;
    }

    /// <summary>Moves fake time on in one-second steps until the call completes (at most ten fake minutes).</summary>
    private static async Task RunWithFakeTimeAsync(Task call, FakeTimeProvider time)
    {
        for (var step = 0; step < 600 && !call.IsCompleted; step++)
        {
            await Task.Delay(2);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await call;
    }
}
