using GeminiServerless.Core.Pipelines;
using GeminiServerless.Functions.Maintenance;
using GeminiServerless.Functions.Storage;
using GeminiServerless.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GeminiServerless.Integration.Tests;

/// <summary>The Table-storage ledgers against Azurite.</summary>
[Collection(IntegrationGroup.Name)]
public sealed class LedgerTests(AzuriteFixture azurite)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    private (WebhookDeliveryLedger Webhooks, TableJobLedger Jobs, IOptions<StorageOptions> Options) Create()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var options = Options.Create(new StorageOptions { WebhookLedgerTable = "hooks" + suffix, JobLedgerTable = "jobs" + suffix });
        var clients = new StorageClients(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString }).Build(), "AzureWebJobsStorage");
        return (new WebhookDeliveryLedger(clients, options, _time), new TableJobLedger(clients, options, _time), options);
    }

    [Fact]
    public async Task Webhook_ledger_remembers_a_delivery_per_instance()
    {
        var (webhooks, _, _) = Create();

        await webhooks.RecordRaisedAsync("p-1:0-transcribe", "msg_1", "batch.succeeded", CancellationToken.None);

        Assert.True(await webhooks.WasRaisedAsync("p-1:0-transcribe", "msg_1", CancellationToken.None));
        Assert.False(await webhooks.WasRaisedAsync("p-1:1-summarize", "msg_1", CancellationToken.None));
        Assert.False(await webhooks.WasRaisedAsync("p-1:0-transcribe", "msg_2", CancellationToken.None));
    }

    [Fact]
    public async Task Keys_with_characters_tables_forbid_still_round_trip()
    {
        var (webhooks, jobs, _) = Create();

        await webhooks.RecordRaisedAsync("p-1:0-trans/cribe#?", "sha256:ab/cd\\ef", "batch.succeeded", CancellationToken.None);
        await jobs.RecordAsync("p-1:0-trans/cribe#?", new JobRef(JobKind.Batch, "batches/x"), CancellationToken.None);

        Assert.True(await webhooks.WasRaisedAsync("p-1:0-trans/cribe#?", "sha256:ab/cd\\ef", CancellationToken.None));
        Assert.Equal("batches/x", (await jobs.GetAsync("p-1:0-trans/cribe#?", CancellationToken.None))!.Job!.Name);
    }

    [Fact]
    public async Task Job_ledger_counts_attempts_and_keeps_the_job()
    {
        var (_, jobs, _) = Create();

        await jobs.MarkAttemptAsync("p-2:0-transcribe", CancellationToken.None);
        await jobs.MarkAttemptAsync("p-2:0-transcribe", CancellationToken.None);
        var beforeCreate = await jobs.GetAsync("p-2:0-transcribe", CancellationToken.None);
        await jobs.RecordAsync("p-2:0-transcribe", new JobRef(JobKind.Batch, "batches/b"), CancellationToken.None);
        var after = await jobs.GetAsync("p-2:0-transcribe", CancellationToken.None);

        Assert.Equal(new JobLedgerEntry(2, null), beforeCreate);
        Assert.Equal(new JobLedgerEntry(2, new JobRef(JobKind.Batch, "batches/b")), after);
        Assert.Null(await jobs.GetAsync("p-unknown", CancellationToken.None));
    }

    [Fact]
    public async Task Purge_deletes_only_rows_older_than_the_retention()
    {
        var (webhooks, jobs, options) = Create();
        await webhooks.RecordRaisedAsync("p-old:0-transcribe", "msg_old", "batch.succeeded", CancellationToken.None);
        await jobs.RecordAsync("p-old:0-transcribe", new JobRef(JobKind.Batch, "batches/old"), CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(6));
        await webhooks.RecordRaisedAsync("p-new:0-transcribe", "msg_new", "batch.succeeded", CancellationToken.None);
        await jobs.RecordAsync("p-new:0-transcribe", new JobRef(JobKind.Batch, "batches/new"), CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(2));

        var (deliveries, stages) = await new PurgeLedgers(webhooks, jobs, options, _time, NullLogger<PurgeLedgers>.Instance).PurgeAsync(CancellationToken.None);

        Assert.Equal((1, 1), (deliveries, stages));
        Assert.False(await webhooks.WasRaisedAsync("p-old:0-transcribe", "msg_old", CancellationToken.None));
        Assert.True(await webhooks.WasRaisedAsync("p-new:0-transcribe", "msg_new", CancellationToken.None));
        Assert.Null(await jobs.GetAsync("p-old:0-transcribe", CancellationToken.None));
        Assert.NotNull(await jobs.GetAsync("p-new:0-transcribe", CancellationToken.None));
    }
}
