using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace GeminiServerless.Emulator.Infrastructure;

/// <summary>Random source of the fault knobs; seedable so a test run can be repeated.</summary>
[SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "Fault injection, not security.")]
internal sealed class EmulatorRandom(IOptions<EmulatorOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Random _random = options.Value.RandomSeed is { } seed ? new Random(seed) : new Random();

    public double NextDouble()
    {
        lock (_gate)
        {
            return _random.NextDouble();
        }
    }

    public bool Chance(double rate) => rate > 0 && NextDouble() < rate;

    public TimeSpan UpTo(TimeSpan max) => max <= TimeSpan.Zero ? TimeSpan.Zero : max * NextDouble();
}
