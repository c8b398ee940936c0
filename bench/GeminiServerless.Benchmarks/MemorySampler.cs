using System.Diagnostics;

namespace GeminiServerless.Benchmarks;

/// <summary>Samples this process's working set on a background thread and keeps the maximum.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Thread _thread;
    private readonly TimeSpan _interval;
    private volatile bool _stop;
    private long _max;
    private int _samples;

    public MemorySampler(TimeSpan interval)
    {
        _interval = interval;
        _thread = new Thread(Sample) { IsBackground = true, Name = "working-set sampler" };
        _thread.Start();
    }

    public long MaxWorkingSet => Interlocked.Read(ref _max);

    public int Samples => Volatile.Read(ref _samples);

    public static long CurrentWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    public static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    /// <summary>
    /// Resets the kernel's peak-RSS mark (Linux: <c>echo 5 &gt; /proc/self/clear_refs</c>), so that
    /// <see cref="PeakWorkingSet"/> afterwards covers only what follows. False where that is not possible.
    /// </summary>
    public static bool TryResetPeak()
    {
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                return false;
            }

            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        while (!_stop)
        {
            process.Refresh();
            var current = process.WorkingSet64;
            if (current > Interlocked.Read(ref _max))
            {
                Interlocked.Exchange(ref _max, current);
            }

            Interlocked.Increment(ref _samples);
            Thread.Sleep(_interval);
        }
    }
}
