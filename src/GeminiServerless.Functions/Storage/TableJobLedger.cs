using Azure;
using Azure.Data.Tables;
using GeminiServerless.Core.Pipelines;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Storage;

/// <summary>The job ledger in Table storage: one row per stage instance.</summary>
public sealed class TableJobLedger : IJobLedger
{
    private const string Partition = "jobs";
    private readonly TableClient _table;
    private readonly OnceAsync _ensure;
    private readonly TimeProvider _time;

    public TableJobLedger(StorageClients clients, IOptions<StorageOptions> options, TimeProvider time)
    {
        _time = time;
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        _table = clients.Tables.GetTableClient(options.Value.JobLedgerTable);
        _ensure = new OnceAsync(ct => _table.CreateIfNotExistsAsync(ct));
    }

    public async Task<JobLedgerEntry?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        await _ensure.EnsureAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.Encode(instanceId), cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is null)
        {
            return null;
        }

        var entity = row.Value;
        var name = entity.GetString("JobName");
        var kind = entity.GetString("JobKind");
        JobRef? job = name is not null && Enum.TryParse<JobKind>(kind, out var k) ? new JobRef(k, name) : null;
        return new JobLedgerEntry(entity.GetInt32("Attempts") ?? 0, job);
    }

    public async Task MarkAttemptAsync(string instanceId, CancellationToken cancellationToken)
    {
        await _ensure.EnsureAsync(cancellationToken);
        var current = await GetAsync(instanceId, cancellationToken);
        var entity = new TableEntity(Partition, TableKeys.Encode(instanceId))
        {
            ["InstanceId"] = instanceId,
            ["Attempts"] = (current?.Attempts ?? 0) + 1,
            [LedgerPurge.RecordedAt] = _time.GetUtcNow(),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task RecordAsync(string instanceId, JobRef job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await _ensure.EnsureAsync(cancellationToken);
        var entity = new TableEntity(Partition, TableKeys.Encode(instanceId))
        {
            ["InstanceId"] = instanceId,
            ["JobName"] = job.Name,
            ["JobKind"] = job.Kind.ToString(),
            [LedgerPurge.RecordedAt] = _time.GetUtcNow(),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Deletes rows recorded before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _ensure.EnsureAsync(cancellationToken);
        return await LedgerPurge.DeleteOlderThanAsync(_table, cutoff, cancellationToken);
    }
}
