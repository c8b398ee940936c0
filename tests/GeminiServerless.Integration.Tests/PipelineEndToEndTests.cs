using System.Text;
using Azure.Storage.Queues.Models;
using GeminiServerless.Functions.Orchestrations;
using GeminiServerless.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GeminiServerless.Integration.Tests;

[Collection(IntegrationGroup.Name)]
public sealed class PipelineEndToEndTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static byte[] Audio(string seed, string marker = "")
    {
        // Stand-in audio: deterministic bytes (an MP3 frame header, then filler), optionally with an emulator fault marker.
        var bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(seed.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
        bytes[0] = 0x49; bytes[1] = 0x44; bytes[2] = 0x33;
        Encoding.ASCII.GetBytes(marker).CopyTo(bytes, 16);
        return bytes;
    }

    [Fact]
    public async Task Transcribe_then_summarize_runs_from_http_start_to_summary_blob_driven_by_webhooks_only()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output);
        await harness.UploadInputAsync("meetings/weekly.mp3", Audio("weekly"));

        var id = await harness.StartPipelineAsync(new { pipeline = "transcribe-summarize", input = new { audio = "meetings/weekly.mp3" } });
        var status = await harness.WaitForEndAsync(id);

        Assert.Equal(RunState.Succeeded, status.State);
        Assert.Equal(["transcribe", "summarize"], status.Stages.Select(s => s.Stage));
        Assert.All(status.Stages, s => Assert.Equal(RunState.Succeeded, s.State));
        var transcript = await harness.ReadArtifactAsync(status.Stages[0].ArtifactUri!);
        var summary = await harness.ReadArtifactAsync(status.Stages[1].ArtifactUri!);
        Assert.False(string.IsNullOrWhiteSpace(transcript));
        Assert.False(string.IsNullOrWhiteSpace(summary));
        Assert.NotEqual(transcript, summary);

        // One create per stage, and no GET of a batch before that batch's webhook arrived.
        var requests = await EmulatorRecords.RequestsAsync(harness);
        var deliveries = await EmulatorRecords.DeliveriesAsync(harness);
        var creates = requests.Where(r => r.Method == "POST" && r.Path.EndsWith(":batchGenerateContent", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, creates.Count);
        foreach (var stage in status.Stages)
        {
            var jobId = stage.JobName!.Split('/')[^1];
            var firstDelivery = deliveries.Where(d => d.JobName.EndsWith(jobId, StringComparison.Ordinal)).Min(d => d.Seq);
            var gets = requests.Where(r => r.Method == "GET" && r.Path.EndsWith("/batches/" + jobId, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(gets);
            Assert.All(gets, g => Assert.True(g.Seq > firstDelivery, $"GET of {jobId} (seq {g.Seq}) came before its webhook (seq {firstDelivery})."));
        }

        var completed = await harness.Queues.GetQueueClient("pipeline-completed").PeekMessagesAsync(32);
        Assert.Contains(completed.Value, m => m.Body.ToString().Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Transcribe_report_runs_a_file_batch_then_a_background_interaction_with_the_same_orchestrators()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output);
        await harness.UploadInputAsync("meetings/board.mp3", Audio("board"));

        var id = await harness.StartPipelineAsync(new { pipeline = "transcribe-report", input = new { audio = "meetings/board.mp3", audience = "the board" } });
        var status = await harness.WaitForEndAsync(id);

        Assert.Equal(RunState.Succeeded, status.State);
        Assert.Equal(["transcribe", "report"], status.Stages.Select(s => s.Stage));
        Assert.StartsWith("batches/", status.Stages[0].JobName, StringComparison.Ordinal);
        var report = await harness.ReadArtifactAsync(status.Stages[1].ArtifactUri!);
        Assert.False(string.IsNullOrWhiteSpace(report));

        var requests = await EmulatorRecords.RequestsAsync(harness);
        var deliveries = await EmulatorRecords.DeliveriesAsync(harness);
        Assert.Single(requests, r => r.Method == "POST" && r.Path.EndsWith(":batchGenerateContent", StringComparison.Ordinal));
        Assert.Single(requests, r => r.Method == "POST" && r.Path.EndsWith("/interactions", StringComparison.Ordinal));
        var batchId = status.Stages[0].JobName!.Split('/')[^1];
        var interactionId = status.Stages[1].JobName!.Split('/')[^1];
        foreach (var (jobId, getPath) in new[] { (batchId, "/batches/" + batchId), (interactionId, "/interactions/" + interactionId) })
        {
            var firstDelivery = deliveries.Where(d => d.JobName.EndsWith(jobId, StringComparison.Ordinal)).Min(d => d.Seq);
            var gets = requests.Where(r => r.Method == "GET" && r.Path.EndsWith(getPath, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(gets);
            Assert.All(gets, g => Assert.True(g.Seq > firstDelivery, $"GET {getPath} (seq {g.Seq}) came before its webhook (seq {firstDelivery})."));
        }
    }

    [Fact]
    public async Task Same_idempotency_key_twice_returns_the_same_pipeline()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output);
        await harness.UploadInputAsync("idem.mp3", Audio("idem"));
        var body = new { pipeline = "transcribe-summarize", input = new { audio = "idem.mp3" }, idempotencyKey = "order-" + Guid.NewGuid() };

        var first = await harness.StartPipelineAsync(body);
        var second = await harness.StartPipelineAsync(body);
        await harness.WaitForEndAsync(first);

        Assert.Equal(first, second);
        var creates = (await EmulatorRecords.RequestsAsync(harness)).Count(r => r.Path.EndsWith(":batchGenerateContent", StringComparison.Ordinal));
        Assert.Equal(2, creates);
    }

    [Fact]
    public async Task Duplicate_webhook_delivery_raises_the_event_once()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output);
        await harness.UploadInputAsync("dup.mp3", Audio("dup", "[emulator:duplicate-webhook]"));

        var id = await harness.StartPipelineAsync(new { pipeline = "transcribe-summarize", input = new { audio = "dup.mp3" } });
        var status = await harness.WaitForEndAsync(id);

        Assert.Equal(RunState.Succeeded, status.State);
        var jobId = status.Stages[0].JobName!.Split('/')[^1];
        var deliveries = (await EmulatorRecords.SettledDeliveriesAsync(harness, all => all.Count(d => d.JobName.EndsWith(jobId, StringComparison.Ordinal)) >= 2))
            .Where(d => d.JobName.EndsWith(jobId, StringComparison.Ordinal)).ToList();
        Assert.True(deliveries.Count >= 2, "The emulator should have delivered the event twice.");
        Assert.Single(deliveries.Select(d => d.WebhookId).Distinct());
        Assert.All(deliveries, d => Assert.Equal(200, d.StatusCode));
        // One raised event → one GetGeminiJob and one StoreStageOutput read of the batch.
        var gets = (await EmulatorRecords.RequestsAsync(harness)).Count(r => r.Method == "GET" && r.Path.EndsWith("/batches/" + jobId, StringComparison.Ordinal));
        Assert.Equal(2, gets);
    }

    [Fact]
    public async Task Lost_webhook_is_recovered_by_the_reconcile_timer()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output,
            settings: new Dictionary<string, string?> { ["Pipelines:ReconcileInterval"] = "00:00:03" });
        await harness.UploadInputAsync("lost.mp3", Audio("lost", "[emulator:no-webhook]"));

        var id = await harness.StartPipelineAsync(new { pipeline = "transcribe-summarize", input = new { audio = "lost.mp3" } });
        var status = await harness.WaitForEndAsync(id);

        Assert.Equal(RunState.Succeeded, status.State);
        var jobId = status.Stages[0].JobName!.Split('/')[^1];
        Assert.DoesNotContain(await EmulatorRecords.DeliveriesAsync(harness), d => d.JobName.EndsWith(jobId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_that_arrives_before_the_stage_waits_is_buffered_and_consumed()
    {
        // The job completes at once and the create call answers late: the webhook reaches the app while the
        // submit activity is still running, before the stage waits for the event.
        await using var harness = await PipelineHarness.StartAsync(azurite, output, emulator: o =>
        {
            o.CompletionDelay = TimeSpan.Zero;
            o.CreateResponseDelay = TimeSpan.FromMilliseconds(1500);
        });
        await harness.UploadInputAsync("early.mp3", Audio("early"));

        var id = await harness.StartPipelineAsync(new { pipeline = "transcribe-summarize", input = new { audio = "early.mp3" } });
        var status = await harness.WaitForEndAsync(id);

        Assert.Equal(RunState.Succeeded, status.State);
        var requests = await EmulatorRecords.RequestsAsync(harness);
        var deliveries = await EmulatorRecords.DeliveriesAsync(harness);
        foreach (var stage in status.Stages)
        {
            var jobId = stage.JobName!.Split('/')[^1];
            var delivered = deliveries.First(d => d.JobName.EndsWith(jobId, StringComparison.Ordinal));
            Assert.Equal(200, delivered.StatusCode);
            // Only the authoritative read after the event and the output read: no reconcile poll was needed.
            Assert.Equal(2, requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/batches/" + jobId, StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Duplicated_and_jittered_deliveries_with_slow_creates_still_make_one_job_per_stage()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output, emulator: o =>
        {
            o.DuplicateDeliveryRate = 1;
            o.DeliveryJitter = TimeSpan.FromMilliseconds(400);
            o.CreateResponseDelay = TimeSpan.FromMilliseconds(300);
            o.RandomSeed = 7;
        });
        await harness.UploadInputAsync("chaos.mp3", Audio("chaos"));

        var id = await harness.StartPipelineAsync(new { pipeline = "transcribe-summarize", input = new { audio = "chaos.mp3" } });
        var status = await harness.WaitForEndAsync(id);

        Assert.Equal(RunState.Succeeded, status.State);
        var requests = await EmulatorRecords.RequestsAsync(harness);
        Assert.Equal(2, requests.Count(r => r.Method == "POST" && r.Path.EndsWith(":batchGenerateContent", StringComparison.Ordinal)));
        var deliveries = await EmulatorRecords.SettledDeliveriesAsync(harness, all => all.GroupBy(d => d.WebhookId).All(g => g.Count() >= 2));

        Assert.All(deliveries.GroupBy(d => d.WebhookId), g => Assert.True(g.Count() >= 2, "Every event should have been delivered twice."));
        Assert.All(deliveries, d => Assert.Equal(200, d.StatusCode));
    }

    [Theory]
    [InlineData("[emulator:job-failed]", "batch failed")]
    [InlineData("[emulator:job-expired]", "expired")]
    [InlineData("[emulator:line-failed]", "request failed")]
    [InlineData("[emulator:max-tokens]", "MAX_TOKENS")]
    [InlineData("[emulator:blocked]", "blocked")]
    public async Task Failed_stage_ends_the_pipeline_failed_with_the_reason(string marker, string reason)
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output);
        var name = $"fail-{Guid.NewGuid():N}.mp3";
        await harness.UploadInputAsync(name, Audio(name, marker));

        var id = await harness.StartPipelineAsync(new { pipeline = "transcribe-summarize", input = new { audio = name } });
        var status = await harness.WaitForEndAsync(id);

        Assert.Equal(RunState.Failed, status.State);
        Assert.Equal(RunState.Failed, status.Stages[0].State);
        Assert.Equal(RunState.Pending, status.Stages[1].State);
        Assert.Contains(reason, status.Stages[0].Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(reason, status.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cancel_stops_the_gemini_job_and_ends_the_pipeline_cancelled()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output, emulator: o => o.CompletionDelay = TimeSpan.FromSeconds(30));
        await harness.UploadInputAsync("cancel.mp3", Audio("cancel"));
        var id = await harness.StartPipelineAsync(new { pipeline = "transcribe-summarize", input = new { audio = "cancel.mp3" } });
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await harness.GetStatusAsync(id)).Stages[0].JobName is null && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        using var cancel = await harness.Http.PostAsync($"/api/pipelines/{id}/cancel", null);
        var status = await harness.WaitForEndAsync(id);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(RunState.Cancelled, status.State);
        Assert.Equal(RunState.Cancelled, status.Stages[0].State);
        Assert.Contains(await EmulatorRecords.RequestsAsync(harness), r => r.Method == "POST" && r.Path.EndsWith(":cancel", StringComparison.Ordinal));
    }
}

[Collection(IntegrationGroup.Name)]
public sealed class PipelineCallbackTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("callback-secret-0123456789abcdef"));

    [Fact]
    public async Task Finished_pipeline_posts_a_signed_result_to_the_callback_url()
    {
        await using var harness = await PipelineHarness.StartAsync(azurite, output, settings: new Dictionary<string, string?>
        {
            ["Callbacks:SigningSecret"] = Secret,
            ["Callbacks:AllowHttp"] = "true",
        });
        await harness.UploadInputAsync("callback.mp3", [9, 8, 7, 6]);

        var id = await harness.StartPipelineAsync(new
        {
            pipeline = "transcribe-summarize",
            input = new { audio = "callback.mp3" },
            callbackUrl = harness.BaseUrl.TrimEnd('/') + "/test-callback",
        });
        await harness.WaitForEndAsync(id);
        var until = DateTime.UtcNow.AddSeconds(30);
        while (harness.Callbacks.IsEmpty && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        var (headers, body) = Assert.Single(harness.Callbacks);
        var verifier = new GeminiServerless.Core.Webhooks.StandardWebhookVerifier(
            Microsoft.Extensions.Options.Options.Create(new GeminiServerless.Core.Webhooks.WebhookOptions { SigningSecrets = Secret }), TimeProvider.System);
        var verdict = verifier.Verify(new GeminiServerless.Core.Webhooks.WebhookRequest(
            body, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], "unused"));
        Assert.True(verdict.IsValid, verdict.Failure);
        Assert.Equal("pipeline_" + id, headers["webhook-id"].ToString());
        var result = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal(id, result.GetProperty("pipelineId").GetString());
        Assert.Equal("Succeeded", result.GetProperty("state").GetString());
    }
}
