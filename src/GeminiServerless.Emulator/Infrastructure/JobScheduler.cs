namespace GeminiServerless.Emulator.Infrastructure;

/// <summary>Runs job state transitions on the thread pool after a delay measured by the <see cref="TimeProvider"/>.</summary>
internal sealed class JobScheduler(TimeProvider time, IHostApplicationLifetime lifetime, ILogger<JobScheduler> logger)
{
    /// <summary>The due time is fixed now (not when a thread picks the work up), so a fake clock sees it at once.</summary>
    public void After(TimeSpan delay, Func<Task> work)
    {
        var wait = Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, time, lifetime.ApplicationStopping);
        _ = RunAfterAsync(wait, work);
    }

    public void After(TimeSpan delay, Action work) => After(delay, () =>
    {
        work();
        return Task.CompletedTask;
    });

    private async Task RunAfterAsync(Task wait, Func<Task> work)
    {
        try
        {
            await wait;
            await Task.Run(work);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failing transition must not crash the host; it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "Scheduled job transition failed");
        }
    }
}
