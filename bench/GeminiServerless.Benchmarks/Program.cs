using GeminiServerless.Benchmarks;

// dotnet run -c Release --project bench/GeminiServerless.Benchmarks -- [upload [size] [--emulator-url URL]] [hmac] [hmac-bdn]
var command = args.Length > 0 ? args[0] : "all";
var rest = args.Skip(1).ToArray();
switch (command)
{
    case "upload":
        return await UploadBenchmark.RunAsync(rest);
    case "hmac":
        HmacBenchmark.Run(rest);
        return 0;
    case "hmac-bdn":
        BenchmarkDotNet.Running.BenchmarkRunner.Run<HmacVerifierBenchmarks>(args: rest);
        return 0;
    case "all":
        HmacBenchmark.Run([]);
        Console.WriteLine();
        return await UploadBenchmark.RunAsync([]);
    default:
        Console.Error.WriteLine("Usage: upload [size, e.g. 1GiB | 256MiB | bytes] [--emulator-url URL] | hmac [iterations] | hmac-bdn | all");
        return 2;
}
