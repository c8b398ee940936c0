using Microsoft.Extensions.Options;

namespace GeminiServerless.Emulator.Infrastructure;

/// <summary>The current knobs: start from the bound options, replaced atomically by <c>POST /emulator/config</c>.</summary>
internal sealed class RuntimeSettings(IOptions<EmulatorOptions> options)
{
    private readonly Lock _gate = new();
    private EmulatorOptions _current = options.Value.Clone();

    public EmulatorOptions Current => Volatile.Read(ref _current);

    public EmulatorOptions Update(Action<EmulatorOptions> change)
    {
        lock (_gate)
        {
            var next = _current.Clone();
            change(next);
            var problems = next.Validate().ToList();
            if (problems.Count > 0)
            {
                throw Errors.GoogleErrors.InvalidArgument(string.Join(" ", problems));
            }

            Volatile.Write(ref _current, next);
            return next;
        }
    }
}
