using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GeminiServerless.Core.Webhooks;
using GeminiServerless.Functions.Orchestrations;
using GeminiServerless.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GeminiServerless.Integration.Tests;

/// <summary>The webhook function behind Kestrel, with Azurite, against the receiver rules table.</summary>
[Collection(IntegrationGroup.Name)]
public sealed class WebhookReceiverTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef"));
    private PipelineHarness _harness = null!;

    public async Task InitializeAsync() =>
        _harness = await PipelineHarness.StartAsync(azurite, output,
            emulator: o => o.CompletionDelay = TimeSpan.FromMinutes(5),
            settings: new Dictionary<string, string?> { ["Webhooks:SigningSecrets"] = Secret });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static string Envelope(string type, string jobId, string? instanceId) =>
        instanceId is null
            ? $$$"""{"type":"{{{type}}}","version":"v1","timestamp":"2026-11-25T00:00:00Z","data":{"id":"{{{jobId}}}"}}"""
            : $$$"""{"type":"{{{type}}}","version":"v1","timestamp":"2026-11-25T00:00:00Z","data":{"id":"{{{jobId}}}"},"user_metadata":{"instanceId":"{{{instanceId}}}"}}""";

    private async Task<HttpResponseMessage> PostAsync(string instanceId, string body, string? id = null, long? timestamp = null, string? signature = null, bool sign = true)
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/gemini/{Uri.EscapeDataString(instanceId)}")
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (sign)
        {
            request.Headers.Add("webhook-signature", signature ?? StandardWebhookVerifier.Sign(Secret, id, ts, bytes));
        }

        return await _harness.Http.SendAsync(request);
    }

    private static async Task<string> StatusOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString()!;

    private async Task<string> StartWaitingStageAsync()
    {
        await _harness.UploadInputAsync("hook.mp3", [1, 2, 3]);
        var id = await _harness.StartPipelineAsync(new { pipeline = "transcribe-summarize", input = new { audio = "hook.mp3" } });
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            var status = await _harness.GetStatusAsync(id);
            if (status.Stages[0] is { State: RunState.Waiting, JobName: not null })
            {
                return status.Stages[0].InstanceId!;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The stage never started waiting: " + System.Text.Json.JsonSerializer.Serialize(await _harness.GetStatusAsync(id), PipelineHarness.Json));
    }

    [Fact]
    public async Task Missing_signature_is_401()
    {
        using var response = await PostAsync("p-1:0-transcribe", Envelope("batch.succeeded", "batches/1", null), sign: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Wrong_signature_is_401()
    {
        using var response = await PostAsync("p-1:0-transcribe", Envelope("batch.succeeded", "batches/1", null), signature: "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Stale_timestamp_is_401()
    {
        using var response = await PostAsync("p-1:0-transcribe", Envelope("batch.succeeded", "batches/1", null), timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Body_over_the_cap_is_400()
    {
        var body = Envelope("batch.succeeded", "batches/" + new string('x', 300 * 1024), null);

        using var response = await PostAsync("p-1:0-transcribe", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Signed_malformed_json_is_400()
    {
        using var response = await PostAsync("p-1:0-transcribe", "{\"type\": ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Valid_event_for_unknown_instance_is_200_and_dead_lettered_never_410()
    {
        var delivery = "msg_dead_" + Guid.NewGuid().ToString("N");

        using var response = await PostAsync("p-unknown:0-transcribe", Envelope("batch.succeeded", "batches/404", null), id: delivery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("dead-lettered", await StatusOf(response));
        var messages = await _harness.Queues.GetQueueClient("webhook-deadletter").PeekMessagesAsync(32);
        Assert.Contains(messages.Value, m => m.Body.ToString().Contains(delivery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Late_event_for_a_finished_stage_is_200_and_dead_lettered()
    {
        var stageId = await StartWaitingStageAsync();
        var pipelineId = stageId.Split(':')[0];
        await _harness.Client.TerminateInstanceAsync(stageId);
        await _harness.Client.WaitForInstanceCompletionAsync(stageId);
        var delivery = "msg_late_" + Guid.NewGuid().ToString("N");

        using var response = await PostAsync(stageId, Envelope("batch.succeeded", "batches/late", stageId), id: delivery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("dead-lettered", await StatusOf(response));
        var messages = await _harness.Queues.GetQueueClient("webhook-deadletter").PeekMessagesAsync(32);
        Assert.Contains(messages.Value, m => m.Body.ToString().Contains(delivery, StringComparison.Ordinal));
        await _harness.Client.TerminateInstanceAsync(pipelineId);
    }

    [Fact]
    public async Task Route_id_differing_from_user_metadata_is_400()
    {
        using var response = await PostAsync("p-1:0-transcribe", Envelope("batch.succeeded", "batches/1", "p-2:0-transcribe"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_event_type_is_200_and_ignored()
    {
        using var response = await PostAsync("p-1:0-transcribe", Envelope("batch.reticulated", "batches/1", null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", await StatusOf(response));
    }

    [Fact]
    public async Task Valid_event_is_raised_once_and_the_same_delivery_again_is_a_harmless_200()
    {
        var stageId = await StartWaitingStageAsync();
        var delivery = "msg_" + Guid.NewGuid().ToString("N");
        var body = Envelope("batch.succeeded", "batches/whatever", stageId);

        using var first = await PostAsync(stageId, body, id: delivery);
        using var second = await PostAsync(stageId, body, id: delivery);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("raised", await StatusOf(first));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("duplicate", await StatusOf(second));
    }
}

/// <summary>With no key material configured, the webhook refuses everything.</summary>
[Collection(IntegrationGroup.Name)]
public sealed class WebhookFailClosedTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Without_jwks_or_secrets_every_delivery_is_401()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output,
            settings: new Dictionary<string, string?> { ["Webhooks:JwksUrl"] = "", ["Webhooks:SigningSecrets"] = "" });
        var secret = "whsec_" + Convert.ToBase64String(new byte[32]);
        var body = Encoding.UTF8.GetBytes("""{"type":"batch.succeeded","data":{"id":"batches/1"}}""");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/gemini/p-1%3A0-transcribe") { Content = new ByteArrayContent(body) };
        request.Headers.Add("webhook-id", "msg_1");
        request.Headers.Add("webhook-timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(secret, "msg_1", ts, body));

        using var response = await harness.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
