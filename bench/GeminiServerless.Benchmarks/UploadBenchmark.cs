using System.Diagnostics;
using System.Globalization;
using GeminiServerless.Core.Gemini;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GeminiServerless.Benchmarks;

/// <summary>
/// Uploads a generated, non-seekable stream through <see cref="GeminiClient.UploadAsync"/> to the emulator (a child
/// process) and prints the throughput and how much the upload added to this process's peak working set.
/// Goal: a 1 GiB upload adds at most 64 MB.
/// </summary>
internal static class UploadBenchmark
{
    private const long DefaultSize = 1L << 30;
    private const long BudgetBytes = 64L * 1000 * 1000;
    private const double Mega = 1000 * 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var size = DefaultSize;
        string? emulatorUrl = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--emulator-url" && i + 1 < args.Length)
            {
                emulatorUrl = args[++i];
            }
            else
            {
                size = ParseSize(args[i]);
            }
        }

        await using var emulator = emulatorUrl is null ? await EmulatorProcess.StartAsync(FindRepoRoot(), TimeSpan.FromMinutes(5)) : null;
        var baseUrl = emulatorUrl ?? emulator!.BaseUrl;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gemini:ApiKey"] = "bench",
            ["Gemini:BaseUrl"] = baseUrl,
            ["Gemini:ApiVersion"] = "v1",
            ["Gemini:AttemptTimeout"] = "00:05:00",
        }).Build();
        await using var services = new ServiceCollection().AddGeminiClient(configuration).BuildServiceProvider();
        var files = services.GetRequiredService<IGeminiFiles>();

        // Warm-up: JIT, connection pool, the chunk buffer's pool bucket.
        var warm = await files.UploadAsync(new GeneratedStream(9L << 20), 9L << 20, "audio/mpeg", "bench-warm-up");
        await files.DeleteFileAsync(warm.Name!);

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var workingSetBefore = MemorySampler.CurrentWorkingSet();
        var peakBefore = MemorySampler.PeakWorkingSet();
        var peakReset = MemorySampler.TryResetPeak();
        var peakAfterReset = MemorySampler.PeakWorkingSet();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

        GeminiFile file;
        TimeSpan elapsed;
        long sampledMax;
        int samples;
        using (var sampler = new MemorySampler(TimeSpan.FromMilliseconds(10)))
        {
            var watch = Stopwatch.StartNew();
            file = await files.UploadAsync(new GeneratedStream(size), size, "audio/mpeg", "bench-upload");
            elapsed = watch.Elapsed;
            sampledMax = sampler.MaxWorkingSet;
            samples = sampler.Samples;
        }

        var peakAfter = MemorySampler.PeakWorkingSet();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var gcAfter = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        await files.DeleteFileAsync(file.Name!);

        var peakBaseline = peakReset ? workingSetBefore : peakBefore;
        var addedPeak = Math.Max(0, peakAfter - peakBaseline);
        var addedSampled = Math.Max(0, sampledMax - workingSetBefore);
        var added = Math.Max(addedPeak, addedSampled);
        var inv = CultureInfo.InvariantCulture;

        Console.WriteLine("Upload benchmark (GeminiClient.UploadAsync -> emulator child process)");
        Console.WriteLine(string.Format(inv, "  emulator                 {0}", baseUrl));
        Console.WriteLine(string.Format(inv, "  file                     {0} ({1} bytes, state {2})", file.Name, file.SizeBytes, file.State));
        Console.WriteLine(string.Format(inv, "  bytes                    {0:N0} ({1:0.###} GiB), chunk {2:N0} bytes", size, size / (double)(1L << 30), 8 << 20));
        Console.WriteLine(string.Format(inv, "  seconds                  {0:0.000}", elapsed.TotalSeconds));
        Console.WriteLine(string.Format(inv, "  throughput               {0:0.0} MB/s ({1:0.0} MiB/s)", size / Mega / elapsed.TotalSeconds, size / (double)(1 << 20) / elapsed.TotalSeconds));
        Console.WriteLine(string.Format(inv, "  working set before       {0:0.0} MB", workingSetBefore / Mega));
        Console.WriteLine(string.Format(inv, "  peak working set before  {0:0.0} MB (since process start){1}", peakBefore / Mega, peakReset ? string.Format(inv, "; reset to {0:0.0} MB before the upload", peakAfterReset / Mega) : "; could not be reset"));
        Console.WriteLine(string.Format(inv, "  peak working set after   {0:0.0} MB (Process.PeakWorkingSet64)", peakAfter / Mega));
        Console.WriteLine(string.Format(inv, "  sampled working set max  {0:0.0} MB ({1} samples every 10 ms)", sampledMax / Mega, samples));
        Console.WriteLine(string.Format(inv, "  added to peak            {0:0.0} MB (peak mark), {1:0.0} MB (sampled); budget {2:0} MB", addedPeak / Mega, addedSampled / Mega, BudgetBytes / Mega));
        Console.WriteLine(string.Format(inv, "  GC allocated             {0:N0} bytes ({1:0.00} bytes per uploaded byte)", allocated, allocated / (double)size));
        Console.WriteLine(string.Format(inv, "  GC collections           gen0 {0}, gen1 {1}, gen2 {2}", gcAfter.Item1 - gcBefore.Item1, gcAfter.Item2 - gcBefore.Item2, gcAfter.Item3 - gcBefore.Item3));
        var within = added <= BudgetBytes;
        Console.WriteLine(within ? "  result                   PASS (within budget)" : "  result                   FAIL (over budget)");
        return within ? 0 : 1;
    }

    private static long ParseSize(string value)
    {
        var units = new (string Suffix, long Factor)[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000) };
        foreach (var (suffix, factor) in units)
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return (long)(double.Parse(value[..^suffix.Length], CultureInfo.InvariantCulture) * factor);
            }
        }

        return long.Parse(value, CultureInfo.InvariantCulture);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GeminiServerless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("GeminiServerless.sln was not found above " + AppContext.BaseDirectory);
    }
}
