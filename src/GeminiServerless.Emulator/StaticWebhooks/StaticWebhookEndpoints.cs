using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Admin;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Webhooks;

namespace GeminiServerless.Emulator.StaticWebhooks;

/// <summary>WebhookService (snake_case): create, list, get, update, delete, rotate secret, ping.</summary>
internal static class StaticWebhookEndpoints
{
    private static readonly string[] States = ["enabled", "disabled", "disabled_due_to_failed_deliveries"];

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/webhooks", async (HttpContext context, StaticWebhookStore store, EmulatorLog log, TimeProvider time) =>
        {
            var body = await EmulatorJson.ReadObjectAsync(context.Request, allowEmpty: false, context.RequestAborted);
            var now = time.GetUtcNow();
            var secret = StaticWebhook.NewSecret();
            var webhook = new StaticWebhook
            {
                Id = Ids.New(36),
                Name = EmulatorJson.String(body, "name"),
                Uri = RequireUri(EmulatorJson.String(body, "uri")),
                SubscribedEvents = RequireEvents(body),
                CreateTime = now,
                UpdateTime = now,
                Seq = store.NextSeq(),
            };
            webhook.Secrets.Add(new SigningSecret(secret, now));
            store.Add(webhook);
            log.CountCreate("webhook");
            var json = webhook.ToJson(now);
            json["new_signing_secret"] = secret;
            return ApiResults.Json(json);
        });

        api.MapGet("/webhooks", (HttpContext context, StaticWebhookStore store, TimeProvider time) =>
        {
            var pageSize = ApiResults.PageSize(context.Request, "pageSize", 50, 1000);
            var (page, next) = Paging.Page(store.All, w => w.Seq, pageSize, ApiResults.Query(context.Request, "pageToken"));
            var now = time.GetUtcNow();
            var result = new JsonObject { ["webhooks"] = new JsonArray(page.Select(w => (JsonNode)w.ToJson(now)).ToArray()) };
            if (next is not null)
            {
                result["next_page_token"] = next;
            }

            return ApiResults.Json(result);
        });

        api.MapGet("/webhooks/{id}", (string id, StaticWebhookStore store, TimeProvider time) =>
            ApiResults.Json(Get(store, id).ToJson(time.GetUtcNow())));

        api.MapMethods("/webhooks/{id}", ["PATCH"], async (string id, HttpContext context, StaticWebhookStore store, TimeProvider time) =>
        {
            var webhook = Get(store, id);
            var body = await EmulatorJson.ReadObjectAsync(context.Request, allowEmpty: false, context.RequestAborted);
            var mask = ApiResults.Query(context.Request, "updateMask");
            var fields = mask is null
                ? body!.Select(p => EmulatorJson.ToSnakeCase(p.Key)).ToHashSet(StringComparer.Ordinal)
                : mask.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(EmulatorJson.ToSnakeCase).ToHashSet(StringComparer.Ordinal);
            var unknown = fields.Except(["name", "uri", "subscribed_events", "state"]).ToList();
            if (unknown.Count > 0)
            {
                throw GoogleErrors.InvalidArgument($"Unknown field(s) in update_mask: {string.Join(", ", unknown)}.");
            }

            var name = fields.Contains("name") ? EmulatorJson.String(body, "name") : null;
            var uri = fields.Contains("uri") ? RequireUri(EmulatorJson.String(body, "uri")) : null;
            var events = fields.Contains("subscribed_events") ? RequireEvents(body) : null;
            var state = fields.Contains("state") ? EmulatorJson.String(body, "state") : null;
            if (state is not null && !States.Contains(state, StringComparer.Ordinal))
            {
                throw GoogleErrors.InvalidArgument($"Invalid state '{state}'.");
            }

            lock (webhook.Gate)
            {
                if (fields.Contains("name"))
                {
                    webhook.Name = name;
                }

                webhook.Uri = uri ?? webhook.Uri;
                webhook.SubscribedEvents = events ?? webhook.SubscribedEvents;
                webhook.State = state ?? webhook.State;
                webhook.UpdateTime = time.GetUtcNow();
            }

            return ApiResults.Json(webhook.ToJson(time.GetUtcNow()));
        });

        api.MapDelete("/webhooks/{id}", (string id, StaticWebhookStore store) =>
            store.Remove(id) ? ApiResults.Empty() : throw GoogleErrors.NotFound($"Webhook {id} does not exist."));

        api.MapPost("/webhooks/{id}:rotateSigningSecret", async (string id, HttpContext context, StaticWebhookStore store, RuntimeSettings settings, TimeProvider time) =>
        {
            var webhook = Get(store, id);
            var body = await EmulatorJson.ReadObjectAsync(context.Request, allowEmpty: true, context.RequestAborted);
            var behavior = EmulatorJson.String(body, "revocationBehavior")?.ToLowerInvariant() ?? "revoke_previous_secrets_after_h24";
            if (behavior is not ("revoke_previous_secrets_after_h24" or "revoke_previous_secrets_immediately"))
            {
                throw GoogleErrors.InvalidArgument($"Invalid revocation_behavior '{behavior}'.");
            }

            var now = time.GetUtcNow();
            var secret = StaticWebhook.NewSecret();
            lock (webhook.Gate)
            {
                if (behavior == "revoke_previous_secrets_immediately")
                {
                    webhook.Secrets.Clear();
                }
                else
                {
                    var expiry = now + settings.Current.SecretRotationOverlap;
                    foreach (var previous in webhook.Secrets.Where(s => s.IsValid(now)))
                    {
                        previous.ExpireTime = previous.ExpireTime is { } existing && existing < expiry ? existing : expiry;
                    }

                    webhook.Secrets.RemoveAll(s => !s.IsValid(now));
                }

                webhook.Secrets.Add(new SigningSecret(secret, now));
                webhook.UpdateTime = now;
            }

            return ApiResults.Json(new JsonObject { ["secret"] = secret });
        });

        api.MapPost("/webhooks/{id}:ping", (string id, StaticWebhookStore store, WebhookDispatcher dispatcher) =>
        {
            dispatcher.Ping(Get(store, id));
            return ApiResults.Empty();
        });
    }

    private static StaticWebhook Get(StaticWebhookStore store, string id) =>
        store.Find(id) ?? throw GoogleErrors.NotFound($"Webhook {id} does not exist.");

    private static string RequireUri(string? uri) =>
        uri is not null && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw GoogleErrors.InvalidArgument("'uri' is required and must be an absolute http(s) URI.");

    private static List<string> RequireEvents(JsonObject? body)
    {
        var events = (EmulatorJson.Array(body, "subscribedEvents") ?? [])
            .Select(e => e is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw GoogleErrors.InvalidArgument("'subscribed_events' must be a list of strings."))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return events.Count > 0 ? events : throw GoogleErrors.InvalidArgument("'subscribed_events' must not be empty.");
    }
}
