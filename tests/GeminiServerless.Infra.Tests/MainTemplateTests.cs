using System.Text.Json;
using GeminiServerless.Infra.Tests.Infrastructure;

namespace GeminiServerless.Infra.Tests;

[Collection(DeploymentTestGroup.Name)]
public sealed class MainTemplateTests(DeploymentFixture fixture)
{
    [Fact]
    public void Main_template_targets_the_subscription()
    {
        var schema = fixture.Template.Root.GetProperty("$schema").GetString();

        Assert.Contains("subscriptionDeploymentTemplate.json", schema, StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_group_is_tagged_with_the_azd_environment_name()
    {
        var resourceGroup = fixture.Template.SingleDeployed("Microsoft.Resources/resourceGroups");

        var tags = resourceGroup.Resolve("tags").Value;

        Assert.Equal("[parameters('environmentName')]", tags.GetProperty("azd-env-name").GetString());
    }

    [Fact]
    public void Modules_deploy_into_the_resource_group()
    {
        var resourceGroupName = fixture.Template.SingleDeployed("Microsoft.Resources/resourceGroups").Name;

        Assert.All(fixture.Template.Modules, module =>
            Assert.Equal(resourceGroupName, module.DeploymentResource.Json.GetProperty("resourceGroup").GetString()));
    }

    [Fact]
    public void Resource_names_carry_the_resource_token()
    {
        var token = fixture.Template.Variable("resourceToken")?.GetString();
        Assert.Contains("uniqueString(subscription().id, parameters('environmentName'), parameters('location'))", token, StringComparison.Ordinal);

        var namedModules = new[] { "identity", "storage", "keyvault" };
        Assert.All(namedModules, name =>
            Assert.Contains("variables('resourceToken')", fixture.Template.Module(name).DeploymentResource.Get("properties.parameters.name.value").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Gemini_api_key_parameter_is_secure_and_has_no_default()
    {
        var declaration = fixture.Template.ParameterDeclaration("geminiApiKey");

        Assert.NotNull(declaration);
        Assert.Equal("securestring", declaration.Value.GetProperty("type").GetString());
        Assert.False(declaration.Value.TryGetProperty("defaultValue", out _));
    }

    [Fact]
    public void Secure_parameters_flow_only_into_secure_module_parameters_or_key_vault_secrets()
    {
        var leaks = new List<string>();
        foreach (var template in fixture.Template.SelfAndDescendants())
        {
            foreach (var secure in template.ParameterNames.Where(template.IsSecureParameter))
            {
                var use = $"parameters('{secure}')";
                if (template.Root.TryGetProperty("outputs", out var outputs) && ArmTemplate.Mentions(outputs, use))
                {
                    leaks.Add($"{template}: an output uses {secure}");
                }

                if (template.Root.TryGetProperty("variables", out var variables) && ArmTemplate.Mentions(variables, use))
                {
                    leaks.Add($"{template}: a variable uses {secure}");
                }

                foreach (var resource in template.Resources)
                {
                    leaks.AddRange(SecureParameterLeaks(template, resource, secure, use));
                }
            }
        }

        Assert.Empty(leaks);
    }

    [Fact]
    public void No_output_mentions_the_gemini_api_key()
    {
        foreach (var template in fixture.Template.SelfAndDescendants())
        {
            var outputs = template.Root.TryGetProperty("outputs", out var value) ? value : default;
            if (outputs.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            Assert.All(outputs.EnumerateObject(), output =>
            {
                Assert.False(ArmTemplate.Mentions(output.Value, "parameters('geminiApiKey')"), $"{template}: output {output.Name}");
                Assert.NotEqual("securestring", output.Value.GetProperty("type").GetString());
            });
        }
    }

    [Fact]
    public void Templates_never_read_keys_with_list_functions()
    {
        // listKeys / listSecrets / listConnectionStrings would put a credential in the deployment.
        var json = fixture.Build.StandardOutput;

        Assert.DoesNotMatch(@"\blist[A-Za-z]*\(", json);
    }

    [Theory]
    [InlineData("AZURE_LOCATION")]
    [InlineData("AZURE_TENANT_ID")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("RESOURCE_GROUP")]
    [InlineData("AZURE_FUNCTION_NAME")]
    [InlineData("SERVICE_API_NAME")]
    [InlineData("WEBHOOK_BASE_URL")]
    [InlineData("AZURE_KEY_VAULT_NAME")]
    [InlineData("AZURE_STORAGE_ACCOUNT_NAME")]
    public void Outputs_include_what_azd_and_the_hook_read(string name)
    {
        Assert.True(fixture.Template.Outputs.TryGetProperty(name, out _), $"No output {name}.");
    }

    [Fact]
    public void Webhook_base_url_output_is_the_app_url_plus_the_webhook_route()
    {
        var output = fixture.Template.Outputs.GetProperty("WEBHOOK_BASE_URL").GetProperty("value").GetString()!;

        Assert.Contains("'Microsoft.Resources/deployments', 'function-app')", output, StringComparison.Ordinal);
        Assert.Contains(".outputs.baseUrl.value", output, StringComparison.Ordinal);
        Assert.Equal("api/webhooks/gemini", fixture.Template.Variable("webhookRoute")?.GetString());
    }

    [Fact]
    public void Webhook_route_matches_the_host_route_prefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.RepositoryRoot, "host.json")));
        var prefix = host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();

        Assert.StartsWith($"{prefix}/", fixture.Template.Variable("webhookRoute")?.GetString(), StringComparison.Ordinal);
    }

    private static IEnumerable<string> SecureParameterLeaks(ArmTemplate template, ArmResource resource, string secure, string use)
    {
        if (resource.Type == "Microsoft.Resources/deployments" && resource.Properties.TryGetProperty("template", out _))
        {
            var module = template.Module(resource.Name);
            foreach (var passed in resource.Properties.GetProperty("parameters").EnumerateObject())
            {
                if (ArmTemplate.Mentions(passed.Value, use) && !module.IsSecureParameter(passed.Name))
                {
                    yield return $"{template}: {secure} passed to non-secure parameter {module}.{passed.Name}";
                }
            }

            var rest = resource.Json.EnumerateObject().Where(property => property.Name != "properties")
                .Concat(resource.Properties.EnumerateObject().Where(property => property.Name is not ("template" or "parameters")));
            if (rest.Any(property => ArmTemplate.Mentions(property.Value, use)))
            {
                yield return $"{template}: {secure} used outside the parameters of module {module}";
            }

            yield break;
        }

        if (resource.Type == "Microsoft.KeyVault/vaults/secrets")
        {
            var outsideValue = resource.Json.EnumerateObject().Where(property => property.Name != "properties")
                .Concat(resource.Properties.EnumerateObject().Where(property => property.Name != "value"));
            if (outsideValue.Any(property => ArmTemplate.Mentions(property.Value, use)))
            {
                yield return $"{template}: {secure} used in {resource} outside properties.value";
            }

            yield break;
        }

        if (ArmTemplate.Mentions(resource.Json, use))
        {
            yield return $"{template}: {secure} used in {resource}";
        }
    }
}
