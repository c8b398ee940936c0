using System.Text.Json;

namespace GeminiServerless.Integration.Tests.Infrastructure;

public sealed record EmulatorRequest(long Seq, string Method, string Path);

public sealed record EmulatorDelivery(long Seq, string JobName, string EventType, string WebhookId, int Attempt, int? StatusCode);

/// <summary>Reads the emulator's admin logs (one shared sequence for requests and deliveries).</summary>
public static class EmulatorRecords
{
    public static async Task<IReadOnlyList<EmulatorRequest>> RequestsAsync(PipelineHarness harness)
    {
        var root = Items(await harness.EmulatorGetAsync("/emulator/requests"), "requests");
        return root.EnumerateArray()
            .Select(e => new EmulatorRequest(e.GetProperty("seq").GetInt64(), e.GetProperty("method").GetString()!, e.GetProperty("path").GetString()!))
            .ToList();
    }

    public static async Task<IReadOnlyList<EmulatorDelivery>> DeliveriesAsync(PipelineHarness harness)
    {
        var root = Items(await harness.EmulatorGetAsync("/emulator/deliveries"), "deliveries");
        return root.EnumerateArray()
            .Select(e => new EmulatorDelivery(
                e.GetProperty("seq").GetInt64(),
                e.GetProperty("jobName").GetString()!,
                e.GetProperty("eventType").GetString()!,
                e.GetProperty("webhookId").GetString()!,
                e.GetProperty("attempt").GetInt32(),
                e.TryGetProperty("statusCode", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : null))
            .ToList();
    }

    /// <summary>
    /// Reads the delivery log until every attempt has been answered and <paramref name="complete"/> holds
    /// (deliveries run in the background and may still be in flight when a pipeline ends), or 15 s pass.
    /// </summary>
    public static async Task<IReadOnlyList<EmulatorDelivery>> SettledDeliveriesAsync(PipelineHarness harness, Func<IReadOnlyList<EmulatorDelivery>, bool> complete)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        var deliveries = await DeliveriesAsync(harness);
        while (DateTime.UtcNow < until && (deliveries.Any(d => d.StatusCode is null) || !complete(deliveries)))
        {
            await Task.Delay(100);
            deliveries = await DeliveriesAsync(harness);
        }

        return deliveries;
    }

    private static JsonElement Items(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var items) ? items : root;
}
