using System.Text.Json;
using GeminiServerless.Infra.Tests.Infrastructure;

namespace GeminiServerless.Infra.Tests;

[Collection(DeploymentTestGroup.Name)]
public sealed class MonitoringTests(DeploymentFixture fixture)
{
    [Fact]
    public void Application_insights_disables_local_authentication()
    {
        var component = fixture.Template.SingleDeployed("Microsoft.Insights/components");

        Assert.Equal(JsonValueKind.True, component.Get("properties.DisableLocalAuth").ValueKind);
    }

    [Fact]
    public void Log_analytics_disables_local_authentication()
    {
        var workspace = fixture.Template.SingleDeployed("Microsoft.OperationalInsights/workspaces");

        Assert.Equal(JsonValueKind.True, workspace.Get("properties.features.disableLocalAuth").ValueKind);
    }

    [Fact]
    public void Application_insights_sends_to_the_log_analytics_workspace()
    {
        var component = fixture.Template.SingleDeployed("Microsoft.Insights/components");

        var workspace = component.Get("properties.WorkspaceResourceId").GetString()!;

        Assert.Contains("Microsoft.OperationalInsights/workspaces", component.Template.ReferencedResourceTypes(workspace));
    }
}
