using GeminiServerless.Functions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Maintenance;

/// <summary>Daily: deletes webhook- and job-ledger rows older than <c>Storage__LedgerRetention</c> (7 days).</summary>
public sealed class PurgeLedgers(
    WebhookDeliveryLedger webhooks,
    TableJobLedger jobs,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<PurgeLedgers> logger)
{
    public const string Schedule = "0 30 3 * * *";

    [Function(nameof(PurgeLedgers))]
    public async Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var (deliveries, stages) = await PurgeAsync(cancellationToken);
        logger.LogInformation("Purged {Deliveries} webhook-ledger and {Stages} job-ledger rows.", deliveries, stages);
    }

    public async Task<(int Deliveries, int Stages)> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.LedgerRetention;
        return (await webhooks.PurgeAsync(cutoff, cancellationToken), await jobs.PurgeAsync(cutoff, cancellationToken));
    }
}
