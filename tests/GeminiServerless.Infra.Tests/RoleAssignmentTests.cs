using System.Text.RegularExpressions;
using GeminiServerless.Infra.Tests.Infrastructure;

namespace GeminiServerless.Infra.Tests;

[Collection(DeploymentTestGroup.Name)]
public sealed partial class RoleAssignmentTests(DeploymentFixture fixture)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

    private const string Storage = "Microsoft.Storage/storageAccounts";
    private const string ApplicationInsights = "Microsoft.Insights/components";
    private const string KeyVault = "Microsoft.KeyVault/vaults";

    // The module that creates each scope's resource, and the output that names it.
    private static readonly Dictionary<string, (string Module, string Output)> _moduleOfScopeType = new()
    {
        [Storage] = ("storage", "name"),
        [ApplicationInsights] = ("monitoring", "applicationInsightsName"),
        [KeyVault] = ("keyvault", "name"),
    };

    private List<Assignment> Assignments =>
        fixture.Template.DeployedResourcesOfType("Microsoft.Authorization/roleAssignments").Select(Describe).ToList();

    [Theory]
    [InlineData("Storage Blob Data Owner", StorageBlobDataOwner, Storage)]
    [InlineData("Storage Queue Data Contributor", StorageQueueDataContributor, Storage)]
    [InlineData("Storage Table Data Contributor", StorageTableDataContributor, Storage)]
    [InlineData("Monitoring Metrics Publisher", MonitoringMetricsPublisher, ApplicationInsights)]
    [InlineData("Key Vault Secrets User", KeyVaultSecretsUser, KeyVault)]
    public void Managed_identity_holds_role_on_its_resource(string role, string roleId, string scopeType)
    {
        var assignment = Assert.Single(Assignments, assignment => assignment.RoleId == roleId && assignment.Principal == Principal.ManagedIdentity);

        Assert.True(scopeType == assignment.ScopeType, $"{role} is scoped to {assignment.Resource.Scope}.");
        Assert.True(assignment.ScopeIsModuleResource, $"{role} scope does not resolve to the {_moduleOfScopeType[scopeType].Module} module's resource.");
        Assert.Equal("ServicePrincipal", assignment.Resource.Get("properties.principalType").GetString());
        Assert.Null(assignment.Resource.Condition);
    }

    [Theory]
    [InlineData("Storage Blob Data Owner", StorageBlobDataOwner, Storage)]
    [InlineData("Storage Queue Data Contributor", StorageQueueDataContributor, Storage)]
    [InlineData("Storage Table Data Contributor", StorageTableDataContributor, Storage)]
    [InlineData("Key Vault Secrets Officer", KeyVaultSecretsOfficer, KeyVault)]
    public void Deploying_user_optionally_holds_role_on_its_resource(string role, string roleId, string scopeType)
    {
        var assignment = Assert.Single(Assignments, assignment => assignment.RoleId == roleId && assignment.Principal == Principal.DeployingUser);

        Assert.True(scopeType == assignment.ScopeType, $"{role} is scoped to {assignment.Resource.Scope}.");
        Assert.True(assignment.ScopeIsModuleResource, $"{role} scope does not resolve to the {_moduleOfScopeType[scopeType].Module} module's resource.");
        Assert.Equal("[parameters('principalType')]", assignment.Resource.Get("properties.principalType").GetString());
    }

    [Fact]
    public void Deploying_user_roles_are_granted_only_when_a_principal_id_is_given()
    {
        var userAssignments = Assignments.Where(assignment => assignment.Principal == Principal.DeployingUser).ToList();

        Assert.NotEmpty(userAssignments);
        Assert.All(userAssignments, assignment =>
        {
            Assert.NotNull(assignment.Resource.Condition);
            var condition = assignment.Resource.Template.Resolve(assignment.Resource.Json.GetProperty("condition")).AsString();
            Assert.Equal("[not(empty(parameters('principalId')))]", condition);
        });
    }

    [Fact]
    public void Every_role_assignment_is_scoped_to_a_single_resource()
    {
        // No assignment at resource-group or subscription scope: each one names its resource.
        Assert.All(Assignments, assignment =>
            Assert.True(_moduleOfScopeType.ContainsKey(assignment.ScopeType), $"{assignment.Resource} is scoped to '{assignment.Resource.Scope}'."));
    }

    [Fact]
    public void Every_role_assignment_goes_to_a_known_principal()
    {
        Assert.All(Assignments, assignment => Assert.NotEqual(Principal.Unknown, assignment.Principal));
    }

    [Fact]
    public void No_role_beyond_the_expected_ones_is_granted()
    {
        string[] expected = [StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor, MonitoringMetricsPublisher, KeyVaultSecretsUser, KeyVaultSecretsOfficer];

        Assert.All(Assignments, assignment => Assert.Contains(assignment.RoleId, expected));
        Assert.Equal(9, Assignments.Count);
    }

    [Fact]
    public void Role_assignment_names_are_deterministic()
    {
        // guid(scope, principal, role): re-running `azd provision` updates instead of duplicating.
        Assert.All(Assignments, assignment => Assert.StartsWith("[guid(", assignment.Resource.Name, StringComparison.Ordinal));
    }

    private static Assignment Describe(ArmResource resource)
    {
        var template = resource.Template;
        var roleDefinition = template.InlineVariables(resource.Get("properties.roleDefinitionId").GetString()!);
        var roleId = Guid().Match(roleDefinition).Value;

        var scope = ScopeExpression().Match(resource.Scope ?? string.Empty);
        var scopeType = scope.Success ? scope.Groups["type"].Value : string.Empty;
        var scopeIsModuleResource = false;
        if (scope.Success && _moduleOfScopeType.TryGetValue(scopeType, out var source))
        {
            var name = template.ResolveExpression($"parameters('{scope.Groups["parameter"].Value}')").AsString() ?? string.Empty;
            scopeIsModuleResource = name.Contains($"'Microsoft.Resources/deployments', '{source.Module}')", StringComparison.Ordinal)
                && name.Contains($".outputs.{source.Output}.value", StringComparison.Ordinal);
        }

        var principal = template.Resolve(resource.Get("properties.principalId"));
        var principalText = principal.AsString() ?? string.Empty;
        var kind = principal.IsMainParameter("principalId") ? Principal.DeployingUser
            : principalText.Contains("'Microsoft.Resources/deployments', 'identity')", StringComparison.Ordinal)
              && principalText.Contains(".outputs.principalId.value", StringComparison.Ordinal) ? Principal.ManagedIdentity
            : Principal.Unknown;

        return new Assignment(resource, roleId, scopeType, scopeIsModuleResource, kind);
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"^\[resourceId\('(?<type>[^']+)', parameters\('(?<parameter>[^']+)'\)\)\]$")]
    private static partial Regex ScopeExpression();

    private enum Principal
    {
        Unknown,
        ManagedIdentity,
        DeployingUser,
    }

    private sealed record Assignment(ArmResource Resource, string RoleId, string ScopeType, bool ScopeIsModuleResource, Principal Principal);
}
