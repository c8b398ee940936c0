using System.Net;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class AdminTests
{
    private const string CreatePath = "v1/models/gemini-2.5-flash:batchGenerateContent";

    [Fact]
    public async Task Request_log_lists_every_api_request_in_order()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.GetAsync("v1/files?pageSize=5");
        await emulator.GetAsync("v1beta/batches");
        await emulator.GetAsync("emulator/stats", emulator.Anonymous);

        var requests = await emulator.RequestsAsync();

        Assert.Equal(2, requests.Count);
        Assert.Equal("GET", requests[0]!["method"]!.GetValue<string>());
        Assert.Equal("/v1/files", requests[0]!["path"]!.GetValue<string>());
        Assert.Equal("?pageSize=5", requests[0]!["query"]!.GetValue<string>());
        Assert.Equal("/v1beta/batches", requests[1]!["path"]!.GetValue<string>());
        Assert.True(requests[0]!["seq"]!.GetValue<long>() < requests[1]!["seq"]!.GetValue<long>());
        Assert.NotNull(requests[0]!["at"]);
    }

    [Fact]
    public async Task Shared_sequence_proves_no_get_of_the_batch_before_its_first_delivery()
    {
        await using var emulator = await TestEmulator.StartAsync();
        string? name = null;
        await using var receiver = await WebhookReceiver.StartAsync();

        name = (await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("seq", [Requests.Text("a")], Requests.Webhook(receiver.Uri("/seq")))))["name"]!.GetValue<string>();
        await receiver.WaitForCountAsync(1);
        await emulator.GetOkAsync("v1/" + name);

        var requests = await emulator.RequestsAsync();
        var deliveries = await emulator.DeliveriesAsync(name);
        var create = requests.First(r => r!["path"]!.GetValue<string>().EndsWith(":batchGenerateContent", StringComparison.Ordinal))!;
        var gets = requests.Where(r => r!["method"]!.GetValue<string>() == "GET" && r["path"]!.GetValue<string>() == "/v1/" + name).ToList();
        var firstDelivery = deliveries[0]!;
        Assert.Equal(name, firstDelivery["jobName"]!.GetValue<string>());
        Assert.Equal(receiver.Uri("/seq"), firstDelivery["uri"]!.GetValue<string>());
        Assert.Equal("batch.succeeded", firstDelivery["eventType"]!.GetValue<string>());
        Assert.Equal(1, firstDelivery["attempt"]!.GetValue<int>());
        Assert.Equal(200, firstDelivery["statusCode"]!.GetValue<int>());
        Assert.StartsWith("msg_", firstDelivery["webhookId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(create["seq"]!.GetValue<long>() < firstDelivery["seq"]!.GetValue<long>());
        Assert.Single(gets);
        Assert.All(gets, g => Assert.True(g!["seq"]!.GetValue<long>() > firstDelivery["seq"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Stats_count_requests_by_route_creates_and_deliveries_by_status()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(i => i == 0 ? 500 : 200);
        await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("stats", [Requests.Text("a")], Requests.Webhook(receiver.Uri("/s"))));
        await emulator.GetAsync("v1/files");
        await receiver.WaitForCountAsync(2);

        var stats = await Poll.UntilAsync(async () =>
        {
            var body = (await emulator.GetAsync("emulator/stats", emulator.Anonymous)).Body!;
            return body["deliveries"]!["byStatus"]!["200"] is not null ? body : null;
        }, null, "the successful delivery to be counted");

        Assert.Equal(1, stats["requests"]!["byRoute"]!["POST /v1/models/{model}:batchGenerateContent"]!.GetValue<long>());
        Assert.Equal(1, stats["requests"]!["byRoute"]!["GET /v1/files"]!.GetValue<long>());
        Assert.Equal(1, stats["creates"]!["batch"]!.GetValue<long>());
        Assert.Equal(1, stats["deliveries"]!["byStatus"]!["500"]!.GetValue<long>());
        Assert.Equal(1, stats["deliveries"]!["byStatus"]!["200"]!.GetValue<long>());
    }

    [Fact]
    public async Task Reset_clears_the_logs_but_the_sequence_keeps_growing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.GetAsync("v1/files");
        var before = (await emulator.RequestsAsync())[0]!["seq"]!.GetValue<long>();

        var (status, _) = await emulator.PostAsync("emulator/reset", null, emulator.Anonymous);
        var afterReset = await emulator.RequestsAsync();
        await emulator.GetAsync("v1/files");
        var after = (await emulator.RequestsAsync())[0]!["seq"]!.GetValue<long>();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(afterReset);
        Assert.True(after > before);
    }

    [Fact]
    public async Task Reset_all_also_forgets_jobs_and_files()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var name = (await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("r", [Requests.Text("a")])))["name"]!.GetValue<string>();

        await emulator.PostAsync("emulator/reset?all=true", null, emulator.Anonymous);

        Assert.Equal(HttpStatusCode.NotFound, (await emulator.GetAsync("v1/" + name)).Status);
    }

    [Fact]
    public async Task Config_reads_and_updates_the_completion_delay()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.CompletionDelay = TimeSpan.FromSeconds(30));
        await using var receiver = await WebhookReceiver.StartAsync();

        var (status, updated) = await emulator.PostAsync("emulator/config", new JsonObject { ["completionDelay"] = "00:00:00.100" }, emulator.Anonymous);
        await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("fast", [Requests.Text("a")], Requests.Webhook(receiver.Uri("/fast"))));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("00:00:00.1000000", updated!["completionDelay"]!.GetValue<string>());
        Assert.Equal("00:00:00.1000000", (await emulator.GetAsync("emulator/config", emulator.Anonymous)).Body!["completionDelay"]!.GetValue<string>());
        Assert.Single(await receiver.WaitForCountAsync(1));
    }

    [Fact]
    public async Task Config_rejects_unknown_or_invalid_values()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var (unknown, _) = await emulator.PostAsync("emulator/config", new JsonObject { ["nope"] = 1 }, emulator.Anonymous);
        var (invalid, body) = await emulator.PostAsync("emulator/config", new JsonObject { ["dropDeliveryRate"] = 3 }, emulator.Anonymous);

        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        Assert.Equal("INVALID_ARGUMENT", body!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Drop_rate_loses_deliveries_without_retrying_them()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DropDeliveryRate = 1);
        await using var receiver = await WebhookReceiver.StartAsync();
        var name = (await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("drop", [Requests.Text("a")], Requests.Webhook(receiver.Uri("/drop")))))["name"]!.GetValue<string>();

        var log = await Poll.UntilAsync(async () => (await emulator.DeliveriesAsync(name)) is { Count: > 0 } entries ? entries : null, null, "the drop to be logged");
        await emulator.PostAsync("emulator/config", new JsonObject { ["dropDeliveryRate"] = 0 }, emulator.Anonymous);
        await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("kept", [Requests.Text("a")], Requests.Webhook(receiver.Uri("/kept"))));
        await receiver.WaitForCountAsync(1);

        Assert.Equal("dropped", log[0]!["outcome"]!.GetValue<string>());
        Assert.All(receiver.Received, r => Assert.Equal("/kept", r.Path));
        Assert.Single(await emulator.DeliveriesAsync(name));
    }

    [Fact]
    public async Task Duplicate_rate_sends_each_event_twice()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DuplicateDeliveryRate = 1);
        await using var receiver = await WebhookReceiver.StartAsync();

        await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("dup", [Requests.Text("a")], Requests.Webhook(receiver.Uri("/dup"))));
        var deliveries = await receiver.WaitForCountAsync(2);

        Assert.Equal(deliveries[0].Header("webhook-id"), deliveries[1].Header("webhook-id"));
    }

    [Theory]
    [InlineData("createRateLimitRate", HttpStatusCode.TooManyRequests, "RESOURCE_EXHAUSTED")]
    [InlineData("createUnavailableRate", HttpStatusCode.ServiceUnavailable, "UNAVAILABLE")]
    public async Task Create_failure_rates_answer_without_creating_a_batch(string knob, HttpStatusCode expected, string status)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.PostAsync("emulator/config", new JsonObject { [knob] = 1 }, emulator.Anonymous);

        var (code, body) = await emulator.PostAsync(CreatePath, Requests.InlineBatch("fail", [Requests.Text("a")]));

        Assert.Equal(expected, code);
        Assert.Equal(status, body!["error"]!["status"]!.GetValue<string>());
        Assert.Empty((JsonArray)(await emulator.GetOkAsync("v1/batches"))["operations"]!);
    }

    [Fact]
    public async Task Slow_acknowledgement_creates_the_batch_before_answering()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.CreateResponseDelay = TimeSpan.FromSeconds(30));
        using var giveUp = new CancellationTokenSource();
        using var content = new StringContent(Requests.InlineBatch("slow-ack", [Requests.Text("a")]).ToJsonString());
        var pending = emulator.Client.PostAsync(CreatePath, content, giveUp.Token);

        var operations = await Poll.UntilAsync(async () =>
            (JsonArray)(await emulator.GetOkAsync("v1/batches"))["operations"]! is { Count: > 0 } list ? list : null, null, "the batch to exist");
        var answeredYet = pending.IsCompleted;
        await giveUp.CancelAsync();

        Assert.False(answeredYet);
        Assert.Equal("slow-ack", Assert.Single(operations)!["metadata"]!["displayName"]!.GetValue<string>());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }
}
