using GeminiServerless.Emulator.Admin;
using GeminiServerless.Emulator.Batches;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Files;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Interactions;
using GeminiServerless.Emulator.Outputs;
using GeminiServerless.Emulator.StaticWebhooks;
using GeminiServerless.Emulator.Videos;
using GeminiServerless.Emulator.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Emulator;

/// <summary>
/// Builds the emulator. <c>Program</c> runs it; tests in other projects start it in-process:
/// <code>
/// await using var app = EmulatorHost.Create([], o => o.CompletionDelay = TimeSpan.FromMilliseconds(200));
/// app.Urls.Add("http://127.0.0.1:0");
/// await app.StartAsync();
/// var baseUrl = app.Urls.First();
/// </code>
/// </summary>
public static class EmulatorHost
{
    /// <summary>Every API route is served under each of these version prefixes.</summary>
    public static IReadOnlyList<string> ApiVersions { get; } = ["v1", "v1beta"];

    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--Emulator:CompletionDelay=00:00:02</c>, …).</param>
    /// <param name="configure">Applied after the <c>Emulator</c> configuration section is bound.</param>
    /// <param name="configureServices">Extra service registrations, e.g. a fake <see cref="TimeProvider"/>.</param>
    public static WebApplication Create(string[] args, Action<EmulatorOptions>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(EmulatorHost).Assembly.GetName().Name,
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        AddServices(builder.Services, builder.Configuration, configure);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        UsePipeline(app);
        MapRoutes(app);
        return app;
    }

    private static void AddServices(IServiceCollection services, ConfigurationManager configuration, Action<EmulatorOptions>? configure)
    {
        services.AddOptions<EmulatorOptions>()
            .Bind(configuration.GetSection(EmulatorOptions.SectionName))
            .PostConfigure(options => configure?.Invoke(options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmulatorOptions>, EmulatorOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RuntimeSettings>();
        services.AddSingleton<EmulatorRandom>();
        services.AddSingleton<EmulatorLog>();
        services.AddSingleton<JobScheduler>();
        services.AddSingleton<CreateFaults>();
        services.AddSingleton<FileStore>();
        services.AddSingleton<ContentGenerator>();
        services.AddSingleton<WebhookSigner>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<StaticWebhookStore>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<BatchService>();
        services.AddSingleton<InteractionService>();
        services.AddSingleton<VideoService>();
        services.AddHostedService<WebhookDeliveryService>();

        services.AddHttpClient(WebhookDeliveryService.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
    }

    private static void UsePipeline(WebApplication app)
    {
        var log = app.Services.GetRequiredService<EmulatorLog>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GeminiServerless.Emulator");

        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(AdminEndpoints.Prefix, StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            var record = log.BeginRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? string.Empty);
            try
            {
                await next(context);
            }
            finally
            {
                var route = context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } raw } && !raw.Contains("**", StringComparison.Ordinal)
                    ? raw
                    : "(unmatched)";
                log.CompleteRequest(record, context.Response.StatusCode, $"{context.Request.Method} {route}");
            }
        });

        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (GoogleApiException ex) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                foreach (var (name, value) in ex.ResponseHeaders)
                {
                    context.Response.Headers[name] = value;
                }

                await GoogleErrors.WriteAsync(context, ex.Code, ex.Message, ex.Details);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await GoogleErrors.WriteAsync(context, RpcCode.InvalidArgument, ex.Message);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // Any other failure becomes a Google-shaped 500.
            catch (Exception ex) when (!context.Response.HasStarted)
#pragma warning restore CA1031
            {
                logger.LogError(ex, "Unhandled error for {Method} {Path}", context.Request.Method, context.Request.Path);
                context.Response.Clear();
                await GoogleErrors.WriteAsync(context, RpcCode.Internal, "Internal error encountered.");
            }
        });

        app.UseStatusCodePages(async statusContext =>
        {
            var context = statusContext.HttpContext;
            var status = context.Response.StatusCode;
            var code = status switch
            {
                404 or 405 => RpcCode.NotFound,
                401 => RpcCode.Unauthenticated,
                403 => RpcCode.PermissionDenied,
                >= 500 => RpcCode.Internal,
                _ => RpcCode.InvalidArgument,
            };
            var message = code == RpcCode.NotFound
                ? $"The requested URL {context.Request.Path} was not found on this server (method {context.Request.Method})."
                : $"Request failed with HTTP status {status}.";
            await GoogleErrors.WriteAsync(context, code, message);
        });

        app.Use(async (context, next) =>
        {
            if (IsApiPath(context.Request.Path))
            {
                var key = context.Request.Headers["x-goog-api-key"].FirstOrDefault();
                if (string.IsNullOrEmpty(key))
                {
                    key = context.Request.Query["key"].FirstOrDefault();
                }

                var configured = context.RequestServices.GetRequiredService<RuntimeSettings>().Current.ApiKey;
                var hasBearer = context.Request.Headers.Authorization.FirstOrDefault()?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true;
                if (string.IsNullOrEmpty(key) && (!hasBearer || !string.IsNullOrEmpty(configured)))
                {
                    await GoogleErrors.WriteAsync(context, RpcCode.PermissionDenied,
                        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
                        GoogleErrors.ErrorInfo("API_KEY_MISSING"));
                    return;
                }

                if (!string.IsNullOrEmpty(configured) && !string.Equals(key, configured, StringComparison.Ordinal))
                {
                    await GoogleErrors.WriteAsync(context, RpcCode.InvalidArgument, "API key not valid. Please pass a valid API key.", GoogleErrors.ErrorInfo("API_KEY_INVALID"));
                    return;
                }
            }

            await next(context);
        });
    }

    private static void MapRoutes(WebApplication app)
    {
        AdminEndpoints.Map(app);
        foreach (var version in ApiVersions)
        {
            var api = app.MapGroup("/" + version);
            FileEndpoints.Map(api, app.MapGroup("/upload/" + version), app.MapGroup("/download/" + version), version);
            BatchEndpoints.Map(api);
            VideoEndpoints.Map(api, version);
            InteractionEndpoints.Map(api);
            StaticWebhookEndpoints.Map(api);
        }

        app.MapFallback("{**path}", (HttpContext context) => GoogleErrors.WriteAsync(context, RpcCode.NotFound,
            $"The requested URL {context.Request.Path} was not found on this server (method {context.Request.Method})."));
    }

    private static bool IsApiPath(PathString path) =>
        ApiVersions.Any(v => path.StartsWithSegments("/" + v, StringComparison.Ordinal)
                             || path.StartsWithSegments("/upload/" + v, StringComparison.Ordinal)
                             || path.StartsWithSegments("/download/" + v, StringComparison.Ordinal));

    private sealed class EmulatorOptionsValidator : IValidateOptions<EmulatorOptions>
    {
        public ValidateOptionsResult Validate(string? name, EmulatorOptions options)
        {
            var problems = options.Validate().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
