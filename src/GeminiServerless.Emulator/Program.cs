using GeminiServerless.Emulator;

await using var app = EmulatorHost.Create(args);
await app.RunAsync();
