using GeminiServerless.Infra.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace GeminiServerless.Infra.Tests;

/// <summary><c>azure.yaml</c> and <c>infra/main.parameters.json</c>: what azd reads.</summary>
[Collection(DeploymentTestGroup.Name)]
public sealed class AzdProjectTests(DeploymentFixture fixture)
{
    [Fact]
    public void Api_service_points_at_the_functions_project()
    {
        var project = Scalar("services", "api", "project");

        Assert.Equal("src/GeminiServerless.Functions", project.TrimStart('.', '/').TrimEnd('/'));
        Assert.True(File.Exists(Path.Combine(fixture.RepositoryRoot, project, "GeminiServerless.Functions.csproj")));
    }

    [Fact]
    public void Api_service_language_is_dotnet()
    {
        Assert.Equal("dotnet", Scalar("services", "api", "language"));
    }

    [Fact]
    public void Api_service_host_is_function()
    {
        Assert.Equal("function", Scalar("services", "api", "host"));
    }

    [Fact]
    public void Api_is_the_only_service()
    {
        var services = (YamlMappingNode)fixture.AzureYaml.Children[new YamlScalarNode("services")];

        Assert.Equal(["api"], services.Children.Keys.Select(key => ((YamlScalarNode)key).Value));
    }

    [Theory]
    [InlineData("posix", "sh", ".sh")]
    [InlineData("windows", "pwsh", ".ps1")]
    public void Postprovision_hook_runs_a_script_for_the_shell(string platform, string shell, string extension)
    {
        Assert.Equal(shell, Scalar("hooks", "postprovision", platform, "shell"));

        var run = Scalar("hooks", "postprovision", platform, "run");
        Assert.EndsWith(extension, run, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(fixture.RepositoryRoot, run)), $"{run} does not exist.");
    }

    [Theory]
    [InlineData("environmentName", "${AZURE_ENV_NAME}")]
    [InlineData("location", "${AZURE_LOCATION}")]
    [InlineData("principalId", "${AZURE_PRINCIPAL_ID}")]
    [InlineData("geminiApiKey", "${GEMINI_API_KEY}")]
    public void Parameters_file_maps_the_azd_variable(string parameter, string variable)
    {
        var value = fixture.ParametersFile.GetProperty("parameters").GetProperty(parameter).GetProperty("value").GetString();

        Assert.Equal(variable, value);
    }

    [Fact]
    public void Parameters_file_sets_only_parameters_main_bicep_declares()
    {
        var declared = fixture.Template.ParameterNames.ToHashSet();

        Assert.All(fixture.ParametersFile.GetProperty("parameters").EnumerateObject(), parameter =>
            Assert.Contains(parameter.Name, declared));
    }

    [Fact]
    public void Parameters_file_holds_no_literal_secret()
    {
        // A secure parameter comes from the azd environment (prompted for if unset), never from the file.
        var parameters = fixture.ParametersFile.GetProperty("parameters");

        Assert.All(fixture.Template.ParameterNames.Where(fixture.Template.IsSecureParameter), name =>
            Assert.Matches(@"^\$\{[A-Z0-9_]+\}$", parameters.GetProperty(name).GetProperty("value").GetString()));
    }

    private string Scalar(params string[] path)
    {
        YamlNode node = fixture.AzureYaml;
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out node!), $"azure.yaml has no {string.Join('.', path)}.");
        }

        return Assert.IsType<YamlScalarNode>(node).Value ?? string.Empty;
    }
}
