using System.Buffers;
using System.Security.Cryptography;
using GeminiServerless.Emulator.Errors;

namespace GeminiServerless.Emulator.Files;

/// <summary>
/// One resumable upload. Bytes are never held in memory as a whole: they go through a running SHA-256,
/// the first 64 KiB are kept, and (unless the file is media) the content is spooled to a temp file.
/// </summary>
internal sealed class UploadSession : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _head = new byte[StoredFile.HeadSize];
    private int _headLength;
    private FileStream? _spool;

    public required string Id { get; init; }

    public required string FileId { get; init; }

    public required string ApiVersion { get; init; }

    public string? DisplayName { get; init; }

    public required string MimeType { get; init; }

    public long? DeclaredSize { get; init; }

    public long MaxSize { get; init; }

    /// <summary>Spool path, or null when only hash, size and head are kept.</summary>
    public string? SpoolPath { get; init; }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public long Received { get; private set; }

    public StoredFile? Result { get; set; }

    public bool Cancelled { get; set; }

    /// <summary>
    /// Appends a chunk sent at <paramref name="offset"/>. A chunk that starts before the bytes already received
    /// (a resend after a lost answer) is accepted: the overlapping part is skipped. A gap is rejected.
    /// </summary>
    public async Task AppendAsync(Stream body, long offset, CancellationToken cancellationToken)
    {
        if (offset > Received || offset < 0)
        {
            throw UploadError($"Invalid upload offset {offset}: {Received} bytes have been received.");
        }

        var limit = DeclaredSize ?? MaxSize;
        var skip = Received - offset;
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                var start = 0;
                if (skip > 0)
                {
                    start = (int)Math.Min(skip, read);
                    skip -= start;
                    if (start == read)
                    {
                        continue;
                    }
                }

                var chunk = buffer.AsMemory(start, read - start);
                if (Received + chunk.Length > limit)
                {
                    throw UploadError($"The upload exceeds its declared size of {limit} bytes.");
                }

                _hash.AppendData(chunk.Span);
                if (_headLength < _head.Length)
                {
                    var take = Math.Min(_head.Length - _headLength, chunk.Length);
                    chunk.Span[..take].CopyTo(_head.AsSpan(_headLength));
                    _headLength += take;
                }

                if (SpoolPath is not null)
                {
                    _spool ??= new FileStream(SpoolPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
                    await _spool.WriteAsync(chunk, cancellationToken);
                }

                Received += chunk.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Closes the spool and returns the final hash and head.</summary>
    public async Task<(byte[] Sha256, byte[] Head)> CompleteAsync()
    {
        if (SpoolPath is not null)
        {
            if (_spool is null)
            {
                await File.WriteAllBytesAsync(SpoolPath, []);
            }
            else
            {
                await _spool.FlushAsync();
                await _spool.DisposeAsync();
                _spool = null;
            }
        }

        var head = _head[.._headLength];
        _head = [];
        _headLength = 0;
        return (_hash.GetHashAndReset(), head);
    }

    public void Dispose()
    {
        _spool?.Dispose();
        _spool = null;
        _hash.Dispose();
        Gate.Dispose();
    }

    public static GoogleApiException UploadError(string message) => GoogleErrors.InvalidArgument(message);
}
