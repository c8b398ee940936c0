using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Admin;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Outputs;
using GeminiServerless.Emulator.Webhooks;

namespace GeminiServerless.Emulator.Interactions;

/// <summary>Interactions API: foreground interactions complete at once, background ones after the completion delay.</summary>
internal sealed class InteractionService(
    ContentGenerator generator,
    WebhookDispatcher dispatcher,
    JobScheduler scheduler,
    RuntimeSettings settings,
    EmulatorLog log,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Interaction> _interactions = new(StringComparer.Ordinal);

    public Interaction Create(JsonObject? body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var model = EmulatorJson.String(body, "model");
        var agent = EmulatorJson.String(body, "agent");
        if (model is null == (agent is null))
        {
            throw GoogleErrors.InvalidArgument("Exactly one of 'model' or 'agent' is required.");
        }

        var input = EmulatorJson.Field(body, "input") ?? throw GoogleErrors.InvalidArgument("'input' is required.");
        var background = EmulatorJson.Bool(body, "background") ?? false;
        if (EmulatorJson.Bool(body, "stream") == true)
        {
            throw GoogleErrors.InvalidArgument("Streaming interactions are not supported by the emulator.");
        }

        var webhook = WebhookConfig.Parse(body);
        if (webhook is not null && !background)
        {
            throw GoogleErrors.InvalidArgument("'webhook_config' requires 'background': true.");
        }

        var request = ToGenerateContentRequest(body, input);
        var now = time.GetUtcNow();
        var interaction = new Interaction
        {
            Id = Ids.New(24),
            Model = model,
            Agent = agent,
            Background = background,
            GenerationRequest = request,
            Webhook = webhook,
            WebhookConfigJson = EmulatorJson.Field(body, "webhookConfig") is { } raw ? EmulatorJson.Serialize(raw) : null,
            Faults = generator.Scan(request),
            Created = now,
            Updated = now,
        };

        if (!background)
        {
            var outcome = generator.Generate(model ?? agent!, request);
            if (outcome.Error is { } error)
            {
                throw GoogleErrors.From(error);
            }

            Apply(interaction, outcome);
            _interactions[interaction.Id] = interaction;
            log.CountCreate("interaction");
            return interaction;
        }

        _interactions[interaction.Id] = interaction;
        log.CountCreate("interaction");
        var current = settings.Current;
        var delay = interaction.Faults.HasFlag(Faults.Slow) ? current.CompletionDelay * current.SlowFactor : current.CompletionDelay;
        scheduler.After(delay, () => Complete(interaction));
        return interaction;
    }

    public Interaction Get(string id) =>
        _interactions.TryGetValue(id, out var interaction) ? interaction : throw GoogleErrors.NotFound($"Interaction {id} does not exist.");

    public Interaction Cancel(string id)
    {
        var interaction = Get(id);
        if (!interaction.Background)
        {
            throw GoogleErrors.FailedPrecondition("Only background interactions can be cancelled.");
        }

        lock (interaction.Gate)
        {
            if (interaction.IsTerminal)
            {
                return interaction;
            }

            interaction.Status = "cancelled";
            interaction.Updated = time.GetUtcNow();
        }

        Publish(interaction, "interaction.cancelled", new JsonObject { ["id"] = interaction.Id });
        return interaction;
    }

    public void Delete(string id)
    {
        if (!_interactions.TryRemove(id, out var interaction))
        {
            throw GoogleErrors.NotFound($"Interaction {id} does not exist.");
        }

        lock (interaction.Gate)
        {
            if (!interaction.IsTerminal)
            {
                interaction.Status = "cancelled";
            }
        }
    }

    public void Clear() => _interactions.Clear();

    private void Complete(Interaction interaction)
    {
        if (interaction.IsTerminal || !_interactions.ContainsKey(interaction.Id))
        {
            return;
        }

        RpcError? failure = null;
        GenerationOutcome? outcome = null;
        if (interaction.Faults.HasFlag(Faults.JobFailed))
        {
            failure = new RpcError(RpcCode.Internal, "The interaction failed (marker [emulator:job-failed]).");
        }
        else if (interaction.Faults.HasFlag(Faults.JobExpired))
        {
            failure = new RpcError(RpcCode.DeadlineExceeded, "The interaction ran out of time (marker [emulator:job-expired]).");
        }
        else
        {
            outcome = generator.Generate(interaction.Model ?? interaction.Agent!, interaction.GenerationRequest);
            failure = outcome.Error;
        }

        lock (interaction.Gate)
        {
            if (interaction.IsTerminal)
            {
                return;
            }

            if (failure is not null)
            {
                interaction.Status = "failed";
                interaction.Error = failure;
                interaction.Updated = time.GetUtcNow();
            }
            else
            {
                Apply(interaction, outcome!);
            }
        }

        if (interaction.Status == "failed")
        {
            var error = interaction.Error!;
            Publish(interaction, "interaction.failed", new JsonObject
            {
                ["id"] = interaction.Id,
                ["error_code"] = error.Code.Code,
                ["error_message"] = error.Message,
            });
        }
        else
        {
            Publish(interaction, "interaction.completed", new JsonObject { ["id"] = interaction.Id });
        }
    }

    private void Apply(Interaction interaction, GenerationOutcome outcome)
    {
        var response = outcome.Response!;
        var usage = response["usageMetadata"] as JsonObject;
        interaction.InputTokens = usage?["promptTokenCount"]?.GetValue<int>() ?? 0;
        interaction.OutputTokens = usage?["candidatesTokenCount"]?.GetValue<int>() ?? 0;
        interaction.Updated = time.GetUtcNow();
        if (response["candidates"] is not JsonArray { Count: > 0 } candidates)
        {
            interaction.Status = "failed";
            interaction.Error = new RpcError(RpcCode.InvalidArgument, "The input was blocked (SAFETY).");
            return;
        }

        var candidate = (JsonObject)candidates[0]!;
        interaction.OutputText = string.Concat(((JsonArray)candidate["content"]!["parts"]!).Select(p => p?["text"]?.GetValue<string>()));
        interaction.Status = candidate["finishReason"]?.GetValue<string>() == "MAX_TOKENS" ? "incomplete" : "completed";
    }

    private void Publish(Interaction interaction, string type, JsonObject data) =>
        dispatcher.Publish(new JobEvent(type, "interactions/" + interaction.Id, data, interaction.Webhook, interaction.Faults));

    /// <summary>Maps the snake_case interaction input onto a GenerateContentRequest for the shared generator.</summary>
    private static JsonObject ToGenerateContentRequest(JsonObject body, JsonNode input)
    {
        var parts = new JsonArray();
        AddInput(parts, input);
        var request = new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = parts }),
        };
        if (EmulatorJson.Field(body, "systemInstruction") is JsonValue system && system.TryGetValue<string>(out var systemText))
        {
            request["systemInstruction"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = systemText }) };
        }

        var generationConfig = new JsonObject();
        var config = EmulatorJson.Object(body, "generationConfig");
        if (EmulatorJson.Int64(config, "maxOutputTokens") is { } maxTokens)
        {
            generationConfig["maxOutputTokens"] = maxTokens;
        }

        if (EmulatorJson.String(body, "responseMimeType") is { } mime)
        {
            generationConfig["responseMimeType"] = mime;
        }

        request["generationConfig"] = generationConfig;
        return request;
    }

    private static void AddInput(JsonArray parts, JsonNode? input)
    {
        switch (input)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                parts.Add(new JsonObject { ["text"] = text });
                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    AddInput(parts, item);
                }

                break;
            case JsonObject turn when EmulatorJson.Field(turn, "content") is { } content:
                AddInput(parts, content);
                break;
            case JsonObject block:
                AddBlock(parts, block);
                break;
            default:
                throw GoogleErrors.InvalidArgument("'input' must be a string, a list of content blocks or a list of turns.");
        }
    }

    private static void AddBlock(JsonArray parts, JsonObject block)
    {
        var type = EmulatorJson.String(block, "type");
        if (type == "text")
        {
            parts.Add(new JsonObject { ["text"] = EmulatorJson.String(block, "text") ?? string.Empty });
            return;
        }

        if (type is not ("audio" or "image" or "video" or "document"))
        {
            return;
        }

        var mimeType = EmulatorJson.String(block, "mimeType") ?? (type == "document" ? "application/pdf" : type + "/unknown");
        if (EmulatorJson.String(block, "uri") is { } uri)
        {
            parts.Add(new JsonObject { ["fileData"] = new JsonObject { ["fileUri"] = uri, ["mimeType"] = mimeType } });
        }
        else if (EmulatorJson.String(block, "data") is { } data)
        {
            parts.Add(new JsonObject { ["inlineData"] = new JsonObject { ["data"] = data, ["mimeType"] = mimeType } });
        }
    }
}
