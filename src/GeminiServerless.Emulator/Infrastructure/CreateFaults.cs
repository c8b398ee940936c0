using GeminiServerless.Emulator.Errors;

namespace GeminiServerless.Emulator.Infrastructure;

/// <summary>The create-call knobs: injected 429/503 answers before creating, and slow answers after creating.</summary>
internal sealed class CreateFaults(RuntimeSettings settings, EmulatorRandom random, TimeProvider time)
{
    public void ThrowIfInjected()
    {
        var current = settings.Current;
        if (random.Chance(current.CreateRateLimitRate))
        {
            var details = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.RetryInfo",
                ["retryDelay"] = "1s",
            });
            throw new GoogleApiException(RpcCode.ResourceExhausted, "Resource has been exhausted (e.g. check quota). Injected by the emulator.", details);
        }

        if (random.Chance(current.CreateUnavailableRate))
        {
            throw new GoogleApiException(RpcCode.Unavailable, "The model is overloaded. Please try again later. Injected by the emulator.");
        }
    }

    public async Task DelayResponseAsync(CancellationToken cancellationToken)
    {
        var delay = settings.Current.CreateResponseDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }
    }
}
