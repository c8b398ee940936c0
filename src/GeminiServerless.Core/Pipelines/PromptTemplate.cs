using System.Text;
using System.Text.RegularExpressions;

namespace GeminiServerless.Core.Pipelines;

/// <summary>A reference inside a template: <c>{{input.name}}</c> or <c>{{stages.name.text}}</c>.</summary>
public readonly record struct TemplateReference(string Scope, string Name)
{
    public const string InputScope = "input";
    public const string StagesScope = "stages";
}

/// <summary>Resolves <c>{{…}}</c> placeholders in prompt templates.</summary>
public static partial class PromptTemplate
{
    [GeneratedRegex(@"\{\{\s*(?<scope>input|stages)\.(?<name>[A-Za-z0-9_-]+)(?:\.text)?\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>Every reference in a template, in order.</summary>
    public static IReadOnlyList<TemplateReference> References(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Placeholder().Matches(template)
            .Select(m => new TemplateReference(m.Groups["scope"].Value, m.Groups["name"].Value))
            .ToList();
    }

    /// <summary>Parses a media placeholder such as <c>{{input.audio}}</c>.</summary>
    public static TemplateReference ParseSingle(string placeholder)
    {
        var match = Placeholder().Match(placeholder ?? "");
        if (!match.Success || match.Length != placeholder!.Trim().Length)
        {
            throw new FormatException($"'{placeholder}' is not a single {{{{input.x}}}} or {{{{stages.x.text}}}} placeholder.");
        }

        return new TemplateReference(match.Groups["scope"].Value, match.Groups["name"].Value);
    }

    /// <summary>Replaces every placeholder with the value <paramref name="resolve"/> gives for it.</summary>
    public static async Task<string> RenderAsync(string template, Func<TemplateReference, Task<string>> resolve)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(resolve);
        var builder = new StringBuilder(template.Length);
        var last = 0;
        foreach (Match match in Placeholder().Matches(template))
        {
            builder.Append(template, last, match.Index - last);
            builder.Append(await resolve(new TemplateReference(match.Groups["scope"].Value, match.Groups["name"].Value)));
            last = match.Index + match.Length;
        }

        builder.Append(template, last, template.Length - last);
        return builder.ToString();
    }
}
