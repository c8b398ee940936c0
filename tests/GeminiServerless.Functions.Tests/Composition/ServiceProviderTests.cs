using System.Text.Json;
using GeminiServerless.Core.Gemini;
using GeminiServerless.Core.Pipelines;
using GeminiServerless.Core.Webhooks;
using GeminiServerless.Functions.Activities;
using GeminiServerless.Functions.Http;
using GeminiServerless.Functions.Storage;
using GeminiServerless.Functions.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Tests.Composition;

/// <summary>The app's real host composition builds from the committed sample settings.</summary>
public sealed class ServiceProviderTests
{
    private static Dictionary<string, string?> SampleSettings()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "local.settings.sample.json")))
        {
            dir = dir.Parent;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.FullName, "local.settings.sample.json")));
        return doc.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());
    }

    private static IHost Build(Dictionary<string, string?> settings) =>
        AppHost.CreateBuilder([], c => c.AddInMemoryCollection(settings)).Build();

    [Fact]
    public void Every_registration_resolves_from_the_sample_settings()
    {
        using var host = Build(SampleSettings());
        var services = host.Services;

        Assert.NotNull(services.GetRequiredService<IOptions<GeminiOptions>>().Value);
        Assert.NotNull(services.GetRequiredService<IOptions<WebhookOptions>>().Value);
        Assert.NotNull(services.GetRequiredService<IWebhookVerifier>());
        Assert.NotNull(services.GetRequiredService<GeminiClient>());
        Assert.NotNull(services.GetRequiredService<StageJobService>());
        Assert.NotNull(services.GetRequiredService<IPipelineStorage>());
        Assert.NotNull(services.GetRequiredService<IJobLedger>());
        Assert.NotNull(services.GetRequiredService<WebhookDeliveryLedger>());
        Assert.NotNull(services.GetRequiredService<MessageQueues>());
        Assert.Contains(BuiltInPipelines.TranscribeSummarize, services.GetRequiredService<PipelineCatalog>().Names);
        foreach (var function in new[] { typeof(StartPipeline), typeof(CancelPipeline), typeof(GeminiWebhook), typeof(SubmitGeminiJob), typeof(GetGeminiJob), typeof(StoreStageOutput), typeof(CancelGeminiJob), typeof(PublishPipelineCompleted), typeof(Maintenance.PurgeLedgers), typeof(SendPipelineCallback) })
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(services, function));
        }
    }

    [Fact]
    public void Sample_settings_point_at_the_emulator_and_azurite_without_a_real_key()
    {
        var settings = SampleSettings();

        Assert.Equal("UseDevelopmentStorage=true", settings["AzureWebJobsStorage"]);
        Assert.StartsWith("http://127.0.0.1:", settings["Gemini:BaseUrl"], StringComparison.Ordinal);
        Assert.DoesNotContain("AIza", settings["Gemini:ApiKey"], StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_gemini_base_url_fails_options_validation()
    {
        var settings = SampleSettings();
        settings["Gemini:BaseUrl"] = "not a url";
        using var host = Build(settings);

        Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<GeminiOptions>>().Value);
    }
}
