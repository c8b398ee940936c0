using System.Text.Json;
using GeminiServerless.Infra.Tests.Infrastructure;

namespace GeminiServerless.Infra.Tests;

[Collection(DeploymentTestGroup.Name)]
public sealed class FunctionAppTests(DeploymentFixture fixture)
{
    private const string IdentityType = "Microsoft.ManagedIdentity/userAssignedIdentities";

    private ArmResource Site => fixture.Template.SingleDeployed("Microsoft.Web/sites");

    [Fact]
    public void Plan_is_flex_consumption_fc1()
    {
        var plan = fixture.Template.SingleDeployed("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", plan.Get("sku.name").GetString());
        Assert.Equal("FlexConsumption", plan.Get("sku.tier").GetString());
        Assert.Equal(JsonValueKind.True, plan.Get("properties.reserved").ValueKind);
    }

    [Fact]
    public void App_runs_on_the_flex_consumption_plan()
    {
        var serverFarm = Site.Get("properties.serverFarmId").GetString()!;

        Assert.Contains("Microsoft.Web/serverfarms", Site.Template.ReferencedResourceTypes(serverFarm));
    }

    [Fact]
    public void App_is_a_linux_function_app()
    {
        Assert.Equal("functionapp,linux", Site.Get("kind").GetString());
    }

    [Fact]
    public void Runtime_is_dotnet_isolated()
    {
        Assert.Equal("dotnet-isolated", Site.Resolve("properties.functionAppConfig.runtime.name").AsString());
    }

    [Fact]
    public void Runtime_version_is_10_0()
    {
        Assert.Equal("10.0", Site.Resolve("properties.functionAppConfig.runtime.version").AsString());
    }

    [Theory]
    [InlineData("instanceMemoryMB", 2048)]
    [InlineData("maximumInstanceCount", 100)]
    public void Scale_settings_are_main_template_parameters(string setting, int defaultValue)
    {
        var value = Site.Resolve($"properties.functionAppConfig.scaleAndConcurrency.{setting}");

        // The chain ends at the main template's parameter of the same name, whose default it takes.
        Assert.True(value.IsMainParameter(setting), $"{setting} resolves to {value.Value} in {value.Scope}.");
        Assert.Equal(defaultValue, value.Value.GetInt32());
    }

    [Fact]
    public void App_is_tagged_as_the_azd_api_service()
    {
        var tags = Site.Get("tags").GetString()!;

        Assert.Contains("createObject('azd-service-name', parameters('serviceName'))", tags, StringComparison.Ordinal);
        Assert.Equal("api", Site.Template.ResolveExpression("parameters('serviceName')").AsString());
    }

    [Fact]
    public void App_runs_as_the_user_assigned_identity_only()
    {
        Assert.Equal("UserAssigned", Site.Get("identity.type").GetString());
        var identities = Site.Get("identity.userAssignedIdentities").EnumerateObject().Select(identity => identity.Name).ToList();
        var identity = Assert.Single(identities);
        Assert.Contains(IdentityType, Site.Template.ReferencedResourceTypes(identity));
    }

    [Fact]
    public void Key_vault_references_resolve_with_the_user_assigned_identity()
    {
        var referenceIdentity = Unbracket(Site.Get("properties.keyVaultReferenceIdentity").GetString()!);
        var siteIdentity = Site.Get("identity.userAssignedIdentities").EnumerateObject().Single().Name;

        Assert.Contains(IdentityType, Site.Template.ReferencedResourceTypes(referenceIdentity));
        Assert.Contains(referenceIdentity, siteIdentity, StringComparison.Ordinal);
    }

    [Fact]
    public void Deployment_package_is_read_with_the_user_assigned_identity()
    {
        var authentication = Site.Get("properties.functionAppConfig.deployment.storage.authentication");

        Assert.Equal("UserAssignedIdentity", authentication.GetProperty("type").GetString());
        Assert.Contains(IdentityType, Site.Template.ReferencedResourceTypes(authentication.GetProperty("userAssignedIdentityResourceId").GetString()!));
    }

    [Fact]
    public void Deployment_package_container_is_the_one_the_storage_module_creates()
    {
        var storage = Site.Get("properties.functionAppConfig.deployment.storage");
        Assert.Equal("blobContainer", storage.GetProperty("type").GetString());
        var value = storage.GetProperty("value").GetString()!;
        Assert.Contains("primaryEndpoints.blob", value, StringComparison.Ordinal);
        Assert.Contains("parameters('deploymentContainerName')", value, StringComparison.Ordinal);

        var appContainer = Site.Template.ResolveExpression("parameters('deploymentContainerName')");
        var storageContainer = fixture.Template.Module("storage").ResolveExpression("parameters('deploymentContainerName')");

        Assert.True(appContainer.Scope.IsRoot && storageContainer.Scope.IsRoot);
        Assert.Equal(storageContainer.AsString(), appContainer.AsString());
    }

    [Fact]
    public void App_accepts_https_only()
    {
        Assert.Equal(JsonValueKind.True, Site.Get("properties.httpsOnly").ValueKind);
    }

    [Fact]
    public void App_requires_tls_1_2()
    {
        Assert.Equal("1.2", Site.Get("properties.siteConfig.minTlsVersion").GetString());
    }

    [Theory]
    [InlineData("scm")]
    [InlineData("ftp")]
    public void Basic_publishing_credentials_are_disabled(string policy)
    {
        var policies = fixture.Template.DeployedResourcesOfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .Where(resource => resource.Name.EndsWith($"'{policy}')]", StringComparison.Ordinal))
            .ToList();

        var resource = Assert.Single(policies);
        Assert.Equal(JsonValueKind.False, resource.Get("properties.allow").ValueKind);
    }

    private static string Unbracket(string expression) =>
        expression.StartsWith('[') && expression.EndsWith(']') ? expression[1..^1] : expression;
}
