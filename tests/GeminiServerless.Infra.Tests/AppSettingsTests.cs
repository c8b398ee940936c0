using System.Text.Json;
using GeminiServerless.Infra.Tests.Infrastructure;

namespace GeminiServerless.Infra.Tests;

/// <summary>The function app's settings (the <c>Microsoft.Web/sites/config</c> "appsettings" resource).</summary>
[Collection(DeploymentTestGroup.Name)]
public sealed class AppSettingsTests(DeploymentFixture fixture)
{
    private const string IdentityType = "Microsoft.ManagedIdentity/userAssignedIdentities";
    private const string StorageType = "Microsoft.Storage/storageAccounts";

    private ArmResource Config =>
        Assert.Single(fixture.Template.DeployedResourcesOfType("Microsoft.Web/sites/config"),
            resource => resource.Name.EndsWith("'appsettings')]", StringComparison.Ordinal));

    private ArmTemplate Scope => Config.Template;

    private Dictionary<string, string> Settings =>
        Config.Properties.EnumerateObject().ToDictionary(setting => setting.Name, setting => setting.Value.GetString() ?? string.Empty);

    [Theory]
    [InlineData("AzureWebJobsStorage__credential")]
    [InlineData("AzureWebJobsStorage__clientId")]
    [InlineData("AzureWebJobsStorage__blobServiceUri")]
    [InlineData("AzureWebJobsStorage__queueServiceUri")]
    [InlineData("AzureWebJobsStorage__tableServiceUri")]
    [InlineData("AzureFunctionsJobHost__extensions__durableTask__hubName")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")]
    [InlineData("Gemini__ApiKey")]
    [InlineData("Gemini__BaseUrl")]
    [InlineData("Gemini__ApiVersion")]
    [InlineData("Webhooks__PublicBaseUrl")]
    [InlineData("Webhooks__JwksUrl")]
    [InlineData("Webhooks__Issuer")]
    [InlineData("Webhooks__Audience")]
    public void Setting_the_app_reads_is_present(string name)
    {
        Assert.Contains(name, Settings.Keys);
    }

    [Fact]
    public void Host_storage_uses_the_managed_identity_credential()
    {
        Assert.Equal("managedidentity", Settings["AzureWebJobsStorage__credential"]);
    }

    [Fact]
    public void Host_storage_client_id_is_the_user_assigned_identity()
    {
        var clientId = Settings["AzureWebJobsStorage__clientId"];

        Assert.EndsWith(".clientId]", clientId, StringComparison.Ordinal);
        Assert.Equal([IdentityType], Scope.ReferencedResourceTypes(clientId));
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__blobServiceUri", "blob")]
    [InlineData("AzureWebJobsStorage__queueServiceUri", "queue")]
    [InlineData("AzureWebJobsStorage__tableServiceUri", "table")]
    public void Host_storage_service_uri_is_the_account_endpoint(string name, string service)
    {
        var uri = Settings[name];

        Assert.EndsWith($".primaryEndpoints.{service}]", uri, StringComparison.Ordinal);
        Assert.Equal([StorageType], Scope.ReferencedResourceTypes(uri));
    }

    [Fact]
    public void Host_storage_has_no_connection_string_or_account_key()
    {
        Assert.DoesNotContain("AzureWebJobsStorage", Settings.Keys);
        Assert.DoesNotContain(Settings.Keys, name => name.Contains("accountKey", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Settings.Keys, name => name.Contains("__connectionString", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void No_setting_holds_a_secret_value()
    {
        foreach (var (name, value) in Settings)
        {
            var resolved = Scope.Resolve(JsonSerializer.SerializeToElement(value));
            var text = resolved.Value.ToString();

            Assert.False(
                resolved.Value.ValueKind == JsonValueKind.String
                && resolved.AsString() is { } parameter
                && parameter.StartsWith("[parameters('", StringComparison.Ordinal)
                && resolved.Scope.IsSecureParameter(parameter["[parameters('".Length..^"')]".Length]),
                $"{name} is a secure parameter.");
            Assert.DoesNotMatch(@"\blist[A-Za-z]*\(", text);
            Assert.DoesNotMatch("(?i)(AccountKey=|SharedAccessSignature=|[?&]sig=|InstrumentationKey=)", text);
            Assert.DoesNotContain("geminiApiKey')", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Gemini_api_key_is_a_key_vault_reference()
    {
        Assert.Equal("[format('@Microsoft.KeyVault(SecretUri={0})', parameters('geminiApiKeySecretUri'))]", Settings["Gemini__ApiKey"]);
    }

    [Fact]
    public void Gemini_api_key_reference_points_at_the_vault_secret()
    {
        var secretUri = Scope.ResolveExpression("parameters('geminiApiKeySecretUri')").AsString()!;
        Assert.Contains("'Microsoft.Resources/deployments', 'keyvault')", secretUri, StringComparison.Ordinal);
        Assert.Contains(".outputs.geminiApiKeySecretUri.value", secretUri, StringComparison.Ordinal);

        var keyVault = fixture.Template.Module("keyvault");
        var output = keyVault.Outputs.GetProperty("geminiApiKeySecretUri").GetProperty("value").GetString()!;
        Assert.EndsWith(".secretUri]", output, StringComparison.Ordinal);
        Assert.Equal(["Microsoft.KeyVault/vaults/secrets"], keyVault.ReferencedResourceTypes(output));
    }

    [Fact]
    public void Application_insights_authenticates_with_the_user_assigned_identity()
    {
        var authentication = Settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];

        Assert.StartsWith("[format('ClientId={0};Authorization=AAD', ", authentication, StringComparison.Ordinal);
        Assert.Equal([IdentityType], Scope.ReferencedResourceTypes(authentication));
    }

    [Fact]
    public void Application_insights_connection_string_is_read_from_the_component()
    {
        var connectionString = Settings["APPLICATIONINSIGHTS_CONNECTION_STRING"];

        Assert.EndsWith(".ConnectionString]", connectionString, StringComparison.Ordinal);
        Assert.Equal(["Microsoft.Insights/components"], Scope.ReferencedResourceTypes(connectionString));
    }

    [Fact]
    public void Webhooks_public_base_url_is_built_from_the_site_default_host_name()
    {
        var baseUrl = Settings["Webhooks__PublicBaseUrl"];

        Assert.StartsWith("[format('https://{0}', ", baseUrl, StringComparison.Ordinal);
        Assert.EndsWith(".defaultHostName)]", baseUrl, StringComparison.Ordinal);
        Assert.Equal(["Microsoft.Web/sites"], Scope.ReferencedResourceTypes(baseUrl));
    }

    [Theory]
    [InlineData("Gemini__BaseUrl", "https://generativelanguage.googleapis.com")]
    [InlineData("Gemini__ApiVersion", "v1beta")]
    [InlineData("Webhooks__JwksUrl", "https://generativelanguage.googleapis.com/.well-known/jwks.json")]
    [InlineData("Webhooks__Issuer", "")]
    [InlineData("Webhooks__Audience", "")]
    [InlineData("AzureFunctionsJobHost__extensions__durableTask__hubName", "GeminiServerlessHub")]
    public void Setting_defaults_to(string name, string expected)
    {
        var value = Scope.Resolve(JsonSerializer.SerializeToElement(Settings[name]));

        Assert.Equal(expected, value.AsString());
    }

    [Fact]
    public void Durable_task_hub_default_matches_host_json()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.RepositoryRoot, "host.json")));
        var hubName = host.RootElement.GetProperty("extensions").GetProperty("durableTask").GetProperty("hubName").GetString();

        var setting = Scope.Resolve(JsonSerializer.SerializeToElement(Settings["AzureFunctionsJobHost__extensions__durableTask__hubName"]));

        Assert.Equal(hubName, setting.AsString());
    }

    [Fact]
    public void Settings_belong_to_the_function_app()
    {
        var site = fixture.Template.SingleDeployed("Microsoft.Web/sites");

        Assert.Same(site.Template, Config.Template);
        Assert.StartsWith($"[format('{{0}}/{{1}}', {site.Name[1..^1]}, ", Config.Name, StringComparison.Ordinal);
    }
}
