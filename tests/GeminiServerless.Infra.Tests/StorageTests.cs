using System.Text.Json;
using System.Text.RegularExpressions;
using GeminiServerless.Infra.Tests.Infrastructure;

namespace GeminiServerless.Infra.Tests;

[Collection(DeploymentTestGroup.Name)]
public sealed partial class StorageTests(DeploymentFixture fixture)
{
    private ArmResource Account => fixture.Template.SingleDeployed("Microsoft.Storage/storageAccounts");

    [Fact]
    public void Shared_key_access_is_disabled()
    {
        Assert.Equal(JsonValueKind.False, Account.Get("properties.allowSharedKeyAccess").ValueKind);
    }

    [Fact]
    public void Entra_id_is_the_default_authentication_in_the_portal()
    {
        Assert.Equal(JsonValueKind.True, Account.Get("properties.defaultToOAuthAuthentication").ValueKind);
    }

    [Fact]
    public void Minimum_tls_version_is_1_2()
    {
        Assert.Equal("TLS1_2", Account.Get("properties.minimumTlsVersion").GetString());
    }

    [Fact]
    public void Only_https_traffic_is_accepted()
    {
        Assert.Equal(JsonValueKind.True, Account.Get("properties.supportsHttpsTrafficOnly").ValueKind);
    }

    [Fact]
    public void Public_blob_access_is_disallowed()
    {
        Assert.Equal(JsonValueKind.False, Account.Get("properties.allowBlobPublicAccess").ValueKind);
    }

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices")]
    [InlineData("Microsoft.Storage/storageAccounts/queueServices")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices")]
    public void Blob_queue_and_table_services_are_deployed(string serviceType)
    {
        // Durable Functions' Azure Storage backend uses all three.
        Assert.Single(fixture.Template.DeployedResourcesOfType(serviceType));
    }

    [Theory]
    [InlineData("inputs")]
    [InlineData("artifacts")]
    public void App_blob_containers_are_created(string container)
    {
        Assert.Contains(container, ChildNames("Microsoft.Storage/storageAccounts/blobServices/containers"));
    }

    [Fact]
    public void Deployment_package_container_is_created()
    {
        var names = fixture.Template.DeployedResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Select(container => container.Name);

        Assert.Contains(names, name => name.Contains("parameters('deploymentContainerName')", StringComparison.Ordinal));
    }

    [Fact]
    public void No_container_allows_public_access()
    {
        Assert.All(
            fixture.Template.DeployedResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            container => Assert.Equal("None", container.Get("properties.publicAccess").GetString()));
    }

    [Theory]
    [InlineData("pipeline-completed")]
    [InlineData("webhook-deadletter")]
    public void App_queues_are_created(string queue)
    {
        Assert.Contains(queue, ChildNames("Microsoft.Storage/storageAccounts/queueServices/queues"));
    }

    [Theory]
    [InlineData("webhookledger")]
    [InlineData("jobledger")]
    public void App_tables_are_created(string table)
    {
        Assert.Contains(table, ChildNames("Microsoft.Storage/storageAccounts/tableServices/tables"));
    }

    /// <summary>Last name segment of each child of a type; loops are expanded from the array they iterate.</summary>
    private List<string> ChildNames(string type)
    {
        var names = new List<string>();
        foreach (var child in fixture.Template.DeployedResourcesOfType(type))
        {
            var loop = LoopItem().Match(child.Name);
            if (loop.Success)
            {
                names.AddRange(child.Template.ResolveExpression($"parameters('{loop.Groups["name"].Value}')").AsStrings());
                continue;
            }

            var last = LastLiteralSegment().Match(child.Name);
            if (last.Success)
            {
                names.Add(last.Groups["name"].Value);
            }
        }

        return names;
    }

    [GeneratedRegex(@"parameters\('(?<name>[^']+)'\)\[copyIndex\(\)\]")]
    private static partial Regex LoopItem();

    [GeneratedRegex(@", '(?<name>[^']+)'\)\]$")]
    private static partial Regex LastLiteralSegment();
}
