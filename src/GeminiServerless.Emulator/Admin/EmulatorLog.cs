using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Infrastructure;

namespace GeminiServerless.Emulator.Admin;

/// <summary>
/// Everything the emulator saw and did, for tests to assert on. Requests and delivery attempts draw from
/// ONE monotonically increasing sequence, so "request N happened before delivery M" is a comparison of seqs.
/// </summary>
internal sealed class EmulatorLog(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<RequestRecord> _requests = [];
    private readonly List<DeliveryRecord> _deliveries = [];
    private readonly ConcurrentDictionary<string, long> _requestsByRoute = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _creates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _deliveriesByOutcome = new(StringComparer.Ordinal);
    private long _seq;

    public RequestRecord BeginRequest(string method, string path, string query)
    {
        lock (_gate)
        {
            var record = new RequestRecord(++_seq, method, path, query, time.GetUtcNow());
            _requests.Add(record);
            return record;
        }
    }

    public void CompleteRequest(RequestRecord record, int statusCode, string route)
    {
        lock (_gate)
        {
            record.StatusCode = statusCode;
            record.Route = route;
        }

        _requestsByRoute.AddOrUpdate(route, 1, (_, n) => n + 1);
    }

    public DeliveryRecord BeginDelivery(string jobName, string uri, string eventType, string webhookId, int attempt, string kind)
    {
        lock (_gate)
        {
            var record = new DeliveryRecord(++_seq, jobName, uri, eventType, webhookId, attempt, kind, time.GetUtcNow());
            _deliveries.Add(record);
            return record;
        }
    }

    public void CompleteDelivery(DeliveryRecord record, int? statusCode, string outcome, string? error)
    {
        lock (_gate)
        {
            record.StatusCode = statusCode;
            record.Outcome = outcome;
            record.Error = error;
            record.CompletedAt = time.GetUtcNow();
        }

        var key = statusCode is { } code ? Formats.Invariant(code) : outcome;
        _deliveriesByOutcome.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    /// <summary>A delivery lost on purpose by the drop knob: logged once, never attempted, never retried.</summary>
    public void RecordDropped(string jobName, string uri, string eventType, string webhookId, string kind)
    {
        var record = BeginDelivery(jobName, uri, eventType, webhookId, 1, kind);
        CompleteDelivery(record, null, "dropped", null);
    }

    public void CountCreate(string kind) => _creates.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public void CountSuppressed() => _deliveriesByOutcome.AddOrUpdate("suppressed", 1, (_, n) => n + 1);

    public JsonArray Requests(string? pathPrefix)
    {
        lock (_gate)
        {
            return new JsonArray(_requests
                .Where(r => pathPrefix is null || r.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
                .Select(r => (JsonNode)r.ToJson()).ToArray());
        }
    }

    public JsonArray Deliveries(string? jobName)
    {
        lock (_gate)
        {
            return new JsonArray(_deliveries
                .Where(d => jobName is null || string.Equals(d.JobName, jobName, StringComparison.Ordinal))
                .Select(d => (JsonNode)d.ToJson()).ToArray());
        }
    }

    public JsonObject Stats()
    {
        long requestCount;
        long deliveryCount;
        lock (_gate)
        {
            requestCount = _requests.Count;
            deliveryCount = _deliveries.Count;
        }

        return new JsonObject
        {
            ["seq"] = Interlocked.Read(ref _seq),
            ["requests"] = new JsonObject { ["total"] = requestCount, ["byRoute"] = ToJson(_requestsByRoute) },
            ["creates"] = ToJson(_creates),
            ["deliveries"] = new JsonObject { ["total"] = deliveryCount, ["byStatus"] = ToJson(_deliveriesByOutcome) },
        };
    }

    /// <summary>Clears the logs and counters; the sequence keeps counting so seqs never repeat.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _deliveries.Clear();
        }

        _requestsByRoute.Clear();
        _creates.Clear();
        _deliveriesByOutcome.Clear();
    }

    private static JsonObject ToJson(ConcurrentDictionary<string, long> counters)
    {
        var result = new JsonObject();
        foreach (var (key, value) in counters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            result[key] = value;
        }

        return result;
    }
}

internal sealed class RequestRecord(long seq, string method, string path, string query, DateTimeOffset at)
{
    public long Seq { get; } = seq;

    public string Path { get; } = path;

    public int? StatusCode { get; set; }

    public string? Route { get; set; }

    public JsonObject ToJson() => new()
    {
        ["seq"] = Seq,
        ["method"] = method,
        ["path"] = Path,
        ["query"] = query,
        ["at"] = Formats.Timestamp(at),
        ["route"] = Route,
        ["statusCode"] = StatusCode,
    };
}

internal sealed class DeliveryRecord(long seq, string jobName, string uri, string eventType, string webhookId, int attempt, string kind, DateTimeOffset at)
{
    public string JobName { get; } = jobName;

    public int? StatusCode { get; set; }

    public string Outcome { get; set; } = "pending";

    public string? Error { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public JsonObject ToJson() => new()
    {
        ["seq"] = seq,
        ["jobName"] = JobName,
        ["uri"] = uri,
        ["eventType"] = eventType,
        ["webhookId"] = webhookId,
        ["attempt"] = attempt,
        ["kind"] = kind,
        ["statusCode"] = StatusCode,
        ["outcome"] = Outcome,
        ["error"] = Error,
        ["at"] = Formats.Timestamp(at),
        ["completedAt"] = CompletedAt is { } done ? Formats.Timestamp(done) : null,
    };
}
