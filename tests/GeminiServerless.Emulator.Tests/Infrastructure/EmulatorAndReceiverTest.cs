namespace GeminiServerless.Emulator.Tests.Infrastructure;

/// <summary>Base of the tests that need a running emulator and a webhook receiver, both started per test.</summary>
public abstract class EmulatorAndReceiverTest : IAsyncLifetime
{
    protected const string CreatePath = "v1/models/gemini-2.5-flash:batchGenerateContent";

    protected TestEmulator Emulator { get; private set; } = null!;

    protected WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await TestEmulator.StartAsync();
        Receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
