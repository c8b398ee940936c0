using Azure;
using Azure.Data.Tables;

namespace GeminiServerless.Functions.Storage;

/// <summary>Deletes ledger rows by their <c>RecordedAt</c> time.</summary>
internal static class LedgerPurge
{
    public const string RecordedAt = "RecordedAt";

    public static async Task<int> DeleteOlderThanAsync(TableClient table, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var old = table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"RecordedAt lt {cutoff}"),
            select: ["PartitionKey", "RowKey"],
            cancellationToken: cancellationToken);
        await foreach (var row in old)
        {
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                deleted++;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted concurrently.
            }
        }

        return deleted;
    }
}
