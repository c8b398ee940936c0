using System.Text.RegularExpressions;
using GeminiServerless.Infra.Tests.Infrastructure;

namespace GeminiServerless.Infra.Tests;

[Collection(DeploymentTestGroup.Name)]
public sealed partial class BicepToolingTests(DeploymentFixture fixture)
{
    [Fact]
    public void Build_of_main_bicep_succeeds()
    {
        Assert.True(fixture.Build.ExitCode == 0, fixture.Build.Output);
        Assert.StartsWith("{", fixture.Build.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_reports_no_warnings_or_errors()
    {
        var diagnostics = DiagnosticLines(fixture.Build.StandardError);

        Assert.True(diagnostics.Count == 0, string.Join(Environment.NewLine, diagnostics));
    }

    [Fact]
    public void Lint_exits_with_zero()
    {
        Assert.True(fixture.Lint.ExitCode == 0, fixture.Lint.Output);
    }

    [Fact]
    public void Lint_reports_no_warnings_or_errors()
    {
        // `bicep lint` exits 0 even when it reports warnings: read what it prints.
        var diagnostics = DiagnosticLines(fixture.Lint.Output);

        Assert.True(diagnostics.Count == 0, string.Join(Environment.NewLine, diagnostics));
    }

    [Fact]
    public void Bicep_files_use_no_registry_modules()
    {
        // Native resources and local modules only, so the build needs no network.
        var offenders = Directory.EnumerateFiles(fixture.InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select(line => (file, line)))
            .Where(entry => RegistryModule().IsMatch(entry.line))
            .Select(entry => $"{Path.GetRelativePath(fixture.RepositoryRoot, entry.file)}: {entry.line.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Linter_configuration_does_not_switch_rules_off()
    {
        var config = File.ReadAllText(Path.Combine(fixture.InfraDirectory, "bicepconfig.json"));

        Assert.DoesNotMatch(@"""level""\s*:\s*""(off|info|none)""", config);
    }

    private static List<string> DiagnosticLines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => Diagnostic().IsMatch(line))
            .ToList();

    // e.g. "/path/main.bicep(12,3) : Warning no-unused-params: Parameter "x" is declared but never used."
    [GeneratedRegex(@"\)\s*:\s*(Warning|Error)\s", RegexOptions.IgnoreCase)]
    private static partial Regex Diagnostic();

    [GeneratedRegex(@"^\s*module\s+\S+\s+'(br|ts)[:/]")]
    private static partial Regex RegistryModule();
}
