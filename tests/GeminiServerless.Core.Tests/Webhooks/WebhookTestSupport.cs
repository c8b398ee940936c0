using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using GeminiServerless.Core.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GeminiServerless.Core.Tests.Webhooks;

internal static class TestDataFiles
{
    public static JsonDocument Load(string fileName) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", fileName)));
}

/// <summary>Serves canned responses and counts the requests it received.</summary>
internal sealed class StubHttpMessageHandler : HttpMessageHandler
{
    private Func<HttpRequestMessage, HttpResponseMessage> _responder;
    private int _requestCount;

    public StubHttpMessageHandler(Func<HttpRequestMessage, HttpResponseMessage> responder)
    {
        _responder = responder;
    }

    public int RequestCount => Volatile.Read(ref _requestCount);

    public List<Uri?> RequestUris { get; } = [];

    public static StubHttpMessageHandler ServingJson(string json) => new(_ => Json(json));

    public static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    public void Serve(Func<HttpRequestMessage, HttpResponseMessage> responder) => _responder = responder;

    public void ServeJson(string json) => _responder = _ => Json(json);

    public void ServeStatus(HttpStatusCode status) => _responder = _ => new HttpResponseMessage(status);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requestCount);
        lock (RequestUris)
        {
            RequestUris.Add(request.RequestUri);
        }

        return Task.FromResult(_responder(request));
    }
}

internal sealed class StubHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
}

/// <summary>An RSA key pair with a kid, able to publish its JWKS entry and sign tokens.</summary>
internal sealed class TestRsaKey : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public TestRsaKey(string? keyId)
    {
        KeyId = keyId;
    }

    public string? KeyId { get; }

    public Dictionary<string, string> Jwk
    {
        get
        {
            var parameters = _rsa.ExportParameters(includePrivateParameters: false);
            var jwk = new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
            if (KeyId is not null)
            {
                jwk["kid"] = KeyId;
            }

            return jwk;
        }
    }

    public static string JwksJson(params TestRsaKey[] keys) =>
        JsonSerializer.Serialize(new { keys = keys.Select(k => k.Jwk).ToArray() });

    public string CreateToken(
        DateTimeOffset now,
        string audience,
        string issuer = JwtTestDefaults.Issuer,
        TimeSpan? lifetime = null,
        bool includeExpiry = true,
        IDictionary<string, object>? claims = null,
        string? jti = "jti-1")
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var allClaims = new Dictionary<string, object>(claims ?? new Dictionary<string, object>());
        if (jti is not null)
        {
            allClaims["jti"] = jti;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = includeExpiry ? (now + (lifetime ?? TimeSpan.FromMinutes(10))).UtcDateTime : null,
            Claims = allClaims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        };
        return handler.CreateToken(descriptor);
    }

    public void Dispose() => _rsa.Dispose();
}

internal static class JwtTestDefaults
{
    public const string Issuer = "https://gemini-emulator.local";
    public const string JwksUrl = "https://jwks.test/.well-known/jwks.json";
    public const string PublicBaseUrl = "https://example.test";
    public const string InstanceId = "inst-1";
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>Builds the real verifiers over a <see cref="FakeTimeProvider"/> and a stub JWKS endpoint.</summary>
internal sealed class VerifierHarness : IDisposable
{
    public VerifierHarness(WebhookOptions options, DateTimeOffset now, StubHttpMessageHandler? jwksHandler = null)
    {
        Options = options;
        Time = new FakeTimeProvider(now);
        JwksHandler = jwksHandler ?? new StubHttpMessageHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        KeyProvider = new JwksKeyProvider(new StubHttpClientFactory(JwksHandler), wrapped, Time, NullLogger<JwksKeyProvider>.Instance);
        Hmac = new StandardWebhookVerifier(wrapped, Time);
        Jwt = new JwksWebhookVerifier(KeyProvider, wrapped, Time);
        Composite = new GeminiWebhookVerifier(Hmac, Jwt, wrapped);
    }

    public WebhookOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public StubHttpMessageHandler JwksHandler { get; }

    public JwksKeyProvider KeyProvider { get; }

    public StandardWebhookVerifier Hmac { get; }

    public JwksWebhookVerifier Jwt { get; }

    public GeminiWebhookVerifier Composite { get; }

    public static VerifierHarness ForJwks(string jwksJson, DateTimeOffset? now = null, Action<WebhookOptions>? configure = null)
    {
        var options = new WebhookOptions
        {
            PublicBaseUrl = JwtTestDefaults.PublicBaseUrl,
            JwksUrl = JwtTestDefaults.JwksUrl,
            Issuer = JwtTestDefaults.Issuer,
        };
        configure?.Invoke(options);
        return new VerifierHarness(options, now ?? JwtTestDefaults.Now, StubHttpMessageHandler.ServingJson(jwksJson));
    }

    public string ExpectedAudience => Options.WebhookUrlFor(JwtTestDefaults.InstanceId);

    public WebhookRequest JwtRequest(string token, byte[]? body = null, string? webhookId = null, string? timestamp = null) =>
        new(body ?? "{\"type\":\"batch.succeeded\"}"u8.ToArray(), webhookId, timestamp, token, ExpectedAudience);

    public void Dispose()
    {
        KeyProvider.Dispose();
        JwksHandler.Dispose();
    }
}
