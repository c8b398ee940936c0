using Microsoft.DurableTask;

namespace GeminiServerless.Functions.Orchestrations;

/// <summary>Retry policy of the activities (each one is safe to repeat).</summary>
public static class ActivityRetry
{
    public static TaskOptions Options { get; } = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5,
        firstRetryInterval: TimeSpan.FromSeconds(5),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromMinutes(5)));
}
