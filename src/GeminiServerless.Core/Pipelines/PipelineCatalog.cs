using System.Collections.Frozen;

namespace GeminiServerless.Core.Pipelines;

/// <summary>Pipeline definitions by name.</summary>
public sealed class PipelineCatalog
{
    private readonly FrozenDictionary<string, PipelineDefinition> _definitions;

    public PipelineCatalog(IEnumerable<PipelineDefinition> definitions)
    {
        _definitions = definitions.ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _definitions.Keys;

    public bool TryGet(string name, out PipelineDefinition definition) => _definitions.TryGetValue(name, out definition!);

    public PipelineDefinition Get(string name) =>
        TryGet(name, out var d) ? d : throw new KeyNotFoundException($"Unknown pipeline '{name}'.");
}
