using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using GeminiServerless.Core.Pipelines;
using GeminiServerless.Emulator;
using GeminiServerless.Functions;
using GeminiServerless.Functions.Activities;
using GeminiServerless.Functions.Http;
using GeminiServerless.Functions.Orchestrations;
using GeminiServerless.Functions.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GeminiServerless.Integration.Tests.Infrastructure;

/// <summary>
/// The whole app on one machine: the real orchestrators and activities on the in-process Durable test host,
/// the real HTTP and webhook functions behind Kestrel on 127.0.0.1:0, the Gemini emulator on 127.0.0.1:0
/// and Azurite for blobs, queues and tables.
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private WebApplication? _web;
    private WebApplication? _emulator;
    private DurableTaskTestHost? _durable;
    private ServiceProvider? _services;
    private ILoggerFactory? _loggerFactory;

    public HttpClient Http { get; private set; } = null!;

    public HttpClient Emulator { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public string EmulatorUrl { get; private set; } = "";

    public DurableTaskClient Client => _durable!.Client;

    public IServiceProvider Services => _services!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    /// <summary>Requests received on <c>/test-callback</c> (a stand-in for a caller's callback endpoint).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(IHeaderDictionary Headers, byte[] Body)> Callbacks { get; } = new();

    public QueueServiceClient Queues { get; private set; } = null!;

    public static async Task<PipelineHarness> StartAsync(
        AzuriteFixture azurite,
        ITestOutputHelper? output = null,
        Action<EmulatorOptions>? emulator = null,
        IDictionary<string, string?>? settings = null)
    {
        // A component that probes for a free port and binds it later can lose that port to another test
        // assembly running in parallel; start again on a fresh set of ports when that happens.
        for (var attempt = 1; ; attempt++)
        {
            var harness = new PipelineHarness();
            try
            {
                await harness.InitializeAsync(azurite, output, emulator, settings);
                return harness;
            }
            catch (IOException ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await harness.DisposeAsync();
            }
        }
    }

    private async Task InitializeAsync(AzuriteFixture azurite, ITestOutputHelper? output, Action<EmulatorOptions>? configureEmulator, IDictionary<string, string?>? settings)
    {
        _loggerFactory = LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(LogLevel.Information);
            b.AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning).AddFilter("Grpc", LogLevel.Warning);
            if (output is not null)
            {
                b.AddProvider(new TestOutputLoggerProvider(output));
            }
        });

        _emulator = EmulatorHost.Create([], options =>
        {
            options.CompletionDelay = TimeSpan.FromMilliseconds(800);
            options.RetryInitialDelay = TimeSpan.FromMilliseconds(200);
            options.RetryMaxDelay = TimeSpan.FromSeconds(2);
            configureEmulator?.Invoke(options);
        });
        _emulator.Urls.Add("http://127.0.0.1:0");
        await _emulator.StartAsync();
        EmulatorUrl = _emulator.Urls.First();
        Emulator = new HttpClient { BaseAddress = new Uri(EmulatorUrl) };

        // Kestrel first, so the webhook base URL is known before the app's services are built.
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddControllers().AddJsonOptions(o => o.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        _web = builder.Build();
        MapFunctions(_web);
        await _web.StartAsync();
        BaseUrl = _web.Urls.First();
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl) };

        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Gemini:ApiKey"] = "test-key",
            ["Gemini:BaseUrl"] = EmulatorUrl,
            ["Gemini:ApiVersion"] = "v1beta",
            ["Webhooks:PublicBaseUrl"] = BaseUrl,
            ["Webhooks:JwksUrl"] = EmulatorUrl.TrimEnd('/') + "/.well-known/jwks.json",
            ["Webhooks:Issuer"] = "https://gemini-emulator.local",
            ["Pipelines:ReconcileInterval"] = "00:05:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton(_loggerFactory);
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddGeminiServerless(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var sp = _services;
        _durable = await DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc<PipelineInput, PipelineResult>(nameof(PipelineOrchestrator), (ctx, input) => PipelineOrchestrator.RunAsync(ctx, input));
            registry.AddOrchestratorFunc<StageRunInput, StageResult>(nameof(GeminiJobOrchestrator), (ctx, input) => GeminiJobOrchestrator.RunAsync(ctx, input));
            registry.AddActivityFunc<SubmitJobInput, JobRef>(nameof(SubmitGeminiJob), (_, input) => Create<SubmitGeminiJob>(sp).Run(input, CancellationToken.None));
            registry.AddActivityFunc<JobRef, JobSnapshot>(nameof(GetGeminiJob), (_, input) => Create<GetGeminiJob>(sp).Run(input, CancellationToken.None));
            registry.AddActivityFunc<StoreOutputInput, StageOutput>(nameof(StoreStageOutput), (_, input) => Create<StoreStageOutput>(sp).Run(input, CancellationToken.None));
            registry.AddActivityFunc<JobRef, bool>(nameof(CancelGeminiJob), (_, input) => Create<CancelGeminiJob>(sp).Run(input, CancellationToken.None));
            registry.AddActivityFunc<CallbackInput, bool>(nameof(SendPipelineCallback), async (_, input) =>
            {
                await Create<SendPipelineCallback>(sp).Run(input, CancellationToken.None);
                return true;
            });
            registry.AddActivityFunc<PipelineResult, bool>(nameof(PublishPipelineCompleted), async (_, input) =>
            {
                await Create<PublishPipelineCompleted>(sp).Run(input, CancellationToken.None);
                return true;
            });
        }, new DurableTaskTestHostOptions { LoggerFactory = _loggerFactory });

        Blobs = new BlobServiceClient(azurite.ConnectionString);
        Queues = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    }

    private static T Create<T>(IServiceProvider sp) => ActivatorUtilities.CreateInstance<T>(sp);

    private void MapFunctions(WebApplication web)
    {
        web.MapPost("/test-callback", async (HttpContext ctx) =>
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            Callbacks.Enqueue((new HeaderDictionary(ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value)), buffer.ToArray()));
            return Results.Ok();
        });
        web.MapPost("/api/pipelines", (HttpContext ctx) =>
            ExecuteAsync(ctx, Create<StartPipeline>(Services).Run(ctx.Request, Client, ctx.RequestAborted)));
        web.MapGet("/api/pipelines/{id}", (HttpContext ctx, string id) =>
            ExecuteAsync(ctx, GetPipelineStatus.Run(ctx.Request, Client, id, ctx.RequestAborted)));
        web.MapPost("/api/pipelines/{id}/cancel", (HttpContext ctx, string id) =>
            ExecuteAsync(ctx, Create<CancelPipeline>(Services).Run(ctx.Request, Client, id, ctx.RequestAborted)));
        web.MapPost("/api/webhooks/gemini/{instanceId}", (HttpContext ctx, string instanceId) =>
            ExecuteAsync(ctx, Create<GeminiWebhook>(Services).Run(ctx.Request, Client, instanceId, ctx.RequestAborted)));
    }

    private static async Task ExecuteAsync(HttpContext context, Task<IActionResult> function)
    {
        var result = await function;
        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }

    /// <summary>Uploads an input blob to the <c>inputs</c> container.</summary>
    public async Task UploadInputAsync(string name, byte[] content, string contentType = "audio/mpeg")
    {
        var container = Blobs.GetBlobContainerClient("inputs");
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(name).UploadAsync(new BinaryData(content), new Azure.Storage.Blobs.Models.BlobUploadOptions
        {
            HttpHeaders = new Azure.Storage.Blobs.Models.BlobHttpHeaders { ContentType = contentType },
        });
    }

    public async Task<string> StartPipelineAsync(object body)
    {
        using var response = await Http.PostAsJsonAsync("/api/pipelines", body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Start answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<PipelineStatusResponse> GetStatusAsync(string id) =>
        (await Http.GetFromJsonAsync<PipelineStatusResponse>($"/api/pipelines/{id}", Json))!;

    /// <summary>Reads our own status endpoint until the pipeline ends.</summary>
    public async Task<PipelineStatusResponse> WaitForEndAsync(string id, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var status = await GetStatusAsync(id);
            if (status.State is RunState.Succeeded or RunState.Failed or RunState.Cancelled && status.RuntimeStatus != "Running")
            {
                return status;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Pipeline {id} still {status.State} ({status.RuntimeStatus}) after the timeout: {JsonSerializer.Serialize(status, Json)}");
            }

            await Task.Delay(200);
        }
    }

    public async Task<string> ReadArtifactAsync(string uri)
    {
        var parts = new BlobUriBuilder(new Uri(uri));
        var content = await Blobs.GetBlobContainerClient(parts.BlobContainerName).GetBlobClient(parts.BlobName).DownloadContentAsync();
        return content.Value.Content.ToString();
    }

    public async Task<JsonElement> EmulatorGetAsync(string path)
    {
        var text = await Emulator.GetStringAsync(path);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        Emulator?.Dispose();
        if (_durable is not null)
        {
            await _durable.DisposeAsync();
        }

        if (_web is not null)
        {
            await _web.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        _loggerFactory?.Dispose();
    }
}
