using GeminiServerless.Core.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GeminiServerless.Core.Tests.Webhooks;

public sealed class WebhookOptionsTests
{
    private const string Secret = "whsec_0Zl4qnPgq//k2982dq+N1dUOv/5Z/RuiH4IXh/KhkD0=";

    [Theory]
    [InlineData("https://myapp.azurewebsites.net", "inst-1", "https://myapp.azurewebsites.net/api/webhooks/gemini/inst-1")]
    [InlineData("https://myapp.azurewebsites.net/", "inst-1", "https://myapp.azurewebsites.net/api/webhooks/gemini/inst-1")]
    [InlineData("https://tunnel.test//", "p1:0-transcribe", "https://tunnel.test/api/webhooks/gemini/p1%3A0-transcribe")]
    [InlineData("http://127.0.0.1:7071", "a b/c", "http://127.0.0.1:7071/api/webhooks/gemini/a%20b%2Fc")]
    public void WebhookUrlFor_JoinsTheBaseUrlAndTheEscapedInstanceId(string baseUrl, string instanceId, string expected)
    {
        var options = new WebhookOptions { PublicBaseUrl = baseUrl };

        Assert.Equal(expected, options.WebhookUrlFor(instanceId));
    }

    [Fact]
    public void WebhookUrlFor_RejectsAnEmptyInstanceId()
    {
        Assert.Throws<ArgumentException>(() => new WebhookOptions { PublicBaseUrl = "https://x.test" }.WebhookUrlFor(""));
    }

    [Fact]
    public void Defaults_MatchTheDocumentedValues()
    {
        var options = new WebhookOptions();

        Assert.Equal(
            (TimeSpan.FromMinutes(5), 256 * 1024, TimeSpan.FromHours(1), TimeSpan.FromSeconds(30), true),
            (options.TimestampTolerance, options.MaxBodyBytes, options.JwksCacheDuration, options.JwksMinimumRefreshInterval, options.ValidateAudience));
    }

    [Fact]
    public void Settings_AreBoundFromTheWebhooksSection()
    {
        using var provider = BuildProvider(new()
        {
            ["Webhooks:PublicBaseUrl"] = "https://myapp.test",
            ["Webhooks:JwksUrl"] = "https://jwks.test/keys",
            ["Webhooks:Issuer"] = "https://issuer.test",
            ["Webhooks:Audience"] = "aud-1",
            ["Webhooks:ValidateAudience"] = "false",
            ["Webhooks:SigningSecrets"] = Secret,
            ["Webhooks:TimestampTolerance"] = "00:02:00",
            ["Webhooks:MaxBodyBytes"] = "1000",
        });

        var options = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;

        Assert.Equal(
            ("https://myapp.test", "https://jwks.test/keys", "https://issuer.test", "aud-1", false, Secret, TimeSpan.FromMinutes(2), 1000),
            (options.PublicBaseUrl, options.JwksUrl, options.Issuer, options.Audience, options.ValidateAudience, options.SigningSecrets, options.TimestampTolerance, options.MaxBodyBytes));
    }

    [Fact]
    public void ValidSettings_PassStartupValidation()
    {
        using var provider = BuildProvider(new() { ["Webhooks:PublicBaseUrl"] = "https://myapp.test", ["Webhooks:SigningSecrets"] = Secret });

        var exception = Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Null(exception);
    }

    [Theory]
    [InlineData("Webhooks:PublicBaseUrl", "", "PublicBaseUrl")]
    [InlineData("Webhooks:PublicBaseUrl", "/relative", "PublicBaseUrl")]
    [InlineData("Webhooks:PublicBaseUrl", "ftp://myapp.test", "PublicBaseUrl")]
    [InlineData("Webhooks:JwksUrl", "jwks.json", "JwksUrl")]
    [InlineData("Webhooks:SigningSecrets", "whsec_short", "SigningSecrets")]
    [InlineData("Webhooks:TimestampTolerance", "00:00:00", "TimestampTolerance")]
    [InlineData("Webhooks:MaxBodyBytes", "0", "MaxBodyBytes")]
    [InlineData("Webhooks:JwksCacheDuration", "-00:01:00", "JwksCacheDuration")]
    public void InvalidSetting_FailsStartupValidationNamingTheSetting(string key, string value, string settingName)
    {
        var settings = new Dictionary<string, string?> { ["Webhooks:PublicBaseUrl"] = "https://myapp.test", [key] = value };
        using var provider = BuildProvider(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(settingName, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidSecret_ValidationMessageDoesNotContainTheSecret()
    {
        const string badSecret = "whsec_c2VjcmV0LXZhbHVl!";
        using var provider = BuildProvider(new() { ["Webhooks:PublicBaseUrl"] = "https://myapp.test", ["Webhooks:SigningSecrets"] = Secret + "," + badSecret });

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.DoesNotContain("c2VjcmV0LXZhbHVl", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_ResolvesTheCompositeVerifierAsASingleton()
    {
        using var provider = BuildProvider(new() { ["Webhooks:PublicBaseUrl"] = "https://myapp.test" });

        var first = provider.GetRequiredService<IWebhookVerifier>();
        var second = provider.GetRequiredService<IWebhookVerifier>();

        Assert.Equal((true, true), (first is GeminiWebhookVerifier, ReferenceEquals(first, second)));
    }

    [Fact]
    public void Registration_AddsTheSystemTimeProviderWhenNoneIsRegistered()
    {
        using var provider = BuildProvider(new() { ["Webhooks:PublicBaseUrl"] = "https://myapp.test" });

        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Registration_KeepsATimeProviderRegisteredEarlier()
    {
        var fake = new FakeTimeProvider();
        using var provider = BuildProvider(new() { ["Webhooks:PublicBaseUrl"] = "https://myapp.test" }, services => services.AddSingleton<TimeProvider>(fake));

        Assert.Same(fake, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Registration_BoundsEachJwksFetchWithATotalTimeout()
    {
        using var provider = BuildProvider(new() { ["Webhooks:PublicBaseUrl"] = "https://myapp.test" });

        var resilience = provider.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(JwksKeyProvider.HttpClientName + "-standard");

        Assert.Equal(WebhookServiceCollectionExtensions.JwksRequestTimeout, resilience.TotalRequestTimeout.Timeout);
    }

    [Fact]
    public async Task RegisteredVerifier_VerifiesAnHmacDeliveryUsingTheRegisteredClock()
    {
        var vector = HmacVector.All[0];
        var fake = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(vector.VerifyAtUnix));
        using var provider = BuildProvider(
            new() { ["Webhooks:PublicBaseUrl"] = "https://myapp.test", ["Webhooks:SigningSecrets"] = vector.Secret },
            services => services.AddSingleton<TimeProvider>(fake));
        var verifier = provider.GetRequiredService<IWebhookVerifier>();

        var result = await verifier.VerifyAsync(new WebhookRequest(vector.Body, vector.MsgId, vector.Timestamp, vector.SignatureHeader, ""));

        Assert.Equal((true, vector.MsgId), (result.IsValid, result.DeliveryId));
    }

    [Fact]
    public async Task RegisteredVerifier_WithoutKeyMaterial_FailsClosed()
    {
        var vector = HmacVector.All[0];
        var fake = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(vector.VerifyAtUnix));
        using var provider = BuildProvider(new() { ["Webhooks:PublicBaseUrl"] = "https://myapp.test" }, services => services.AddSingleton<TimeProvider>(fake));
        var verifier = provider.GetRequiredService<IWebhookVerifier>();

        var result = await verifier.VerifyAsync(new WebhookRequest(vector.Body, vector.MsgId, vector.Timestamp, vector.SignatureHeader, ""));

        Assert.Equal((false, WebhookFailureCodes.NoKeyMaterial), (result.IsValid, result.Failure));
    }

    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        before?.Invoke(services);
        services.AddGeminiWebhookVerification(configuration);
        return services.BuildServiceProvider();
    }
}
