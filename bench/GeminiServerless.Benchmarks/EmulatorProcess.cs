using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GeminiServerless.Benchmarks;

/// <summary>
/// The Gemini emulator as a child process (<c>dotnet run --project src/GeminiServerless.Emulator -c Release</c>), so
/// that its memory is not counted in this process's working set.
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EmulatorProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<EmulatorProcess> StartAsync(string repoRoot, TimeSpan startTimeout)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "run", "--project", Path.Combine("src", "GeminiServerless.Emulator"), "-c", "Release", "--no-launch-profile", "--", "--urls", baseUrl })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var emulator = new EmulatorProcess(process, baseUrl);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < startTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The emulator exited with code {process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, output.TakeLast(40))}");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/v1/files?pageSize=1");
                request.Headers.Add("x-goog-api-key", "bench");
                using var response = await probe.SendAsync(request);
                return emulator;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(500);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(500);
            }
        }

        await emulator.DisposeAsync();
        throw new TimeoutException($"The emulator did not answer within {startTimeout}:{Environment.NewLine}{string.Join(Environment.NewLine, output.TakeLast(40))}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
