using System.Text.Json;

namespace GeminiServerless.Core.Tests.Webhooks;

/// <summary>The RS256 vectors in TestData/jwt-vectors.json (made with the jose library).</summary>
internal sealed record JwtVector(string Name, string Token, bool ExpectedValid, string? Jti);

internal static class JwtVectors
{
    private static readonly Lazy<Data> _data = new(Load);

    public static string JwksJson => _data.Value.JwksJson;

    public static string Issuer => _data.Value.Issuer;

    public static string Audience => _data.Value.Audience;

    public static DateTimeOffset Now => _data.Value.Now;

    public static IReadOnlyList<JwtVector> All => _data.Value.Tokens;

    public static JwtVector Named(string name) => All.Single(v => v.Name == name);

    public static JwtVector Containing(string fragment) => All.Single(v => v.Name.Contains(fragment, StringComparison.Ordinal));

    private static Data Load()
    {
        using var document = TestDataFiles.Load("jwt-vectors.json");
        var root = document.RootElement;
        var verify = root.GetProperty("verifyOptions");
        var tokens = root.GetProperty("tokens").EnumerateArray()
            .Select(t => new JwtVector(
                t.GetProperty("name").GetString()!,
                t.GetProperty("token").GetString()!,
                t.GetProperty("expected").GetString() == "valid",
                t.GetProperty("claims").TryGetProperty("jti", out var jti) ? jti.GetString() : null))
            .ToArray();
        return new Data(
            root.GetProperty("jwks").GetRawText(),
            verify.GetProperty("issuer").GetString()!,
            verify.GetProperty("audience").GetString()!,
            DateTimeOffset.FromUnixTimeSeconds(verify.GetProperty("currentDateUnix").GetInt64()),
            tokens);
    }

    private sealed record Data(string JwksJson, string Issuer, string Audience, DateTimeOffset Now, JwtVector[] Tokens);
}
