using System.Text.Json;
using GeminiServerless.Infra.Tests.Infrastructure;

namespace GeminiServerless.Infra.Tests;

[Collection(DeploymentTestGroup.Name)]
public sealed class KeyVaultTests(DeploymentFixture fixture)
{
    private ArmResource Vault => fixture.Template.SingleDeployed("Microsoft.KeyVault/vaults");

    [Fact]
    public void Vault_uses_rbac_authorization()
    {
        Assert.Equal(JsonValueKind.True, Vault.Get("properties.enableRbacAuthorization").ValueKind);
    }

    [Fact]
    public void Vault_has_no_access_policies()
    {
        var hasPolicies = Vault.Properties.TryGetProperty("accessPolicies", out var policies)
            && policies.ValueKind == JsonValueKind.Array
            && policies.GetArrayLength() > 0;

        Assert.False(hasPolicies);
    }

    [Fact]
    public void Vault_keeps_soft_delete_on()
    {
        Assert.Equal(JsonValueKind.True, Vault.Get("properties.enableSoftDelete").ValueKind);
    }

    [Fact]
    public void Vault_is_not_open_to_template_deployments()
    {
        Assert.Equal(JsonValueKind.False, Vault.Get("properties.enabledForTemplateDeployment").ValueKind);
    }

    [Fact]
    public void Secret_value_comes_from_the_secure_gemini_api_key_parameter()
    {
        var secret = fixture.Template.SingleDeployed("Microsoft.KeyVault/vaults/secrets");

        var value = secret.Resolve("properties.value");

        Assert.True(value.IsMainParameter("geminiApiKey"), $"The secret value resolves to {value.Value} in {value.Scope}.");
        Assert.True(value.Scope.IsSecureParameter("geminiApiKey"));
    }
}
