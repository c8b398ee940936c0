using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using GeminiServerless.Core.Gemini;
using GeminiServerless.Core.Pipelines;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Functions.Storage;

/// <summary>Pipeline inputs from the <c>inputs</c> container (or https URLs) and outputs to the <c>artifacts</c> container.</summary>
public sealed class BlobPipelineStorage : IPipelineStorage
{
    public const string MediaHttpClient = "media";
    private readonly BlobContainerClient _inputs;
    private readonly BlobContainerClient _artifacts;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly StorageOptions _options;
    private readonly OnceAsync _ensureArtifacts;

    public BlobPipelineStorage(StorageClients clients, IOptions<StorageOptions> options, IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _inputs = clients.Blobs.GetBlobContainerClient(_options.InputsContainer);
        _artifacts = clients.Blobs.GetBlobContainerClient(_options.ArtifactsContainer);
        _httpClientFactory = httpClientFactory;
        _ensureArtifacts = new OnceAsync(ct => _artifacts.CreateIfNotExistsAsync(cancellationToken: ct));
    }

    public static bool IsUrl(string value) => value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public async Task<bool> MediaExistsAsync(string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsUrl(value))
        {
            return _options.AllowMediaUrls;
        }

        try
        {
            return await _inputs.GetBlobClient(value).ExistsAsync(cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    public async Task<MediaContent> OpenMediaAsync(string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsUrl(value))
        {
            return await OpenUrlAsync(new Uri(value), cancellationToken);
        }

        var blob = _inputs.GetBlobClient(value);
        BlobProperties properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
        var stream = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        return new MediaContent(stream, properties.ContentLength, MediaTypes.Resolve(properties.ContentType, value), Path.GetFileName(value));
    }

    private async Task<MediaContent> OpenUrlAsync(Uri uri, CancellationToken cancellationToken)
    {
        if (!_options.AllowMediaUrls)
        {
            throw new InvalidOperationException("Media URLs are disabled (Storage:AllowMediaUrls=false).");
        }

        var client = _httpClientFactory.CreateClient(MediaHttpClient);
        var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            response.EnsureSuccessStatusCode();
            var length = response.Content.Headers.ContentLength
                ?? throw new InvalidOperationException($"{uri.Host} sent no Content-Length; the upload to Gemini needs the size up front.");
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var name = Path.GetFileName(uri.AbsolutePath);
            return new MediaContent(new OwningStream(stream, response), length, MediaTypes.Resolve(response.Content.Headers.ContentType?.MediaType, name), name);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async Task<string> WriteArtifactAsync(string pipelineId, string stageKey, string text, CancellationToken cancellationToken)
    {
        await _ensureArtifacts.EnsureAsync(cancellationToken);
        var blob = _artifacts.GetBlobClient($"{pipelineId}/{stageKey}.txt");
        await blob.UploadAsync(BinaryData.FromString(text), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain; charset=utf-8" },
        }, cancellationToken);
        return blob.Uri.ToString();
    }

    public async Task<string> ReadArtifactTextAsync(string artifactUri, CancellationToken cancellationToken)
    {
        // Only blobs of our own artifacts container are read, through our own authenticated client.
        var parts = new BlobUriBuilder(new Uri(artifactUri));
        if (!string.Equals(parts.BlobContainerName, _artifacts.Name, StringComparison.Ordinal) || string.IsNullOrEmpty(parts.BlobName))
        {
            throw new InvalidOperationException($"'{artifactUri}' is not an artifact of this app.");
        }

        var content = await _artifacts.GetBlobClient(parts.BlobName).DownloadContentAsync(cancellationToken);
        return Encoding.UTF8.GetString(content.Value.Content.ToMemory().Span);
    }
}

/// <summary>MIME types Gemini accepts for audio, chosen from the blob's content type or file extension.</summary>
public static class MediaTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp3"] = "audio/mp3",
        [".wav"] = "audio/wav",
        [".aif"] = "audio/aiff",
        [".aiff"] = "audio/aiff",
        [".aac"] = "audio/aac",
        [".ogg"] = "audio/ogg",
        [".flac"] = "audio/flac",
        [".m4a"] = "audio/m4a",
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
    };

    public static string Resolve(string? contentType, string name)
    {
        if (!string.IsNullOrEmpty(contentType) && !contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return contentType;
        }

        return ByExtension.TryGetValue(Path.GetExtension(name), out var type) ? type : "application/octet-stream";
    }
}
