using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Storage;

/// <summary>Remembers which webhook deliveries (by <c>webhook-id</c>) were already turned into events.</summary>
public sealed class WebhookDeliveryLedger
{
    private readonly TableClient _table;
    private readonly OnceAsync _ensure;
    private readonly TimeProvider _time;

    public WebhookDeliveryLedger(StorageClients clients, IOptions<StorageOptions> options, TimeProvider time)
    {
        _time = time;
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        _table = clients.Tables.GetTableClient(options.Value.WebhookLedgerTable);
        _ensure = new OnceAsync(ct => _table.CreateIfNotExistsAsync(ct));
    }

    public async Task<bool> WasRaisedAsync(string instanceId, string deliveryId, CancellationToken cancellationToken)
    {
        await _ensure.EnsureAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.Encode(instanceId), TableKeys.Encode(deliveryId), select: ["PartitionKey"], cancellationToken: cancellationToken);
        return row.HasValue;
    }

    public async Task RecordRaisedAsync(string instanceId, string deliveryId, string eventType, CancellationToken cancellationToken)
    {
        await _ensure.EnsureAsync(cancellationToken);
        var entity = new TableEntity(TableKeys.Encode(instanceId), TableKeys.Encode(deliveryId))
        {
            ["InstanceId"] = instanceId,
            ["DeliveryId"] = deliveryId,
            ["EventType"] = eventType,
            [LedgerPurge.RecordedAt] = _time.GetUtcNow(),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Deletes rows recorded before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _ensure.EnsureAsync(cancellationToken);
        return await LedgerPurge.DeleteOlderThanAsync(_table, cutoff, cancellationToken);
    }
}
