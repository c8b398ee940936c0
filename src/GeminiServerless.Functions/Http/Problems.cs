using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace GeminiServerless.Functions.Http;

/// <summary>RFC 9457 problem responses (<c>application/problem+json</c>).</summary>
public static class Problems
{
    public static ObjectResult Create(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        var result = new ObjectResult(problem) { StatusCode = status };
        result.ContentTypes.Add("application/problem+json");
        return result;
    }

    public static ObjectResult BadRequest(string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status400BadRequest, title, detail, extensions);

    public static ObjectResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found", detail);
}

/// <summary>Reads a request body into memory, refusing bodies over a size cap.</summary>
public static class BodyReader
{
    /// <summary>The body bytes, or null when the body is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        var capacity = request.ContentLength is { } length ? (int)length : 4096;
        using var buffer = new MemoryStream(capacity);
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
