using System.Text.Json.Serialization;
using GeminiServerless.Core.Gemini;
using GeminiServerless.Core.Pipelines;
using GeminiServerless.Core.Webhooks;
using GeminiServerless.Functions.Activities;
using GeminiServerless.Functions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions;

/// <summary>Settings of the built-in pipelines, bound from the <c>Pipelines</c> section.</summary>
public sealed class PipelineOptions
{
    public const string SectionName = "Pipelines";

    /// <summary>Gemini model of the built-in pipelines' stages.</summary>
    public string Model { get; set; } = "gemini-2.5-flash";

    /// <summary>Overrides every stage's reconcile interval (how long to wait for a webhook before polling once).</summary>
    public TimeSpan? ReconcileInterval { get; set; }

    /// <summary>Overrides every stage's deadline.</summary>
    public TimeSpan? StageDeadline { get; set; }
}

/// <summary>The app's service registrations, shared by the Functions host and the tests.</summary>
public static class AppServices
{
    public static IServiceCollection AddGeminiServerless(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddGeminiClient(configuration);
        services.AddGeminiWebhookVerification(configuration);

        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddOptions<PipelineOptions>()
            .Bind(configuration.GetSection(PipelineOptions.SectionName))
            .Validate(o => o.ReconcileInterval is null || o.ReconcileInterval > TimeSpan.Zero, "Pipelines:ReconcileInterval must be positive.")
            .Validate(o => o.StageDeadline is null || o.StageDeadline > TimeSpan.Zero, "Pipelines:StageDeadline must be positive.")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .Validate(o => o.LedgerRetention >= TimeSpan.FromHours(25), "Storage:LedgerRetention must be longer than Gemini's 24 h retry window.")
            .ValidateOnStart();
        services.AddSingleton(sp => new StorageClients(configuration, sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionName));
        services.AddSingleton<IPipelineStorage, BlobPipelineStorage>();
        services.AddSingleton<TableJobLedger>();
        services.AddSingleton<IJobLedger>(sp => sp.GetRequiredService<TableJobLedger>());
        services.AddSingleton<WebhookDeliveryLedger>();
        services.AddSingleton<MessageQueues>();
        services.AddHttpClient(BlobPipelineStorage.MediaHttpClient, c => c.Timeout = TimeSpan.FromMinutes(30));
        services.AddOptions<CallbackOptions>()
            .Bind(configuration.GetSection(CallbackOptions.SectionName))
            .Validate(o => string.IsNullOrEmpty(o.SigningSecret) || IsValidSecret(o.SigningSecret), "Callbacks:SigningSecret must be 'whsec_' + base64 of at least 16 bytes.")
            .ValidateOnStart();
        services.AddHttpClient(CallbackOptions.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));

        services.AddSingleton(sp => new PipelineCatalog(BuildDefinitions(sp.GetRequiredService<IOptions<PipelineOptions>>().Value)));
        services.AddTransient<IGeminiJobRunner, BatchJobRunner>();
        services.AddTransient<IGeminiJobRunner, FileBatchJobRunner>();
        services.AddTransient<IGeminiJobRunner, InteractionJobRunner>();
        services.AddTransient<IGeminiJobRunner, VideoJobRunner>();
        services.AddTransient<StageJobService>();

        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => o.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return services;
    }

    private static bool IsValidSecret(string secret)
    {
        try
        {
            StandardWebhookVerifier.Sign(secret, "check", 0, []);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static IEnumerable<PipelineDefinition> BuildDefinitions(PipelineOptions options) =>
        BuiltInPipelines.All(options.Model).Select(definition => definition with
        {
            Stages = definition.Stages.Select(s => s with
            {
                Limits = new StageLimits(options.ReconcileInterval ?? s.Limits.ReconcileInterval, options.StageDeadline ?? s.Limits.Deadline),
            }).ToList(),
        });
}
