using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Infrastructure;

namespace GeminiServerless.Emulator.StaticWebhooks;

internal sealed class SigningSecret(string value, DateTimeOffset createTime)
{
    public string Value { get; } = value;

    public DateTimeOffset CreateTime { get; } = createTime;

    public DateTimeOffset? ExpireTime { get; set; }

    public bool IsValid(DateTimeOffset now) => ExpireTime is not { } expiry || now < expiry;
}

/// <summary>A project-wide webhook registered through the WebhookService.</summary>
internal sealed class StaticWebhook
{
    public Lock Gate { get; } = new();

    public required string Id { get; init; }

    public string? Name { get; set; }

    public required string Uri { get; set; }

    public List<string> SubscribedEvents { get; set; } = [];

    public string State { get; set; } = "enabled";

    public DateTimeOffset CreateTime { get; init; }

    public DateTimeOffset UpdateTime { get; set; }

    public List<SigningSecret> Secrets { get; } = [];

    public long Seq { get; init; }

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public IReadOnlyList<string> ValidSecrets(DateTimeOffset now)
    {
        lock (Gate)
        {
            return Secrets.Where(s => s.IsValid(now)).OrderByDescending(s => s.CreateTime).Select(s => s.Value).ToList();
        }
    }

    public JsonObject ToJson(DateTimeOffset now)
    {
        lock (Gate)
        {
            var secrets = new JsonArray();
            foreach (var secret in Secrets.Where(s => s.IsValid(now)).OrderByDescending(s => s.CreateTime))
            {
                var entry = new JsonObject { ["truncated_secret"] = "whsec_..." + secret.Value[^4..] };
                if (secret.ExpireTime is { } expiry)
                {
                    entry["expire_time"] = Formats.SecondsTimestamp(expiry);
                }

                secrets.Add(entry);
            }

            var json = new JsonObject { ["id"] = Id };
            if (Name is not null)
            {
                json["name"] = Name;
            }

            json["uri"] = Uri;
            json["subscribed_events"] = new JsonArray(SubscribedEvents.Select(e => (JsonNode)JsonValue.Create(e)).ToArray());
            json["state"] = State;
            json["create_time"] = Formats.SecondsTimestamp(CreateTime);
            json["update_time"] = Formats.SecondsTimestamp(UpdateTime);
            json["signing_secrets"] = secrets;
            return json;
        }
    }
}

internal sealed class StaticWebhookStore
{
    private readonly ConcurrentDictionary<string, StaticWebhook> _webhooks = new(StringComparer.Ordinal);
    private long _seq;

    public long NextSeq() => Interlocked.Increment(ref _seq);

    public void Add(StaticWebhook webhook) => _webhooks[webhook.Id] = webhook;

    public StaticWebhook? Find(string id) => _webhooks.TryGetValue(id, out var webhook) ? webhook : null;

    public bool Remove(string id) => _webhooks.TryRemove(id, out _);

    public IEnumerable<StaticWebhook> All => _webhooks.Values;

    /// <summary>Enabled webhooks subscribed to <paramref name="eventType"/>.</summary>
    public IReadOnlyList<StaticWebhook> Subscribers(string eventType) =>
        _webhooks.Values
            .Where(w => w.State == "enabled" && w.SubscribedEvents.Contains(eventType, StringComparer.Ordinal))
            .OrderBy(w => w.Seq)
            .ToList();

    public void Clear() => _webhooks.Clear();
}
