using System.Reflection;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace GeminiServerless.Infra.Tests.Infrastructure;

/// <summary>
/// Builds and lints <c>infra/main.bicep</c> once with the Bicep CLI from the NuGet packages folder (the test
/// project downloads it), and loads the compiled ARM template, <c>azure.yaml</c> and the parameters file.
/// </summary>
public sealed class DeploymentFixture : IAsyncLifetime
{
    private const string BicepPackageId = "azure.bicep.commandline.linux-x64";
    private static readonly TimeSpan _bicepTimeout = TimeSpan.FromMinutes(3);

    private JsonDocument? _template;
    private ArmTemplate? _armTemplate;
    private JsonDocument? _parameters;

    public string RepositoryRoot { get; } = FindRepositoryRoot();

    public string InfraDirectory => Path.Combine(RepositoryRoot, "infra");

    public string MainBicepPath => Path.Combine(InfraDirectory, "main.bicep");

    public string BicepPath { get; private set; } = string.Empty;

    /// <summary>pwsh.dll of the PowerShell .NET tool package (run it with <c>dotnet</c>).</summary>
    public string PowerShellPath { get; } = LocatePackageFile("powershell", "PowerShellVersion", "tools", "net10.0", "any", "unix", "pwsh.dll");

    public ProcessResult Build { get; private set; } = new(-1, string.Empty, string.Empty);

    public ProcessResult Lint { get; private set; } = new(-1, string.Empty, string.Empty);

    /// <summary>The compiled main template; fails the calling test with the build output if the build failed.</summary>
    public ArmTemplate Template =>
        _armTemplate
        ?? throw new Xunit.Sdk.XunitException($"bicep build failed (exit {Build.ExitCode}):{Environment.NewLine}{Build.Output}");

    /// <summary><c>infra/main.parameters.json</c>.</summary>
    public JsonElement ParametersFile => _parameters!.RootElement;

    /// <summary>Root mapping of <c>azure.yaml</c>.</summary>
    public YamlMappingNode AzureYaml { get; private set; } = new();

    public async Task InitializeAsync()
    {
        BicepPath = LocateBicep();
        Build = await RunBicepAsync("build", MainBicepPath, "--stdout");
        if (Build.ExitCode == 0)
        {
            _template = JsonDocument.Parse(Build.StandardOutput);
            _armTemplate = ArmTemplate.Parse(_template.RootElement);
        }

        Lint = await RunBicepAsync("lint", MainBicepPath);

        _parameters = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(InfraDirectory, "main.parameters.json")));

        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepositoryRoot, "azure.yaml")))
        {
            yaml.Load(reader);
        }

        AzureYaml = (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    public Task DisposeAsync()
    {
        _template?.Dispose();
        _parameters?.Dispose();
        return Task.CompletedTask;
    }

    private Task<ProcessResult> RunBicepAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(BicepPath, arguments, RepositoryRoot, _bicepTimeout);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GeminiServerless.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No GeminiServerless.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>
    /// {packages}/azure.bicep.commandline.linux-x64/{version}/tools/bicep. Makes the file executable if needed.
    /// </summary>
    private static string LocateBicep()
    {
        var bicep = LocatePackageFile(BicepPackageId, "BicepCliVersion", "tools", "bicep");
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(bicep);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(bicep, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return bicep;
    }

    /// <summary>
    /// A file of a package that this project downloads (PackageDownload): {packages}/{id}/{version}/{path}, where
    /// {packages} is NUGET_PACKAGES, the packages folder this project restored into, or ~/.nuget/packages.
    /// </summary>
    private static string LocatePackageFile(string packageId, string versionKey, params string[] path)
    {
        var metadata = typeof(DeploymentFixture).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .ToDictionary(attribute => attribute.Key, attribute => attribute.Value);
        var version = metadata.GetValueOrDefault(versionKey)
            ?? throw new InvalidOperationException($"The test assembly does not record {versionKey}.");

        var candidates = new[]
            {
                Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
                metadata.GetValueOrDefault("NuGetPackageRoot"),
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            }
            .Where(root => !string.IsNullOrWhiteSpace(root))
            .Select(root => Path.Combine([root!, packageId, version, .. path]))
            .ToList();

        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"{packageId} {version} not found (restore tests/GeminiServerless.Infra.Tests first). Looked in: "
                + string.Join(", ", candidates));
    }
}

[CollectionDefinition(Name)]
public sealed class DeploymentTestGroup : ICollectionFixture<DeploymentFixture>
{
    public const string Name = "Deployment";
}
