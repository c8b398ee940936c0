using System.Text.Json;
using System.Text.RegularExpressions;

namespace GeminiServerless.Infra.Tests.Infrastructure;

/// <summary>
/// A compiled ARM template: the root one, or the nested template of a module (a
/// <c>Microsoft.Resources/deployments</c> resource with <c>properties.template</c>). It follows the simple
/// expressions Bicep emits between a module and its parent: <c>[parameters('x')]</c> to the value the parent
/// passes (or the default value), <c>[variables('x')]</c> to the variable, and <c>reference('symbol')</c> to the
/// type of a symbolic resource. It handles both resource layouts: an array (languageVersion 1.0) and an
/// object keyed by symbolic name (languageVersion 2.0).
/// </summary>
public sealed partial class ArmTemplate
{
    private const string DeploymentType = "Microsoft.Resources/deployments";

    private readonly JsonElement? _parameterValues;
    private readonly Lazy<IReadOnlyList<ArmResource>> _resources;
    private readonly Lazy<IReadOnlyList<ArmTemplate>> _modules;

    private ArmTemplate(JsonElement root, string deploymentName, ArmTemplate? parent, JsonElement? parameterValues)
    {
        Root = root;
        DeploymentName = deploymentName;
        Parent = parent;
        _parameterValues = parameterValues;
        _resources = new Lazy<IReadOnlyList<ArmResource>>(ReadResources);
        _modules = new Lazy<IReadOnlyList<ArmTemplate>>(ReadModules);
    }

    public static ArmTemplate Parse(JsonElement root) => new(root, "main", parent: null, parameterValues: null);

    public JsonElement Root { get; }

    /// <summary>"main" for the root template, the deployment (module) name otherwise.</summary>
    public string DeploymentName { get; }

    public ArmTemplate? Parent { get; }

    public bool IsRoot => Parent is null;

    /// <summary>Resources declared in this template (not in nested ones).</summary>
    public IReadOnlyList<ArmResource> Resources => _resources.Value;

    /// <summary>Templates of the modules this template deploys.</summary>
    public IReadOnlyList<ArmTemplate> Modules => _modules.Value;

    public IEnumerable<ArmTemplate> SelfAndDescendants()
    {
        yield return this;
        foreach (var descendant in Modules.SelectMany(module => module.SelfAndDescendants()))
        {
            yield return descendant;
        }
    }

    /// <summary>Resources (not <c>existing</c> references) of one type, in this template and all nested ones.</summary>
    public IEnumerable<ArmResource> DeployedResourcesOfType(string type) =>
        SelfAndDescendants()
            .SelectMany(template => template.Resources)
            .Where(resource => !resource.IsExisting && string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The single deployed resource of a type anywhere in the tree.</summary>
    public ArmResource SingleDeployed(string type)
    {
        var matches = DeployedResourcesOfType(type).ToList();
        Assert.True(matches.Count == 1, $"Expected exactly one {type}, found {matches.Count}.");
        return matches[0];
    }

    public ArmTemplate Module(string deploymentName) =>
        Modules.SingleOrDefault(module => module.DeploymentName == deploymentName)
        ?? throw new Xunit.Sdk.XunitException($"No module deployment named '{deploymentName}' in '{DeploymentName}'.");

    /// <summary>The deployment resource in the parent that deploys this template.</summary>
    public ArmResource DeploymentResource =>
        Parent?.Resources.Single(resource => resource.Type == DeploymentType && resource.Name == DeploymentName)
        ?? throw new InvalidOperationException("The root template has no deployment resource.");

    public JsonElement? ParameterDeclaration(string name) =>
        Root.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty(name, out var declaration)
            ? declaration
            : null;

    public IEnumerable<string> ParameterNames =>
        Root.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateObject().Select(parameter => parameter.Name)
            : [];

    public bool IsSecureParameter(string name) =>
        ParameterDeclaration(name) is { } declaration
        && declaration.TryGetProperty("type", out var type)
        && type.GetString() is { } typeName
        && typeName.StartsWith("secure", StringComparison.OrdinalIgnoreCase);

    public JsonElement? Variable(string name) =>
        Root.TryGetProperty("variables", out var variables) && variables.TryGetProperty(name, out var value)
            ? value
            : null;

    public JsonElement Outputs => Root.GetProperty("outputs");

    /// <summary>
    /// Follows a value while it is exactly <c>[parameters('x')]</c> or <c>[variables('x')]</c>: a parameter to the
    /// value the parent deployment passes (evaluated in the parent) or else its default value; a variable to
    /// its value. Stops at anything else, including a root parameter that has no default.
    /// </summary>
    public ResolvedValue Resolve(JsonElement value)
    {
        var scope = this;
        var current = value;
        (ArmTemplate Scope, string Name)? lastParameter = null;
        for (var hops = 0; hops < 32; hops++)
        {
            if (current.ValueKind != JsonValueKind.String)
            {
                break;
            }

            var text = current.GetString()!;
            var parameter = ParameterExpression().Match(text);
            if (parameter.Success)
            {
                var name = parameter.Groups["name"].Value;
                lastParameter = (scope, name);
                if (scope._parameterValues is { } passed && passed.TryGetProperty(name, out var passedValue))
                {
                    current = passedValue.GetProperty("value");
                    scope = scope.Parent!;
                    continue;
                }

                if (scope.ParameterDeclaration(name) is { } declaration && declaration.TryGetProperty("defaultValue", out var defaultValue))
                {
                    current = defaultValue;
                    continue;
                }

                break;
            }

            var variable = VariableExpression().Match(text);
            if (variable.Success && scope.Variable(variable.Groups["name"].Value) is { } variableValue)
            {
                current = variableValue;
                continue;
            }

            break;
        }

        return new ResolvedValue(scope, current, lastParameter?.Scope, lastParameter?.Name);
    }

    /// <summary>Resolves an expression body (what goes between the brackets), e.g. <c>parameters('x')</c>.</summary>
    public ResolvedValue ResolveExpression(string expressionBody) =>
        Resolve(JsonSerializer.SerializeToElement($"[{expressionBody}]"));

    /// <summary>Replaces <c>variables('x')</c> and <c>variables('x').a.b</c> with their string literal values.</summary>
    public string InlineVariables(string expression) =>
        VariableAccess().Replace(expression, match =>
        {
            if (Variable(match.Groups["name"].Value) is not { } value)
            {
                return match.Value;
            }

            foreach (var member in match.Groups["members"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(member, out value))
                {
                    return match.Value;
                }
            }

            return value.ValueKind == JsonValueKind.String ? $"'{value.GetString()}'" : match.Value;
        });

    /// <summary>
    /// Types of the resources an expression reads: <c>reference('symbol')</c> (symbolic names),
    /// <c>resourceId('Type', …)</c> and <c>reference(resourceId('Type', …))</c>.
    /// </summary>
    public IReadOnlySet<string> ReferencedResourceTypes(string expression)
    {
        var types = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in SymbolicReference().Matches(expression))
        {
            if (Resources.FirstOrDefault(resource => resource.SymbolicName == match.Groups["symbol"].Value) is { } resource)
            {
                types.Add(resource.Type);
            }
        }

        foreach (Match match in ResourceIdCall().Matches(expression))
        {
            types.Add(match.Groups["type"].Value);
        }

        return types;
    }

    /// <summary>Whether an element (any string or property name inside it) mentions a text.</summary>
    public static bool Mentions(JsonElement element, string text) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Contains(text, StringComparison.Ordinal),
        JsonValueKind.Object => element.EnumerateObject().Any(property =>
            property.Name.Contains(text, StringComparison.Ordinal) || Mentions(property.Value, text)),
        JsonValueKind.Array => element.EnumerateArray().Any(item => Mentions(item, text)),
        _ => false,
    };

    public override string ToString() => DeploymentName;

    private List<ArmResource> ReadResources()
    {
        if (!Root.TryGetProperty("resources", out var resources))
        {
            return [];
        }

        return resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(property => new ArmResource(this, property.Name, property.Value)).ToList()
            : resources.EnumerateArray().Select(item => new ArmResource(this, null, item)).ToList();
    }

    private List<ArmTemplate> ReadModules() =>
        Resources
            .Where(resource => resource.Type == DeploymentType && resource.Properties.TryGetProperty("template", out _))
            .Select(resource => new ArmTemplate(
                resource.Properties.GetProperty("template"),
                resource.Name,
                this,
                resource.Properties.TryGetProperty("parameters", out var parameters) ? parameters : null))
            .ToList();

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    private static partial Regex ParameterExpression();

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$")]
    private static partial Regex VariableExpression();

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)(?<members>(\.\w+)*)")]
    private static partial Regex VariableAccess();

    [GeneratedRegex(@"reference\('(?<symbol>[^']+)'\)")]
    private static partial Regex SymbolicReference();

    [GeneratedRegex(@"resourceId\('(?<type>[A-Za-z0-9.]+/[A-Za-z0-9./]+)'")]
    private static partial Regex ResourceIdCall();
}

/// <summary>
/// A value and the template whose scope its expressions are evaluated in, plus the last parameter followed
/// to reach it (whose default value it may be).
/// </summary>
public sealed record ResolvedValue(ArmTemplate Scope, JsonElement Value, ArmTemplate? ParameterScope = null, string? Parameter = null)
{
    /// <summary>Whether the value is (the default of) a parameter of the main template.</summary>
    public bool IsMainParameter(string name) => ParameterScope is { IsRoot: true } && Parameter == name;

    public string? AsString() => Value.ValueKind == JsonValueKind.String ? Value.GetString() : null;

    public IReadOnlyList<string> AsStrings() =>
        Value.ValueKind == JsonValueKind.Array
            ? Value.EnumerateArray().Select(item => item.GetString() ?? string.Empty).ToList()
            : throw new Xunit.Sdk.XunitException($"Expected an array, got {Value}.");
}

/// <summary>One resource of a compiled template.</summary>
public sealed record ArmResource(ArmTemplate Template, string? SymbolicName, JsonElement Json)
{
    public string Type => Json.GetProperty("type").GetString()!;

    public string Name => Json.TryGetProperty("name", out var name) ? name.GetString() ?? string.Empty : string.Empty;

    public bool IsExisting => Json.TryGetProperty("existing", out var existing) && existing.ValueKind == JsonValueKind.True;

    public JsonElement Properties =>
        Json.TryGetProperty("properties", out var properties) ? properties : JsonSerializer.SerializeToElement(new { });

    public string? Scope => Json.TryGetProperty("scope", out var scope) ? scope.GetString() : null;

    public string? Condition => Json.TryGetProperty("condition", out var condition) && condition.ValueKind == JsonValueKind.String
        ? condition.GetString()
        : null;

    /// <summary>A property path under the resource, e.g. "properties.siteConfig.minTlsVersion".</summary>
    public JsonElement Get(string path)
    {
        var current = Json;
        foreach (var segment in path.Split('.'))
        {
            Assert.True(
                current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out current),
                $"{Type} '{Name}' has no '{path}'.");
        }

        return current;
    }

    /// <summary>A property path resolved through parameters and variables.</summary>
    public ResolvedValue Resolve(string path) => Template.Resolve(Get(path));

    public override string ToString() => $"{Type} {Name} ({Template})";
}
