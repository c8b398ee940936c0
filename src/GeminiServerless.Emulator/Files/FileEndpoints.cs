using System.Globalization;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Admin;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Infrastructure;

namespace GeminiServerless.Emulator.Files;

/// <summary>Files API: resumable upload, get, list, delete, download of generated files.</summary>
internal static class FileEndpoints
{
    public const string ChunkGranularity = "8388608";

    public static void Map(IEndpointRouteBuilder api, IEndpointRouteBuilder upload, IEndpointRouteBuilder download, string version)
    {
        upload.MapPost("/files", (HttpContext context, FileStore store, RuntimeSettings settings, EmulatorLog log, TimeProvider time) =>
            UploadAsync(context, version, store, settings, log, time));

        api.MapGet("/files", (HttpContext context, FileStore store, RuntimeSettings settings, TimeProvider time) =>
        {
            var pageSize = ApiResults.PageSize(context.Request, "pageSize", 10, 100);
            var (page, next) = store.List(pageSize, ApiResults.Query(context.Request, "pageToken"));
            var baseUrl = ApiResults.BaseUrl(context, settings.Current);
            var now = time.GetUtcNow();
            var result = new JsonObject { ["files"] = new JsonArray(page.Select(f => (JsonNode)f.ToJson(baseUrl, version, now)).ToArray()) };
            if (next is not null)
            {
                result["nextPageToken"] = next;
            }

            return ApiResults.Json(result);
        });

        api.MapGet("/files/{id}", (string id, HttpContext context, FileStore store, RuntimeSettings settings, TimeProvider time) =>
            ApiResults.Json(store.Get(id).ToJson(ApiResults.BaseUrl(context, settings.Current), version, time.GetUtcNow())));

        api.MapDelete("/files/{id}", (string id, FileStore store) =>
            store.Remove(id) ? ApiResults.Empty() : throw GoogleErrors.NotFound($"File files/{id} does not exist."));

        api.MapGet("/files/{id}:download", (string id, FileStore store) => Download(id, store));
        download.MapGet("/files/{id}:download", (string id, FileStore store) => Download(id, store));
    }

    private static IResult Download(string id, FileStore store)
    {
        var file = store.Get(id);
        if (!file.Generated)
        {
            throw GoogleErrors.InvalidArgument($"Only generated files can be downloaded; {file.Name} was uploaded.");
        }

        return Results.Stream(FileStore.OpenContent(file), file.MimeType);
    }

    private static async Task<IResult> UploadAsync(HttpContext context, string version, FileStore store, RuntimeSettings settings, EmulatorLog log, TimeProvider time)
    {
        var request = context.Request;
        var command = request.Headers["x-goog-upload-command"].ToString();
        var commands = command.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var uploadId = request.Query["upload_id"].FirstOrDefault();
        var baseUrl = ApiResults.BaseUrl(context, settings.Current);

        if (string.IsNullOrEmpty(uploadId))
        {
            return await StartAsync(context, version, store, log, commands, baseUrl);
        }

        var session = store.FindSession(uploadId) ?? throw GoogleErrors.NotFound($"Upload session '{uploadId}' does not exist.");
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize = null;

        await session.Gate.WaitAsync(context.RequestAborted);
        try
        {
            if (session.Cancelled)
            {
                throw GoogleErrors.NotFound($"Upload session '{uploadId}' was cancelled.");
            }

            if (commands.Contains("cancel"))
            {
                store.CancelSession(session);
                context.Response.Headers["x-goog-upload-status"] = "cancelled";
                return Results.Ok();
            }

            if (commands.Contains("query"))
            {
                return Status(context, session, baseUrl, version, time);
            }

            if (!commands.Contains("upload") && !commands.Contains("finalize"))
            {
                throw GoogleErrors.InvalidArgument($"Unsupported x-goog-upload-command '{command}'.");
            }

            if (session.Result is not null)
            {
                return Status(context, session, baseUrl, version, time);
            }

            if (commands.Contains("upload"))
            {
                var offsetHeader = request.Headers["x-goog-upload-offset"].ToString();
                if (!long.TryParse(offsetHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                {
                    throw GoogleErrors.InvalidArgument("Header x-goog-upload-offset is required and must be a non-negative integer.");
                }

                try
                {
                    await session.AppendAsync(request.Body, offset, context.RequestAborted);
                }
                catch (GoogleApiException ex)
                {
                    ex.ResponseHeaders["x-goog-upload-status"] = "active";
                    ex.ResponseHeaders["x-goog-upload-size-received"] = Formats.Int64(session.Received);
                    throw;
                }
            }

            if (commands.Contains("finalize"))
            {
                await store.FinalizeAsync(session);
                log.CountCreate("file");
            }

            return Status(context, session, baseUrl, version, time);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private static async Task<IResult> StartAsync(HttpContext context, string version, FileStore store, EmulatorLog log, HashSet<string> commands, string baseUrl)
    {
        var request = context.Request;
        var protocol = request.Headers["x-goog-upload-protocol"].ToString();
        if (!string.Equals(protocol, "resumable", StringComparison.OrdinalIgnoreCase))
        {
            throw GoogleErrors.InvalidArgument("Only the resumable upload protocol is supported (x-goog-upload-protocol: resumable).");
        }

        if (!commands.Contains("start"))
        {
            throw GoogleErrors.InvalidArgument("A new upload needs x-goog-upload-command: start (or an upload_id).");
        }

        var body = await EmulatorJson.ReadObjectAsync(request, allowEmpty: true, context.RequestAborted);
        var file = EmulatorJson.Object(body, "file");
        var displayName = EmulatorJson.String(file, "displayName");
        if (displayName is { Length: > 512 })
        {
            throw GoogleErrors.InvalidArgument("displayName must be at most 512 characters.");
        }

        string? requestedId = null;
        if (EmulatorJson.String(file, "name") is { Length: > 0 } name)
        {
            requestedId = name.StartsWith("files/", StringComparison.Ordinal) ? name["files/".Length..] : name;
        }

        var mimeType = request.Headers["x-goog-upload-header-content-type"].FirstOrDefault()
                       ?? EmulatorJson.String(file, "mimeType")
                       ?? "application/octet-stream";
        long? declared = null;
        var lengthHeader = request.Headers["x-goog-upload-header-content-length"].ToString();
        if (lengthHeader.Length > 0)
        {
            declared = long.TryParse(lengthHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                ? length
                : throw GoogleErrors.InvalidArgument("Header x-goog-upload-header-content-length must be a non-negative integer.");
        }
        else
        {
            declared = EmulatorJson.Int64(file, "sizeBytes");
        }

        var session = store.StartUpload(version, requestedId, displayName, mimeType, declared);
        var url = $"{baseUrl}/upload/{version}/files?upload_id={session.Id}&upload_protocol=resumable";
        var headers = context.Response.Headers;
        headers["x-goog-upload-url"] = url;
        headers["x-goog-upload-control-url"] = url;
        headers["x-goog-upload-status"] = "active";
        headers["x-goog-upload-chunk-granularity"] = ChunkGranularity;
        log.CountCreate("upload-session");
        return Results.Ok();
    }

    private static IResult Status(HttpContext context, UploadSession session, string baseUrl, string version, TimeProvider time)
    {
        var headers = context.Response.Headers;
        headers["x-goog-upload-size-received"] = Formats.Int64(session.Received);
        if (session.Result is { } file)
        {
            headers["x-goog-upload-status"] = "final";
            return ApiResults.Json(new JsonObject { ["file"] = file.ToJson(baseUrl, version, time.GetUtcNow()) });
        }

        headers["x-goog-upload-status"] = "active";
        headers["x-goog-upload-chunk-granularity"] = ChunkGranularity;
        return Results.Ok();
    }
}
