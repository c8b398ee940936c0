using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Admin;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Files;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Outputs;
using GeminiServerless.Emulator.Webhooks;

namespace GeminiServerless.Emulator.Batches;

/// <summary>Batch API: create (inline or JSONL file), state machine PENDING → RUNNING → terminal, outputs and events.</summary>
internal sealed class BatchService(
    FileStore files,
    ContentGenerator generator,
    WebhookDispatcher dispatcher,
    JobScheduler scheduler,
    RuntimeSettings settings,
    EmulatorLog log,
    TimeProvider time,
    ILogger<BatchService> logger)
{
    private readonly ConcurrentDictionary<string, BatchJob> _jobs = new(StringComparer.Ordinal);
    private long _seq;

    public async Task<BatchJob> CreateAsync(string model, JsonObject? body, CancellationToken cancellationToken)
    {
        var batch = EmulatorJson.Object(body, "batch") ?? throw GoogleErrors.InvalidArgument("* batch: field is required.");
        var displayName = EmulatorJson.String(batch, "displayName");
        var inputConfig = EmulatorJson.Object(batch, "inputConfig") ?? throw GoogleErrors.InvalidArgument("* batch.input_config: field is required.");
        var inline = EmulatorJson.Object(inputConfig, "requests");
        var fileName = EmulatorJson.String(inputConfig, "fileName");
        if ((inline is null) == (fileName is null))
        {
            throw GoogleErrors.InvalidArgument("batch.input_config must set exactly one of 'requests' or 'file_name'.");
        }

        var webhook = WebhookConfig.Parse(batch);
        var faults = Faults.None;
        List<InlineRequest>? inlineRequests = null;
        string? inputFileId = null;
        long requestCount;

        if (inline is not null)
        {
            inlineRequests = [];
            foreach (var item in EmulatorJson.Array(inline, "requests") ?? [])
            {
                if (item is not JsonObject itemObject)
                {
                    throw GoogleErrors.InvalidArgument("Each item of batch.input_config.requests.requests must be an object.");
                }

                var request = EmulatorJson.Object(itemObject, "request");
                var metadata = EmulatorJson.Field(itemObject, "metadata");
                faults |= generator.Scan(request) & FaultMarkers.JobLevel;
                inlineRequests.Add(new InlineRequest(request, metadata is null ? null : EmulatorJson.Serialize(metadata)));
            }

            if (inlineRequests.Count == 0)
            {
                throw GoogleErrors.InvalidArgument("batch.input_config.requests.requests must not be empty.");
            }

            requestCount = inlineRequests.Count;
        }
        else
        {
            inputFileId = FileStore.ParseFileId(fileName) ?? throw GoogleErrors.InvalidArgument($"Invalid batch.input_config.file_name '{fileName}'.");
            var inputFile = files.Get(inputFileId);
            (requestCount, var fileFaults) = await ScanInputFileAsync(inputFile, cancellationToken);
            faults |= fileFaults;
            if (requestCount == 0)
            {
                throw GoogleErrors.InvalidArgument($"The input file {inputFile.Name} contains no requests.");
            }
        }

        var now = time.GetUtcNow();
        var job = new BatchJob
        {
            Id = Ids.New(36),
            Model = model.StartsWith("models/", StringComparison.Ordinal) ? model : "models/" + model,
            DisplayName = displayName,
            CreateTime = now,
            UpdateTime = now,
            Seq = Interlocked.Increment(ref _seq),
            InlineRequests = inlineRequests,
            InputFileId = inputFileId,
            RequestCount = requestCount,
            Webhook = webhook,
            Faults = faults,
            State = BatchState.Pending,
        };
        _jobs[job.Id] = job;
        log.CountCreate("batch");

        var current = settings.Current;
        var delay = faults.HasFlag(Faults.Slow) ? current.CompletionDelay * current.SlowFactor : current.CompletionDelay;
        scheduler.After(delay / 2, () => MarkRunning(job));
        scheduler.After(delay, () => CompleteAsync(job));
        return job;
    }

    public BatchJob Get(string id) =>
        _jobs.TryGetValue(id, out var job) ? job : throw GoogleErrors.NotFound($"Batch batches/{id} does not exist.");

    public (List<BatchJob> Page, string? NextPageToken) List(int pageSize, string? pageToken) =>
        Paging.Page(_jobs.Values, j => j.Seq, pageSize, pageToken);

    public void Cancel(string id)
    {
        var job = Get(id);
        if (Finish(job, BatchState.Cancelled, new RpcError(RpcCode.Cancelled, "The batch was cancelled.")))
        {
            Publish(job, "batch.cancelled", new JsonObject { ["id"] = job.Name });
        }
    }

    public void Delete(string id)
    {
        if (!_jobs.TryRemove(id, out var job))
        {
            throw GoogleErrors.NotFound($"Batch batches/{id} does not exist.");
        }

        Finish(job, BatchState.Cancelled, new RpcError(RpcCode.Cancelled, "The batch was deleted."));
    }

    public void Clear() => _jobs.Clear();

    private void MarkRunning(BatchJob job)
    {
        lock (job.Gate)
        {
            if (job.State == BatchState.Pending)
            {
                job.State = BatchState.Running;
                job.UpdateTime = time.GetUtcNow();
            }
        }
    }

    private async Task CompleteAsync(BatchJob job)
    {
        MarkRunning(job);
        if (job.IsTerminal || !_jobs.ContainsKey(job.Id))
        {
            return;
        }

        if (job.Faults.HasFlag(Faults.JobFailed))
        {
            FailJob(job, new RpcError(RpcCode.Internal, "The batch failed (marker [emulator:job-failed])."));
            return;
        }

        if (job.Faults.HasFlag(Faults.JobExpired))
        {
            if (Finish(job, BatchState.Expired, new RpcError(RpcCode.DeadlineExceeded, "The batch expired before it could be processed (marker [emulator:job-expired]).")))
            {
                Publish(job, "batch.expired", new JsonObject { ["id"] = job.Name });
            }

            return;
        }

        long succeeded = 0;
        long failed = 0;
        string? inlinedJson = null;
        string? responsesFile = null;
        if (job.InlineRequests is { } requests)
        {
            var echoMetadata = settings.Current.EchoInlinedMetadata;
            var responses = new JsonArray();
            foreach (var request in requests)
            {
                var outcome = generator.Generate(job.Model, request.Request);
                var item = outcome.Error is { } error
                    ? new JsonObject { ["error"] = GoogleErrors.Status(error) }
                    : new JsonObject { ["response"] = outcome.Response };
                if (echoMetadata && request.MetadataJson is not null)
                {
                    item["metadata"] = JsonNode.Parse(request.MetadataJson);
                }

                _ = outcome.Error is null ? succeeded++ : failed++;
                responses.Add(item);
            }

            inlinedJson = EmulatorJson.Serialize(new JsonObject { ["inlinedResponses"] = responses });
        }
        else
        {
            try
            {
                var input = files.Get(job.InputFileId!);
                var output = await files.CreateGeneratedAsync("batch-" + job.Id, job.Name + " responses", "application/jsonl", async (stream, ct) =>
                {
                    (succeeded, failed) = await WriteOutputLinesAsync(job, input, stream, ct);
                }, CancellationToken.None);
                responsesFile = output.Name;
            }
            catch (GoogleApiException ex)
            {
                FailJob(job, new RpcError(ex.Code, ex.Message));
                return;
            }
        }

        lock (job.Gate)
        {
            if (job.IsTerminal)
            {
                return;
            }

            var now = time.GetUtcNow();
            job.State = BatchState.Succeeded;
            job.SucceededCount = succeeded;
            job.FailedCount = failed;
            job.InlinedResponsesJson = inlinedJson;
            job.ResponsesFile = responsesFile;
            job.UpdateTime = now;
            job.EndTime = now;
        }

        var data = new JsonObject { ["id"] = job.Name };
        if (responsesFile is not null)
        {
            data["output_file_uri"] = responsesFile;
        }

        Publish(job, "batch.succeeded", data);
    }

    private void FailJob(BatchJob job, RpcError error)
    {
        if (!Finish(job, BatchState.Failed, error))
        {
            return;
        }

        lock (job.Gate)
        {
            job.FailedCount = job.RequestCount;
        }

        Publish(job, "batch.failed", new JsonObject
        {
            ["id"] = job.Name,
            ["error_code"] = error.Code.Code,
            ["error_message"] = error.Message,
        });
    }

    /// <summary>Moves a non-terminal job to a terminal state; false if it already was terminal.</summary>
    private bool Finish(BatchJob job, BatchState state, RpcError? error)
    {
        lock (job.Gate)
        {
            if (job.IsTerminal)
            {
                return false;
            }

            var now = time.GetUtcNow();
            job.State = state;
            job.Error = error;
            job.UpdateTime = now;
            job.EndTime = now;
            return true;
        }
    }

    private void Publish(BatchJob job, string type, JsonObject data)
    {
        logger.LogInformation("{Job} reached {State}", job.Name, BatchJob.WireState(job.State));
        dispatcher.Publish(new JobEvent(type, job.Name, data, job.Webhook, job.Faults));
    }

    private async Task<(long Count, Faults Faults)> ScanInputFileAsync(StoredFile file, CancellationToken cancellationToken)
    {
        long count = 0;
        var faults = Faults.None;
        await using var input = FileStore.OpenContent(file);
        using var reader = new StreamReader(input, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            count++;
            if (TryParseLine(line, out var lineObject, out _))
            {
                faults |= generator.Scan(lineObject!["request"] as JsonObject) & FaultMarkers.JobLevel;
            }
        }

        return (count, faults);
    }

    private async Task<(long Succeeded, long Failed)> WriteOutputLinesAsync(BatchJob job, StoredFile input, Stream output, CancellationToken cancellationToken)
    {
        long succeeded = 0;
        long failed = 0;
        await using var source = FileStore.OpenContent(input);
        using var reader = new StreamReader(source, Encoding.UTF8);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var result = new JsonObject();
            if (!TryParseLine(line, out var lineObject, out var parseError))
            {
                result["error"] = GoogleErrors.Status(new RpcError(RpcCode.InvalidArgument, parseError!));
                failed++;
            }
            else
            {
                result["key"] = lineObject!["key"]?.DeepClone();
                var outcome = lineObject["request"] is JsonObject request
                    ? generator.Generate(job.Model, request)
                    : new GenerationOutcome(null, new RpcError(RpcCode.InvalidArgument, "Each line needs a 'request' object."), Faults.None);
                if (outcome.Error is { } error)
                {
                    result["error"] = GoogleErrors.Status(error);
                    failed++;
                }
                else
                {
                    result["response"] = outcome.Response;
                    succeeded++;
                }
            }

            await writer.WriteLineAsync(EmulatorJson.Serialize(result).AsMemory(), cancellationToken);
        }

        return (succeeded, failed);
    }

    private static bool TryParseLine(string line, out JsonObject? lineObject, out string? error)
    {
        try
        {
            lineObject = JsonNode.Parse(line) as JsonObject;
            error = lineObject is null ? "Each line must be a JSON object." : null;
        }
        catch (JsonException ex)
        {
            lineObject = null;
            error = "Invalid JSON line: " + ex.Message;
        }

        return lineObject is not null;
    }
}
