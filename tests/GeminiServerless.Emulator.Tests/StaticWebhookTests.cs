using System.Net;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class StaticWebhookTests : EmulatorAndReceiverTest
{
    [Fact]
    public async Task Create_returns_the_secret_once()
    {
        var created = await CreateWebhookAsync("/static", "batch.succeeded");
        var id = created["id"]!.GetValue<string>();
        var secret = created["new_signing_secret"]!.GetValue<string>();

        var fetched = await Emulator.GetOkAsync($"v1/webhooks/{id}");
        var listed = await Emulator.GetOkAsync("v1/webhooks?page_size=10");

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Equal("enabled", created["state"]!.GetValue<string>());
        Assert.Null(fetched["new_signing_secret"]);
        Assert.EndsWith(secret[^4..], fetched["signing_secrets"]![0]!["truncated_secret"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(id, listed["webhooks"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_without_uris_goes_to_subscribed_static_webhooks_signed_with_hmac()
    {
        var subscribed = await CreateWebhookAsync("/subscribed", "batch.succeeded");
        await CreateWebhookAsync("/other-event", "batch.failed");
        var disabled = await CreateWebhookAsync("/disabled", "batch.succeeded");
        await Emulator.SendAsync(HttpMethod.Patch, $"v1/webhooks/{disabled["id"]}?update_mask=state", new JsonObject { ["state"] = "disabled" });

        var name = (await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("static", [Requests.Text("a")])))["name"]!.GetValue<string>();
        var delivery = (await Receiver.WaitForCountAsync(1))[0];
        await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("control", [Requests.Text("b")], Requests.Webhook(Receiver.Uri("/control"))));
        await Receiver.WaitForCountAsync(2);

        Assert.Equal("/subscribed", delivery.Path);
        Assert.True(Signatures.VerifyStandard(delivery, subscribed["new_signing_secret"]!.GetValue<string>()));
        Assert.StartsWith("v1,", delivery.Header("webhook-signature"), StringComparison.Ordinal);
        var envelope = JsonNode.Parse(delivery.Body)!;
        Assert.Equal("batch.succeeded", envelope["type"]!.GetValue<string>());
        Assert.Equal(name, envelope["data"]!["id"]!.GetValue<string>());
        Assert.DoesNotContain(Receiver.Received, r => r.Path is "/other-event" or "/disabled");
    }

    [Fact]
    public async Task Rotation_with_overlap_signs_with_both_secrets_and_immediate_rotation_with_one()
    {
        var created = await CreateWebhookAsync("/rotate", "batch.succeeded");
        var id = created["id"]!.GetValue<string>();
        var original = created["new_signing_secret"]!.GetValue<string>();

        var rotated = (await Emulator.PostOkAsync($"v1/webhooks/{id}:rotateSigningSecret", new JsonObject { ["revocation_behavior"] = "revoke_previous_secrets_after_h24" }))["secret"]!.GetValue<string>();
        await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("r1", [Requests.Text("a")]));
        var overlap = (await Receiver.WaitForCountAsync(1))[0];

        Assert.Equal(2, overlap.Header("webhook-signature").Split(' ').Length);
        Assert.True(Signatures.VerifyStandard(overlap, original));
        Assert.True(Signatures.VerifyStandard(overlap, rotated));
        Assert.Equal(2, ((JsonArray)(await Emulator.GetOkAsync($"v1/webhooks/{id}"))["signing_secrets"]!).Count);

        var latest = (await Emulator.PostOkAsync($"v1/webhooks/{id}:rotateSigningSecret", new JsonObject { ["revocation_behavior"] = "revoke_previous_secrets_immediately" }))["secret"]!.GetValue<string>();
        await Emulator.PostOkAsync(CreatePath, Requests.InlineBatch("r2", [Requests.Text("a")]));
        var after = (await Receiver.WaitForCountAsync(2))[1];

        Assert.Single(after.Header("webhook-signature").Split(' '));
        Assert.True(Signatures.VerifyStandard(after, latest));
        Assert.False(Signatures.VerifyStandard(after, rotated));
    }

    [Fact]
    public async Task Ping_sends_a_signed_test_event()
    {
        var created = await CreateWebhookAsync("/ping", "batch.succeeded");

        var answer = await Emulator.PostOkAsync($"v1/webhooks/{created["id"]}:ping", null);
        var delivery = (await Receiver.WaitForCountAsync(1))[0];

        Assert.Equal("{}", answer.ToJsonString());
        Assert.Equal("webhook.ping", JsonNode.Parse(delivery.Body)!["type"]!.GetValue<string>());
        Assert.True(Signatures.VerifyStandard(delivery, created["new_signing_secret"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Update_changes_only_the_masked_fields_and_delete_removes_the_webhook()
    {
        var created = await CreateWebhookAsync("/update", "batch.succeeded");
        var id = created["id"]!.GetValue<string>();

        var (status, updated) = await Emulator.SendAsync(HttpMethod.Patch, $"v1/webhooks/{id}?update_mask=subscribed_events",
            new JsonObject { ["subscribed_events"] = new JsonArray("batch.failed"), ["name"] = "ignored" });
        var (deleted, deleteBody) = await Emulator.SendAsync(HttpMethod.Delete, $"v1/webhooks/{id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["batch.failed"], ((JsonArray)updated!["subscribed_events"]!).Select(e => e!.GetValue<string>()));
        Assert.Equal("hook", updated["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal("{}", deleteBody!.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await Emulator.GetAsync($"v1/webhooks/{id}")).Status);
    }

    private Task<JsonObject> CreateWebhookAsync(string path, params string[] events) =>
        Emulator.PostOkAsync("v1/webhooks", new JsonObject
        {
            ["name"] = "hook",
            ["uri"] = Receiver.Uri(path),
            ["subscribed_events"] = new JsonArray(events.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
        });
}
