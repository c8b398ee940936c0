using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Infrastructure;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Emulator.Files;

/// <summary>In-memory file metadata; content (when kept) in a private temp folder deleted on shutdown.</summary>
internal sealed partial class FileStore : IDisposable
{
    private readonly ConcurrentDictionary<string, StoredFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly RuntimeSettings _settings;
    private readonly string _root;
    private readonly bool _ownsRoot;
    private long _seq;

    public FileStore(TimeProvider time, RuntimeSettings settings, IOptions<EmulatorOptions> options)
    {
        _time = time;
        _settings = settings;
        _ownsRoot = string.IsNullOrEmpty(options.Value.StorageDirectory);
        _root = _ownsRoot
            ? Path.Combine(Path.GetTempPath(), "gemini-emulator", Ids.New(12))
            : Path.GetFullPath(options.Value.StorageDirectory!);
        Directory.CreateDirectory(_root);
    }

    /// <summary>Extracts the file id from <c>files/abc</c> or any URI containing <c>/files/abc</c>.</summary>
    public static string? ParseFileId(string? uriOrName)
    {
        if (string.IsNullOrEmpty(uriOrName))
        {
            return null;
        }

        var match = FileIdPattern().Match(uriOrName);
        return match.Success ? match.Groups["id"].Value : null;
    }

    public static bool IsValidId(string id) => ValidIdPattern().IsMatch(id);

    public StoredFile? Find(string id)
    {
        if (!_files.TryGetValue(id, out var file))
        {
            return null;
        }

        if (_time.GetUtcNow() >= file.ExpirationTime)
        {
            Remove(id);
            return null;
        }

        return file;
    }

    public StoredFile Get(string id) => Find(id) ?? throw GoogleErrors.NotFound($"File files/{id} does not exist or has expired.");

    public bool Remove(string id)
    {
        if (!_files.TryRemove(id, out var file))
        {
            return false;
        }

        DeleteQuietly(file.ContentPath);
        return true;
    }

    public (List<StoredFile> Page, string? NextPageToken) List(int pageSize, string? pageToken)
    {
        var now = _time.GetUtcNow();
        return Paging.Page(_files.Values.Where(f => now < f.ExpirationTime), f => f.Seq, pageSize, pageToken);
    }

    public static Stream OpenContent(StoredFile file) =>
        file.ContentPath is { } path && File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true)
            : throw GoogleErrors.FailedPrecondition($"The content of {file.Name} was not kept by the emulator (media files keep only size, hash and the first 64 KiB).");

    public bool Exists(string id) => _files.ContainsKey(id) || _sessions.Values.Any(s => s.Result is null && !s.Cancelled && s.FileId == id);

    public UploadSession StartUpload(string apiVersion, string? requestedId, string? displayName, string mimeType, long? declaredSize)
    {
        var settings = _settings.Current;
        if (declaredSize is { } size && (size < 0 || size > settings.MaxFileSizeBytes))
        {
            throw GoogleErrors.InvalidArgument($"File size {size} is outside the allowed range (max {settings.MaxFileSizeBytes} bytes).");
        }

        string fileId;
        if (requestedId is not null)
        {
            if (!IsValidId(requestedId))
            {
                throw GoogleErrors.InvalidArgument($"Invalid file name 'files/{requestedId}': use up to 40 lower-case letters, digits or dashes, not starting or ending with a dash.");
            }

            if (Exists(requestedId))
            {
                throw GoogleErrors.AlreadyExists($"File files/{requestedId} already exists.");
            }

            fileId = requestedId;
        }
        else
        {
            fileId = Ids.New(12);
        }

        var keepContent = settings.StoreMediaContent || !IsMedia(mimeType);
        var session = new UploadSession
        {
            Id = Ids.New(32),
            FileId = fileId,
            ApiVersion = apiVersion,
            DisplayName = displayName,
            MimeType = mimeType,
            DeclaredSize = declaredSize,
            MaxSize = settings.MaxFileSizeBytes,
            SpoolPath = keepContent ? NewContentPath() : null,
        };
        _sessions[session.Id] = session;
        return session;
    }

    public UploadSession? FindSession(string uploadId) => _sessions.TryGetValue(uploadId, out var session) ? session : null;

    public void CancelSession(UploadSession session)
    {
        session.Cancelled = true;
        if (_sessions.TryRemove(session.Id, out _) && session.Result is null)
        {
            DeleteQuietly(session.SpoolPath);
        }
    }

    /// <summary>Turns a completed upload into an uploaded file.</summary>
    public async Task<StoredFile> FinalizeAsync(UploadSession session)
    {
        if (session.DeclaredSize is { } declared && declared != session.Received)
        {
            throw UploadSession.UploadError($"Upload finalized with {session.Received} bytes but {declared} were declared.");
        }

        if (_files.ContainsKey(session.FileId))
        {
            throw GoogleErrors.AlreadyExists($"File files/{session.FileId} already exists.");
        }

        var (sha, head) = await session.CompleteAsync();
        var now = _time.GetUtcNow();
        var settings = _settings.Current;
        var headText = System.Text.Encoding.UTF8.GetString(head);
        var file = new StoredFile
        {
            Id = session.FileId,
            DisplayName = session.DisplayName,
            MimeType = session.MimeType,
            SizeBytes = session.Received,
            Sha256 = sha,
            Head = head,
            ContentPath = session.SpoolPath,
            CreateTime = now,
            ActiveAt = now + settings.FileProcessingDelay,
            ExpirationTime = now + settings.FileTimeToLive,
            FailureMessage = headText.Contains(Outputs.FaultMarkers.FileFailedMarker, StringComparison.Ordinal)
                ? "File processing failed (marker [emulator:file-failed])."
                : null,
            Seq = Interlocked.Increment(ref _seq),
        };
        _files[file.Id] = file;
        session.Result = file;
        return file;
    }

    /// <summary>Creates a generated (downloadable) file whose content is written by <paramref name="write"/>.</summary>
    public async Task<StoredFile> CreateGeneratedAsync(string id, string? displayName, string mimeType, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var path = NewContentPath();
        await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await write(output, cancellationToken);
        }

        byte[] sha;
        var head = new byte[StoredFile.HeadSize];
        int headLength;
        await using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            headLength = await input.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
            input.Position = 0;
            sha = await SHA256.HashDataAsync(input, cancellationToken);
        }

        var now = _time.GetUtcNow();
        var file = new StoredFile
        {
            Id = id,
            DisplayName = displayName,
            MimeType = mimeType,
            SizeBytes = new FileInfo(path).Length,
            Sha256 = sha,
            Head = head[..headLength],
            ContentPath = path,
            Generated = true,
            CreateTime = now,
            ActiveAt = now,
            ExpirationTime = now + _settings.Current.FileTimeToLive,
            Seq = Interlocked.Increment(ref _seq),
        };
        if (_files.TryGetValue(id, out var previous))
        {
            DeleteQuietly(previous.ContentPath);
        }

        _files[id] = file;
        return file;
    }

    public void Clear()
    {
        foreach (var id in _files.Keys.ToList())
        {
            Remove(id);
        }

        foreach (var session in _sessions.Values.ToList())
        {
            CancelSession(session);
        }
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }

        _sessions.Clear();
        if (_ownsRoot)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool IsMedia(string mimeType) =>
        mimeType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase)
        || mimeType.StartsWith("video/", StringComparison.OrdinalIgnoreCase)
        || mimeType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);

    private static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string NewContentPath()
    {
        Directory.CreateDirectory(_root);
        return Path.Combine(_root, Ids.New(20));
    }

    [GeneratedRegex(@"(?:^|/)files/(?<id>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)", RegexOptions.CultureInvariant)]
    private static partial Regex FileIdPattern();

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidIdPattern();
}
