using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests.Conformance;

/// <summary>One case reported by <c>sdk-conformance.mjs</c>.</summary>
public sealed record SdkCaseResult(string Name, bool Ok, string? Error);

/// <summary>Where the conformance script and the Node packages it needs live.</summary>
public static partial class SdkConformanceScript
{
    public const string RelativePath = "tests/node/conformance/sdk-conformance.mjs";

    public static readonly IReadOnlyList<string> RequiredPackages = ["@google/genai", "jose", "standardwebhooks"];

    /// <summary>The directory holding <c>GeminiServerless.sln</c>, found by walking up from the test binaries.</summary>
    public static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GeminiServerless.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>The case names declared in the script (<c>await run('name', …)</c>), in order.</summary>
    public static IReadOnlyList<string> DeclaredCaseNames()
    {
        var root = FindRepoRoot();
        var script = root is null ? null : Path.Combine(root, RelativePath);
        if (script is null || !File.Exists(script))
        {
            return [$"({RelativePath} not found)"];
        }

        return DeclaredCase().Matches(File.ReadAllText(script)).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"^\s*await run\('([^']+)'", RegexOptions.Multiline)]
    private static partial Regex DeclaredCase();
}

/// <summary>
/// Starts the emulator in-process (API key enforced), runs <c>node tests/node/conformance/sdk-conformance.mjs</c>
/// against it once, and keeps the script's verdicts plus the emulator's request and delivery logs.
/// </summary>
public sealed class SdkConformanceFixture : IAsyncLifetime
{
    public static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    private TestEmulator? _emulator;

    /// <summary>Why the script could not be run or its output not read; null when it ran.</summary>
    public string? SetupError { get; private set; }

    public IReadOnlyDictionary<string, SdkCaseResult> Cases { get; private set; } = new Dictionary<string, SdkCaseResult>(StringComparer.Ordinal);

    public IReadOnlyList<string> ReportedOrder { get; private set; } = [];

    public int ExitCode { get; private set; } = -1;

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public string StandardOutput { get; private set; } = string.Empty;

    public string StandardError { get; private set; } = string.Empty;

    public JsonArray Requests { get; private set; } = [];

    public JsonArray Deliveries { get; private set; } = [];

    public string Diagnostics => $"{Environment.NewLine}--- stdout ---{Environment.NewLine}{StandardOutput}{Environment.NewLine}--- stderr ---{Environment.NewLine}{StandardError}";

    public async Task InitializeAsync()
    {
        var root = SdkConformanceScript.FindRepoRoot();
        if (root is null)
        {
            SetupError = $"GeminiServerless.sln not found above {AppContext.BaseDirectory}.";
            return;
        }

        var nodeDir = Path.Combine(root, "tests", "node");
        var missing = SdkConformanceScript.RequiredPackages
            .Where(p => !File.Exists(Path.Combine(nodeDir, "node_modules", p, "package.json")))
            .ToList();
        if (missing.Count > 0)
        {
            SetupError = $"Node packages missing ({string.Join(", ", missing)}): run 'npm ci' in {nodeDir}.";
            return;
        }

        _emulator = await TestEmulator.StartAsync(o => o.ApiKey = TestEmulator.ApiKey);
        try
        {
            await RunScriptAsync(root, _emulator.BaseUrl);
        }
        catch (Win32Exception ex)
        {
            SetupError = $"Could not start 'node' (Node.js 20 or later must be on PATH): {ex.Message}";
            return;
        }

        Requests = await ReadLogAsync("emulator/requests");
        Deliveries = await ReadLogAsync("emulator/deliveries");
        ParseVerdict();
    }

    public async Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    /// <summary>Fails the calling test when the script could not be run.</summary>
    public void AssertRan()
    {
        if (SetupError is not null)
        {
            Assert.Fail(SetupError);
        }
    }

    private async Task RunScriptAsync(string root, string emulatorUrl)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(root, SdkConformanceScript.RelativePath));
        info.ArgumentList.Add(emulatorUrl);
        info.Environment["NO_COLOR"] = "1";

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            StandardOutput = await stdout;
            StandardError = await stderr;
            SetupError = $"{SdkConformanceScript.RelativePath} did not finish within {ScriptTimeout.TotalSeconds:0} s.{Diagnostics}";
            return;
        }

        Elapsed = Stopwatch.GetElapsedTime(started);
        ExitCode = process.ExitCode;
        StandardOutput = await stdout;
        StandardError = await stderr;
    }

    private void ParseVerdict()
    {
        if (SetupError is not null)
        {
            return;
        }

        var last = StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        JsonNode? verdict = null;
        try
        {
            verdict = last is null ? null : JsonNode.Parse(last);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        if (verdict?["cases"] is not JsonArray cases)
        {
            SetupError = $"The last stdout line of {SdkConformanceScript.RelativePath} (exit code {ExitCode}) is not the JSON verdict.{Diagnostics}";
            return;
        }

        var results = cases.Select(c => new SdkCaseResult(
                c!["name"]!.GetValue<string>(),
                c["ok"]!.GetValue<bool>(),
                c["error"]?.GetValue<string>()))
            .ToList();
        ReportedOrder = results.Select(r => r.Name).ToList();
        Cases = results.ToDictionary(r => r.Name, StringComparer.Ordinal);
        Passed = verdict["passed"]!.GetValue<int>();
        Failed = verdict["failed"]!.GetValue<int>();
    }

    private async Task<JsonArray> ReadLogAsync(string path) =>
        (JsonArray)JsonNode.Parse(await _emulator!.Anonymous.GetStringAsync(path))!;
}
