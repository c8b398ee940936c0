using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using GeminiServerless.Core.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StandardWebhooks;

namespace GeminiServerless.Benchmarks;

/// <summary>One signed delivery, verified by our verifier and by the <c>StandardWebhooks</c> package.</summary>
internal sealed class SignedDelivery
{
    public SignedDelivery()
    {
        Secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Id = "msg_2b7dQh0yQm1V7xD9sK3eLr8TnA4";
        Timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        BodyText = """{"type":"batch.succeeded","version":"v1","timestamp":"2026-05-05T12:00:00Z","data":{"id":"batches/o08hk76gv328ihxcssjsgwt3g6omtfysxi46","output_file_uri":"files/batch-o08hk76gv328ihxcssjsgwt3g6omtfysxi46"},"user_metadata":{"instanceId":"orch-7f3a0c2e","stage":"transcribe"}}""";
        Body = Encoding.UTF8.GetBytes(BodyText);
        Signature = StandardWebhookVerifier.Sign(Secret, Id, long.Parse(Timestamp, CultureInfo.InvariantCulture), Body);
        Ours = new StandardWebhookVerifier(Options.Create(new WebhookOptions { SigningSecrets = Secret }), TimeProvider.System);
        OurRequest = new WebhookRequest(Body, Id, Timestamp, Signature, "https://app.example/api/webhooks/gemini/x");
        Peer = new StandardWebhook(Secret);
        PeerHeaders = new HeaderDictionary
        {
            ["webhook-id"] = Id,
            ["webhook-timestamp"] = Timestamp,
            ["webhook-signature"] = Signature,
        };
    }

    public string Secret { get; }
    public string Id { get; }
    public string Timestamp { get; }
    public string BodyText { get; }
    public byte[] Body { get; }
    public string Signature { get; }
    public StandardWebhookVerifier Ours { get; }
    public WebhookRequest OurRequest { get; }
    public StandardWebhook Peer { get; }
    public HeaderDictionary PeerHeaders { get; }

    public bool VerifyOurs() => Ours.Verify(OurRequest).IsValid;

    /// <summary>The package throws on a bad delivery and returns nothing on a good one.</summary>
    public bool VerifyPeer()
    {
        Peer.Verify(BodyText, PeerHeaders);
        return true;
    }
}

/// <summary>A Stopwatch harness: ns/op and bytes allocated/op for each verifier.</summary>
internal static class HmacBenchmark
{
    public static void Run(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var delivery = new SignedDelivery();
        if (!delivery.VerifyOurs() || !delivery.VerifyPeer())
        {
            throw new InvalidOperationException("A verifier rejected the valid delivery.");
        }

        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "HMAC verification benchmark ({0:N0} iterations, {1}-byte body, 1 secret, 1 signature)", iterations, delivery.Body.Length));
        Measure("GeminiServerless StandardWebhookVerifier", delivery.VerifyOurs, iterations);
        Measure("StandardWebhooks 1.1.2 (NuGet)", delivery.VerifyPeer, iterations);
    }

    private static void Measure(string name, Func<bool> verify, int iterations)
    {
        for (var i = 0; i < Math.Min(iterations, 20_000); i++)
        {
            verify();
        }

        GC.Collect();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var valid = 0;
        for (var i = 0; i < iterations; i++)
        {
            if (verify())
            {
                valid++;
            }
        }

        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-42} {1,8:0.0} ns/op {2,8:0.0} B/op  ({3:N0} valid)",
            name, watch.Elapsed.TotalNanoseconds / iterations, allocated / (double)iterations, valid));
    }
}

/// <summary>The same comparison under BenchmarkDotNet (<c>hmac-bdn</c>).</summary>
[MemoryDiagnoser]
public class HmacVerifierBenchmarks
{
    private readonly SignedDelivery _delivery = new();

    [Benchmark(Baseline = true)]
    public bool GeminiServerlessVerifier() => _delivery.VerifyOurs();

    [Benchmark]
    public bool StandardWebhooksPackage() => _delivery.VerifyPeer();
}
