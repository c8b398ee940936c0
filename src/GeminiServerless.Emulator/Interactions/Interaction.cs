using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Errors;
using GeminiServerless.Emulator.Infrastructure;
using GeminiServerless.Emulator.Outputs;
using GeminiServerless.Emulator.Webhooks;

namespace GeminiServerless.Emulator.Interactions;

/// <summary>An Interactions API resource (snake_case surface, lower-case status).</summary>
internal sealed class Interaction
{
    public Lock Gate { get; } = new();

    public required string Id { get; init; }

    public string? Model { get; init; }

    public string? Agent { get; init; }

    public bool Background { get; init; }

    public required JsonObject GenerationRequest { get; init; }

    public WebhookConfig? Webhook { get; init; }

    public string? WebhookConfigJson { get; init; }

    public Faults Faults { get; init; }

    public DateTimeOffset Created { get; init; }

    public string Status { get; set; } = "in_progress";

    public DateTimeOffset Updated { get; set; }

    public string? OutputText { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public RpcError? Error { get; set; }

    public bool IsTerminal => Status is not ("in_progress" or "queued" or "requires_action");

    public JsonObject ToJson()
    {
        lock (Gate)
        {
            var json = new JsonObject { ["id"] = Id };
            if (Model is not null)
            {
                json["model"] = Model;
            }

            if (Agent is not null)
            {
                json["agent"] = Agent;
            }

            json["status"] = Status;
            json["created"] = Formats.SecondsTimestamp(Created);
            json["updated"] = Formats.SecondsTimestamp(Updated);
            json["role"] = "model";
            if (OutputText is not null)
            {
                json["steps"] = new JsonArray(new JsonObject
                {
                    ["type"] = "model_output",
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = OutputText }),
                });
                json["output_text"] = OutputText;
                json["usage"] = new JsonObject
                {
                    ["total_input_tokens"] = InputTokens,
                    ["total_output_tokens"] = OutputTokens,
                    ["total_tokens"] = InputTokens + OutputTokens,
                };
            }
            else
            {
                json["steps"] = new JsonArray();
            }

            if (Error is not null)
            {
                json["errors"] = new JsonArray(GoogleErrors.Status(Error));
            }

            if (WebhookConfigJson is not null)
            {
                json["webhook_config"] = JsonNode.Parse(WebhookConfigJson);
            }

            return json;
        }
    }
}
