namespace GeminiServerless.Functions.Storage;

/// <summary>Runs a create-if-not-exists once per process; a failed run is tried again on the next call.</summary>
internal sealed class OnceAsync
{
    private readonly Func<CancellationToken, Task> _action;
    private Task? _task;

    public OnceAsync(Func<CancellationToken, Task> action) => _action = action;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _task);
        if (current is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            var started = _action(CancellationToken.None);
            current = Interlocked.CompareExchange(ref _task, started, current) == current ? started : Volatile.Read(ref _task)!;
        }

        return current.WaitAsync(cancellationToken);
    }
}
