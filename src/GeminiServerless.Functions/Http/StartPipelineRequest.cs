using System.Text.Json;
using System.Text.RegularExpressions;
using GeminiServerless.Core.Pipelines;

namespace GeminiServerless.Functions.Http;

/// <summary>A validated <c>POST /api/pipelines</c> body.</summary>
public sealed record StartPipelineRequest(PipelineDefinition Definition, IReadOnlyDictionary<string, string> Input, string? IdempotencyKey, string? CallbackUrl = null);

/// <summary>Parses and validates the start request against the pipeline's input definitions.</summary>
public static partial class StartPipelineRequestParser
{
    public const int MaxIdempotencyKeyLength = 200;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._\-/ ]{0,1023}$", RegexOptions.CultureInvariant)]
    private static partial Regex BlobName();

    /// <summary>Returns the request, or the list of problems (field → message).</summary>
    public static (StartPipelineRequest? Request, Dictionary<string, string> Errors) Parse(ReadOnlySpan<byte> body, PipelineCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            errors["body"] = $"The body is not valid JSON: {ex.Message}";
            return (null, errors);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = "The body must be a JSON object.";
                return (null, errors);
            }

            var pipelineName = GetString(root, "pipeline");
            if (string.IsNullOrEmpty(pipelineName))
            {
                errors["pipeline"] = $"Required. Known pipelines: {string.Join(", ", catalog.Names)}.";
                return (null, errors);
            }

            if (!catalog.TryGet(pipelineName, out var definition))
            {
                errors["pipeline"] = $"Unknown pipeline '{pipelineName}'. Known pipelines: {string.Join(", ", catalog.Names)}.";
                return (null, errors);
            }

            string? key = null;
            if (root.TryGetProperty("idempotencyKey", out var keyElement) && keyElement.ValueKind != JsonValueKind.Null)
            {
                key = keyElement.ValueKind == JsonValueKind.String ? keyElement.GetString() : null;
                if (string.IsNullOrWhiteSpace(key) || key.Length > MaxIdempotencyKeyLength)
                {
                    errors["idempotencyKey"] = $"Must be a non-empty string of at most {MaxIdempotencyKeyLength} characters.";
                }
            }

            string? callbackUrl = null;
            if (root.TryGetProperty("callbackUrl", out var callbackElement) && callbackElement.ValueKind != JsonValueKind.Null)
            {
                callbackUrl = callbackElement.ValueKind == JsonValueKind.String ? callbackElement.GetString() : null;
                if (string.IsNullOrWhiteSpace(callbackUrl))
                {
                    errors["callbackUrl"] = "Must be a URL string.";
                }
            }

            var input = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!root.TryGetProperty("input", out var inputElement) || inputElement.ValueKind != JsonValueKind.Object)
            {
                errors["input"] = "Required: an object with the pipeline's inputs.";
                return (null, errors);
            }

            var known = definition.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
            foreach (var property in inputElement.EnumerateObject())
            {
                if (!known.ContainsKey(property.Name))
                {
                    errors[$"input.{property.Name}"] = $"Unknown input. This pipeline takes: {string.Join(", ", known.Keys)}.";
                }
            }

            foreach (var spec in definition.Inputs)
            {
                var field = $"input.{spec.Name}";
                string? value = null;
                if (inputElement.TryGetProperty(spec.Name, out var v) && v.ValueKind != JsonValueKind.Null)
                {
                    if (v.ValueKind != JsonValueKind.String)
                    {
                        errors[field] = "Must be a string.";
                        continue;
                    }

                    value = v.GetString();
                }

                if (string.IsNullOrWhiteSpace(value))
                {
                    if (spec.Required)
                    {
                        errors[field] = spec.Kind == InputKind.Media
                            ? "Required: a blob name in the 'inputs' container or an https URL."
                            : "Required.";
                    }
                    else if (spec.Default is not null)
                    {
                        input[spec.Name] = spec.Default;
                    }

                    continue;
                }

                if (value.Length > (spec.Kind == InputKind.Media ? 2048 : spec.MaxLength))
                {
                    errors[field] = $"Too long (at most {spec.MaxLength} characters).";
                    continue;
                }

                if (spec.Kind == InputKind.Media && !IsValidMedia(value))
                {
                    errors[field] = "Must be a blob name in the 'inputs' container (letters, digits, '.', '_', '-', '/') or an absolute https URL.";
                    continue;
                }

                input[spec.Name] = value;
            }

            return errors.Count > 0 ? (null, errors) : (new StartPipelineRequest(definition, input, key, callbackUrl), errors);
        }
    }

    private static bool IsValidMedia(string value)
    {
        if (value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host);
        }

        return BlobName().IsMatch(value) && !value.Contains("..", StringComparison.Ordinal) && !value.EndsWith('/');
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
