using System.Text.Json;

namespace GeminiServerless.Core.Tests.Webhooks;

/// <summary>The Standard Webhooks vectors in TestData/hmac-vectors.json (made with the standardwebhooks library).</summary>
internal sealed record HmacVector(
    string Name,
    string Secret,
    string[] Secrets,
    string MsgId,
    string Timestamp,
    byte[] Body,
    string SignatureHeader,
    long VerifyAtUnix,
    bool ExpectedValid,
    (string Secret, bool Valid)[] ExpectedPerSecret)
{
    private static readonly Lazy<HmacVector[]> _all = new(Load);

    public static IReadOnlyList<HmacVector> All => _all.Value;

    public static HmacVector Named(string name) => All.Single(v => v.Name == name);

    public static HmacVector Rotation => All.Single(v => v.ExpectedPerSecret.Length > 0);

    private static HmacVector[] Load()
    {
        using var document = TestDataFiles.Load("hmac-vectors.json");
        return document.RootElement.GetProperty("vectors").EnumerateArray().Select(Parse).ToArray();
    }

    private static HmacVector Parse(JsonElement v)
    {
        var headers = v.GetProperty("headers");
        var secrets = v.TryGetProperty("secrets", out var s) ? s.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];
        var perSecret = v.TryGetProperty("expectedPerSecret", out var p)
            ? p.EnumerateArray().Select(e => (e.GetProperty("secret").GetString()!, e.GetProperty("expected").GetString() == "valid")).ToArray()
            : [];
        return new HmacVector(
            v.GetProperty("name").GetString()!,
            v.GetProperty("secret").GetString()!,
            secrets,
            headers.GetProperty("webhook-id").GetString()!,
            headers.GetProperty("webhook-timestamp").GetString()!,
            Convert.FromBase64String(v.GetProperty("bodyUtf8Base64").GetString()!),
            headers.GetProperty("webhook-signature").GetString()!,
            v.GetProperty("verifyAtUnix").GetInt64(),
            v.GetProperty("expected").GetString() == "valid",
            perSecret);
    }
}
