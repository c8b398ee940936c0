using GeminiServerless.Infra.Tests.Infrastructure;

namespace GeminiServerless.Infra.Tests;

/// <summary>
/// Runs the postprovision hooks the way azd does, with the environment's values as variables:
/// <c>infra/hooks/postprovision.sh</c> with sh, and <c>infra/hooks/postprovision.ps1</c> with PowerShell 7.
/// </summary>
[Collection(DeploymentTestGroup.Name)]
public sealed class PostprovisionHookTests(DeploymentFixture fixture)
{
    private const string WebhookBaseUrl = "https://func-api-abc123.azurewebsites.net/api/webhooks/gemini";
    private const string ApiKeySentinel = "AIza-sentinel-key-that-must-not-be-printed";

    private static readonly Dictionary<string, string?> _provisionedEnvironment = new()
    {
        ["WEBHOOK_BASE_URL"] = WebhookBaseUrl,
        ["AZURE_FUNCTION_NAME"] = "func-api-abc123",
        ["AZURE_FUNCTION_URL"] = "https://func-api-abc123.azurewebsites.net",
        ["AZURE_RESOURCE_GROUP"] = "rg-dev",
        ["AZURE_KEY_VAULT_NAME"] = "kv-abc123",
        ["AZURE_STORAGE_ACCOUNT_NAME"] = "stabc123",
        ["GEMINI_API_KEY"] = ApiKeySentinel,
    };

    public static TheoryData<string> Shells => new() { "sh", "pwsh" };

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task Hook_prints_the_per_job_webhook_url(string shell)
    {
        var result = await RunHookAsync(shell, _provisionedEnvironment);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{WebhookBaseUrl}/{{instanceId}}", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task Hook_tells_the_user_how_to_deploy_and_get_a_function_key(string shell)
    {
        var result = await RunHookAsync(shell, _provisionedEnvironment);

        Assert.Contains("azd deploy", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("az functionapp keys list -g rg-dev -n func-api-abc123", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task Hook_never_prints_the_gemini_api_key(string shell)
    {
        var result = await RunHookAsync(shell, _provisionedEnvironment);

        Assert.DoesNotContain(ApiKeySentinel, result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task Hook_does_not_fail_the_provision_when_outputs_are_missing(string shell)
    {
        var result = await RunHookAsync(shell, new Dictionary<string, string?> { ["WEBHOOK_BASE_URL"] = null });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("WEBHOOK_BASE_URL is not set", result.Output, StringComparison.Ordinal);
    }

    private Task<ProcessResult> RunHookAsync(string shell, IReadOnlyDictionary<string, string?> environment) =>
        shell == "sh"
            ? ProcessRunner.RunAsync("sh", [Path.Combine("infra", "hooks", "postprovision.sh")], fixture.RepositoryRoot, TimeSpan.FromSeconds(30), environment)
            : ProcessRunner.RunAsync(
                "dotnet",
                [fixture.PowerShellPath, "-NoLogo", "-NoProfile", "-NonInteractive", "-File", Path.Combine("infra", "hooks", "postprovision.ps1")],
                fixture.RepositoryRoot,
                TimeSpan.FromSeconds(60),
                environment);
}
