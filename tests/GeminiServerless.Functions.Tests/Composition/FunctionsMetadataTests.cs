using System.Text.Json;

namespace GeminiServerless.Functions.Tests.Composition;

/// <summary>The functions.metadata the Worker SDK generates at build matches the contracts in DESIGN.md.</summary>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonElement[] Functions = Load();

    private static JsonElement[] Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().ToArray();
    }

    private static JsonElement Trigger(string function)
    {
        var entry = Functions.Single(f => f.GetProperty("name").GetString() == function);
        return entry.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_function_is_listed_once()
    {
        var names = Functions.Select(f => f.GetProperty("name").GetString()!).Order().ToArray();

        Assert.Equal(
            ["CancelGeminiJob", "CancelPipeline", "GeminiJobOrchestrator", "GeminiWebhook", "GetGeminiJob", "GetPipelineStatus",
             "PipelineOrchestrator", "PublishPipelineCompleted", "PurgeLedgers", "SendPipelineCallback", "StartPipeline", "StoreStageOutput", "SubmitGeminiJob"],
            names);
    }

    [Theory]
    [InlineData("StartPipeline", "pipelines", "post", "Function")]
    [InlineData("GetPipelineStatus", "pipelines/{id}", "get", "Function")]
    [InlineData("CancelPipeline", "pipelines/{id}/cancel", "post", "Function")]
    [InlineData("GeminiWebhook", "webhooks/gemini/{instanceId}", "post", "Anonymous")]
    public void Http_function_has_the_route_method_and_auth_level_of_the_contract(string function, string route, string method, string authLevel)
    {
        var trigger = Trigger(function);

        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!));
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
    }

    [Theory]
    [InlineData("PipelineOrchestrator", "orchestrationTrigger")]
    [InlineData("GeminiJobOrchestrator", "orchestrationTrigger")]
    [InlineData("SubmitGeminiJob", "activityTrigger")]
    [InlineData("GetGeminiJob", "activityTrigger")]
    [InlineData("StoreStageOutput", "activityTrigger")]
    [InlineData("CancelGeminiJob", "activityTrigger")]
    [InlineData("PublishPipelineCompleted", "activityTrigger")]
    [InlineData("SendPipelineCallback", "activityTrigger")]
    [InlineData("PurgeLedgers", "timerTrigger")]
    public void Durable_function_has_its_trigger(string function, string trigger)
    {
        Assert.Equal(trigger, Trigger(function).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("StartPipeline")]
    [InlineData("GetPipelineStatus")]
    [InlineData("CancelPipeline")]
    [InlineData("GeminiWebhook")]
    public void Http_functions_get_a_durable_client(string function)
    {
        var bindings = Functions.Single(f => f.GetProperty("name").GetString() == function).GetProperty("bindings").EnumerateArray();

        Assert.Contains(bindings, b => b.GetProperty("type").GetString() == "durableClient");
    }
}
