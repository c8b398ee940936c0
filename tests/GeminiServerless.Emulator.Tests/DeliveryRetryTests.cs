using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class DeliveryRetryTests
{
    private const string CreatePath = "v1/models/gemini-2.5-flash:batchGenerateContent";

    [Fact]
    public async Task Receiver_answering_500_twice_then_200_gets_three_attempts_with_the_same_webhook_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(i => i < 2 ? 500 : 200);

        var created = await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("retry", [Requests.Text("hi")], Requests.Webhook(receiver.Uri("/retry"))));
        var deliveries = await receiver.WaitForCountAsync(3);

        Assert.Single(deliveries.Select(d => d.Header("webhook-id")).Distinct());
        Assert.Single(deliveries.Select(d => d.BodyText).Distinct());
        Assert.Equal([500, 500, 200], deliveries.Select(d => d.AnsweredStatus));
        foreach (var delivery in deliveries)
        {
            Assert.True((await Signatures.ValidateJwtAsync(emulator, delivery.Header("webhook-signature"), receiver.Uri("/retry"))).IsValid);
        }

        var log = await Poll.UntilAsync(async () =>
        {
            var entries = await emulator.DeliveriesAsync(created["name"]!.GetValue<string>());
            return entries.Count == 3 && entries[2]!["outcome"]!.GetValue<string>() == "delivered" ? entries : null;
        }, null, "three logged attempts");
        Assert.Equal([1, 2, 3], log.Select(d => d!["attempt"]!.GetValue<int>()));
        Assert.Equal([500, 500, 200], log.Select(d => d!["statusCode"]!.GetValue<int>()));
        Assert.Single(log.Select(d => d!["webhookId"]!.GetValue<string>()).Distinct());
    }

    [Fact]
    public async Task Receiver_that_does_not_answer_in_time_is_retried()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DeliveryTimeout = TimeSpan.FromMilliseconds(300));
        await using var receiver = await WebhookReceiver.StartAsync(async i =>
        {
            if (i == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            return 200;
        });

        var created = await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("slow-receiver", [Requests.Text("hi")], Requests.Webhook(receiver.Uri("/slow"))));

        var log = await Poll.UntilAsync(async () =>
        {
            var entries = await emulator.DeliveriesAsync(created["name"]!.GetValue<string>());
            return entries.Any(e => e!["outcome"]!.GetValue<string>() == "delivered") ? entries : null;
        }, null, "a delivered attempt");
        Assert.Equal("error", log[0]!["outcome"]!.GetValue<string>());
        Assert.Null(log[0]!["statusCode"]);
        Assert.Contains("timed out", log[0]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(log.First(e => e!["outcome"]!.GetValue<string>() == "delivered")!["attempt"]!.GetValue<int>() >= 2);
    }

    [Fact]
    public async Task Unreachable_receiver_is_logged_with_a_null_status_and_retried()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var receiver = await WebhookReceiver.StartAsync();
        var deadUri = receiver.Uri("/gone");
        await receiver.DisposeAsync();

        var created = await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("dead", [Requests.Text("hi")], Requests.Webhook(deadUri)));

        var log = await Poll.UntilAsync(async () =>
        {
            var entries = await emulator.DeliveriesAsync(created["name"]!.GetValue<string>());
            return entries.Count(e => e!["outcome"]!.GetValue<string>() != "pending") >= 2 ? entries : null;
        }, null, "two failed attempts");
        Assert.All(log.Take(2), e =>
        {
            Assert.Null(e!["statusCode"]);
            Assert.Equal("error", e["outcome"]!.GetValue<string>());
        });
        Assert.Equal(1, log[0]!["attempt"]!.GetValue<int>());
        Assert.Equal(2, log[1]!["attempt"]!.GetValue<int>());
    }

    [Fact]
    public async Task Retries_stop_when_the_retry_window_is_used_up()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.RetryWindow = TimeSpan.FromMilliseconds(120);
            o.RetryInitialDelay = TimeSpan.FromMilliseconds(50);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(50);
        });
        await using var receiver = await WebhookReceiver.StartAsync(_ => 503);

        var created = await emulator.PostOkAsync(CreatePath, Requests.InlineBatch("window", [Requests.Text("hi")], Requests.Webhook(receiver.Uri("/w"))));
        await receiver.WaitForCountAsync(1);
        await Task.Delay(600);
        var settled = receiver.Received.Count;
        await Task.Delay(400);

        Assert.Equal(settled, receiver.Received.Count);
        Assert.InRange(settled, 1, 4);
        var log = await emulator.DeliveriesAsync(created["name"]!.GetValue<string>());
        Assert.Equal(settled, log.Count);
        Assert.All(log, e => Assert.Equal(503, e!["statusCode"]!.GetValue<int>()));
    }
}
