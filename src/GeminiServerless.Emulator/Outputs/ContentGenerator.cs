using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Files;
using GeminiServerless.Emulator.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace GeminiServerless.Emulator.Outputs;

/// <summary>The result of one GenerateContentRequest: a response or a google.rpc.Status, plus the faults found.</summary>
internal sealed record GenerationOutcome(JsonObject? Response, RpcError? Error, Faults Faults);

/// <summary>
/// Deterministic stand-in for the model. A request with an audio part gets a transcript derived only from
/// the audio bytes (SHA-256 and size); any other request gets "Summary: …" derived from its text.
/// Same input, same output.
/// </summary>
internal sealed class ContentGenerator(FileStore files, TimeProvider time)
{
    private const int BytesPerAudioSecond = 16_000;
    private const int AudioTokensPerSecond = 32;

    /// <summary>The fault markers a request carries; unresolvable file references are skipped.</summary>
    public Faults Scan(JsonObject? request)
    {
        try
        {
            return Parse(request, lenient: true).Faults;
        }
        catch (GoogleApiException)
        {
            return Faults.None;
        }
    }

    public GenerationOutcome Generate(string model, JsonObject? request)
    {
        ParsedRequest parsed;
        try
        {
            parsed = Parse(request, lenient: false);
        }
        catch (GoogleApiException ex)
        {
            return new GenerationOutcome(null, new RpcError(ex.Code, ex.Message), Scan(request));
        }

        var faults = parsed.Faults;
        if (faults.HasFlag(Faults.LineFailed))
        {
            return new GenerationOutcome(null, new RpcError(RpcCode.Internal, "Internal error while generating content (marker [emulator:line-failed])."), faults);
        }

        var modelVersion = model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model;
        var responseId = ResponseId(model, request!);
        var promptTokens = parsed.PromptTokens;

        if (faults.HasFlag(Faults.Blocked))
        {
            return new GenerationOutcome(new JsonObject
            {
                ["promptFeedback"] = new JsonObject { ["blockReason"] = "SAFETY" },
                ["usageMetadata"] = new JsonObject { ["promptTokenCount"] = promptTokens, ["totalTokenCount"] = promptTokens },
                ["modelVersion"] = modelVersion,
                ["responseId"] = responseId,
            }, null, faults);
        }

        var text = parsed.Audio.Count > 0
            ? string.Join("\n\n", parsed.Audio.Select(a => Transcript(a.Sha256, a.Size)))
            : Summary(parsed.Texts);
        if (parsed.ResponseMimeType is { } mime && mime.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            text = new JsonObject { ["text"] = text }.ToJsonString(EmulatorJson.Options);
        }

        var finishReason = "STOP";
        if (faults.HasFlag(Faults.MaxTokens))
        {
            text = TruncateAtWord(text, Math.Max(1, text.Length / 2));
            finishReason = "MAX_TOKENS";
        }

        if (parsed.MaxOutputTokens is { } max && max > 0 && Tokens(text) > max)
        {
            text = TruncateAtWord(text, (int)Math.Min(int.MaxValue, max * 4));
            finishReason = "MAX_TOKENS";
        }

        var candidateTokens = Tokens(text);
        var usage = new JsonObject
        {
            ["promptTokenCount"] = promptTokens,
            ["candidatesTokenCount"] = candidateTokens,
            ["totalTokenCount"] = promptTokens + candidateTokens,
        };
        var details = new JsonArray();
        if (parsed.TextTokens > 0)
        {
            details.Add(new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = parsed.TextTokens });
        }

        if (parsed.AudioTokens > 0)
        {
            details.Add(new JsonObject { ["modality"] = "AUDIO", ["tokenCount"] = parsed.AudioTokens });
        }

        usage["promptTokensDetails"] = details;

        return new GenerationOutcome(new JsonObject
        {
            ["candidates"] = new JsonArray(new JsonObject
            {
                ["content"] = new JsonObject
                {
                    ["role"] = "model",
                    ["parts"] = new JsonArray(new JsonObject { ["text"] = text }),
                },
                ["finishReason"] = finishReason,
                ["index"] = 0,
            }),
            ["usageMetadata"] = usage,
            ["modelVersion"] = modelVersion,
            ["responseId"] = responseId,
        }, null, faults);
    }

    /// <summary>Several "Speaker N: …" sentences chosen from a word list by a hash chain seeded with the audio's SHA-256 and size.</summary>
    public static string Transcript(byte[] sha256, long size)
    {
        var bytes = new HashStream(sha256, size);
        var sentences = 3 + (bytes.Next() % 4) + (int)Math.Min(size / (1024 * 1024), 40);
        var lines = new List<string>(sentences);
        for (var i = 0; i < sentences; i++)
        {
            var speaker = 1 + (bytes.Next() % 2);
            var wordCount = 6 + (bytes.Next() % 8);
            var words = new string[wordCount];
            for (var w = 0; w < wordCount; w++)
            {
                words[w] = WordList.Words[bytes.Next() % WordList.Words.Count];
            }

            words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
            lines.Add($"Speaker {speaker}: {string.Join(' ', words)}.");
        }

        return string.Join('\n', lines);
    }

    /// <summary>"Summary: " + the first distinct words of four letters or more + the word count of the input.</summary>
    public static string Summary(IReadOnlyList<string> texts)
    {
        var words = texts
            .SelectMany(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        var condensed = words
            .Select(w => w.Trim('.', ',', ';', ':', '!', '?', '"', '\'', '(', ')'))
            .Where(w => w.Length >= 4)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(12)
            .ToList();
        var body = condensed.Count > 0 ? string.Join(' ', condensed) : "(no text)";
        return string.Create(CultureInfo.InvariantCulture, $"Summary: {body}. Word count: {words.Count}.");
    }

    private static int Tokens(string text) => text.Length == 0 ? 0 : (text.Length + 3) / 4;

    private static string TruncateAtWord(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', Math.Max(0, maxChars - 1));
        return cut > 0 ? text[..cut] : text[..maxChars];
    }

    private static string ResponseId(string model, JsonObject request)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + request.ToJsonString()));
        return Base64UrlEncoder.Encode(hash)[..22];
    }

    private static bool IsTextLike(string mimeType) =>
        mimeType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || mimeType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || mimeType.Contains("xml", StringComparison.OrdinalIgnoreCase);

    private ParsedRequest Parse(JsonObject? request, bool lenient)
    {
        if (request is null)
        {
            throw GoogleErrors.InvalidArgument("A GenerateContentRequest is required.");
        }

        var parsed = new ParsedRequest();
        var contents = EmulatorJson.Array(request, "contents");
        if (contents is null || contents.Count == 0)
        {
            throw GoogleErrors.InvalidArgument("* GenerateContentRequest.contents: contents is not specified");
        }

        var textChars = 0L;
        foreach (var content in contents)
        {
            if (content is not JsonObject contentObject)
            {
                throw GoogleErrors.InvalidArgument("Each item of 'contents' must be an object.");
            }

            foreach (var part in EmulatorJson.Array(contentObject, "parts") ?? [])
            {
                if (part is not JsonObject partObject)
                {
                    throw GoogleErrors.InvalidArgument("Each item of 'parts' must be an object.");
                }

                textChars += AddPart(parsed, partObject, lenient);
            }
        }

        foreach (var part in EmulatorJson.Array(EmulatorJson.Object(request, "systemInstruction"), "parts") ?? [])
        {
            if (part is JsonObject partObject && EmulatorJson.String(partObject, "text") is { } text)
            {
                parsed.Faults |= FaultMarkers.Scan(text);
                textChars += text.Length;
            }
        }

        var config = EmulatorJson.Object(request, "generationConfig");
        parsed.MaxOutputTokens = EmulatorJson.Int64(config, "maxOutputTokens");
        parsed.ResponseMimeType = EmulatorJson.String(config, "responseMimeType");
        parsed.TextTokens = (int)Math.Min(int.MaxValue / 2, (textChars + 3) / 4);
        parsed.AudioTokens = (int)Math.Min(int.MaxValue / 2, parsed.Audio.Sum(a => Math.Max(1, a.Size * AudioTokensPerSecond / BytesPerAudioSecond)));
        return parsed;
    }

    private long AddPart(ParsedRequest parsed, JsonObject part, bool lenient)
    {
        if (EmulatorJson.String(part, "text") is { } text)
        {
            parsed.Faults |= FaultMarkers.Scan(text);
            parsed.Texts.Add(text);
            return text.Length;
        }

        if (EmulatorJson.Object(part, "inlineData") is { } inline)
        {
            var mimeType = EmulatorJson.String(inline, "mimeType") ?? "application/octet-stream";
            byte[] data;
            try
            {
                data = Convert.FromBase64String(EmulatorJson.String(inline, "data") ?? string.Empty);
            }
            catch (FormatException)
            {
                throw GoogleErrors.InvalidArgument("inlineData.data must be base64.");
            }

            var head = Encoding.UTF8.GetString(data, 0, Math.Min(data.Length, StoredFile.HeadSize));
            parsed.Faults |= FaultMarkers.Scan(head);
            if (mimeType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase))
            {
                parsed.Audio.Add(new AudioSource(SHA256.HashData(data), data.Length));
            }
            else if (IsTextLike(mimeType))
            {
                var content = Encoding.UTF8.GetString(data);
                parsed.Texts.Add(content);
                return content.Length;
            }

            return 0;
        }

        if (EmulatorJson.Object(part, "fileData") is { } fileData)
        {
            var uri = EmulatorJson.String(fileData, "fileUri");
            var id = FileStore.ParseFileId(uri);
            if (id is null)
            {
                return lenient ? 0 : throw GoogleErrors.InvalidArgument($"Invalid fileData.fileUri '{uri}'.");
            }

            var file = files.Find(id);
            if (file is null)
            {
                return lenient ? 0 : throw GoogleErrors.NotFound($"File files/{id} does not exist or has expired.");
            }

            parsed.Faults |= FaultMarkers.Scan(file.HeadText);
            var state = file.State(time.GetUtcNow());
            if (!lenient && state != "ACTIVE")
            {
                throw GoogleErrors.FailedPrecondition($"The file {file.Name} is not in an ACTIVE state (state {state}).");
            }

            var mimeType = EmulatorJson.String(fileData, "mimeType") ?? file.MimeType;
            if (mimeType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) || file.IsAudio)
            {
                parsed.Audio.Add(new AudioSource(file.Sha256, file.SizeBytes));
            }
            else if (IsTextLike(file.MimeType))
            {
                parsed.Texts.Add(file.HeadText);
                return file.HeadText.Length;
            }
        }

        return 0;
    }

    private sealed class ParsedRequest
    {
        public List<string> Texts { get; } = [];

        public List<AudioSource> Audio { get; } = [];

        public Faults Faults { get; set; }

        public long? MaxOutputTokens { get; set; }

        public string? ResponseMimeType { get; set; }

        public int TextTokens { get; set; }

        public int AudioTokens { get; set; }

        public int PromptTokens => Math.Max(1, TextTokens + AudioTokens);
    }

    private sealed record AudioSource(byte[] Sha256, long Size);

    /// <summary>An endless byte sequence: SHA-256(seed ‖ size ‖ counter) blocks.</summary>
    private sealed class HashStream(byte[] seed, long size)
    {
        private readonly byte[] _input = new byte[seed.Length + 12];
        private byte[] _block = [];
        private int _position;
        private int _counter;

        public int Next()
        {
            if (_position >= _block.Length)
            {
                seed.CopyTo(_input, 0);
                BinaryPrimitives.WriteInt64LittleEndian(_input.AsSpan(seed.Length), size);
                BinaryPrimitives.WriteInt32LittleEndian(_input.AsSpan(seed.Length + 8), _counter++);
                _block = SHA256.HashData(_input);
                _position = 0;
            }

            return _block[_position++];
        }
    }
}
