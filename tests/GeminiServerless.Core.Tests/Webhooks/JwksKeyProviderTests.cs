using System.Net;
using GeminiServerless.Core.Webhooks;

namespace GeminiServerless.Core.Tests.Webhooks;

public sealed class JwksKeyProviderTests : IDisposable
{
    private readonly TestRsaKey _key1 = new("k1");
    private readonly TestRsaKey _key2 = new("k2");
    private readonly TestRsaKey _key3 = new("k3");

    public void Dispose()
    {
        _key1.Dispose();
        _key2.Dispose();
        _key3.Dispose();
    }

    [Fact]
    public async Task ManyVerifications_FetchTheJwksOnce()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1, _key2));
        var token1 = _key1.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);
        var token2 = _key2.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await harness.Jwt.VerifyAsync(harness.JwtRequest(i % 2 == 0 ? token1 : token2))).IsValid);
            harness.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(1, harness.JwksHandler.RequestCount);
    }

    [Fact]
    public async Task JwksIsFetchedFromTheConfiguredUrl()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        var token = _key1.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal([new Uri(JwtTestDefaults.JwksUrl)], harness.JwksHandler.RequestUris);
    }

    [Fact]
    public async Task ConcurrentVerifications_ShareOneFetch()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        var token = _key1.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => harness.Jwt.VerifyAsync(harness.JwtRequest(token)))));

        Assert.Equal((16, 1), (results.Count(r => r.IsValid), harness.JwksHandler.RequestCount));
    }

    [Fact]
    public async Task CachedJwks_IsFetchedAgainAfterTheCacheDuration()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        await harness.KeyProvider.GetKeysAsync("k1");
        harness.Time.Advance(harness.Options.JwksCacheDuration + TimeSpan.FromSeconds(1));

        await harness.KeyProvider.GetKeysAsync("k1");

        Assert.Equal(2, harness.JwksHandler.RequestCount);
    }

    [Fact]
    public async Task UnknownKid_IsRefetchedAndFoundAfterAKeyRotation()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        await harness.KeyProvider.GetKeysAsync("k1");
        harness.JwksHandler.ServeJson(TestRsaKey.JwksJson(_key1, _key2));
        harness.Time.Advance(harness.Options.JwksMinimumRefreshInterval + TimeSpan.FromSeconds(1));
        var token = _key2.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal((true, 2), (result.IsValid, harness.JwksHandler.RequestCount));
    }

    [Fact]
    public async Task UnknownKid_IsNotRefetchedMoreThanOnceWithinTheMinimumInterval()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        await harness.KeyProvider.GetKeysAsync("k1");
        harness.Time.Advance(harness.Options.JwksMinimumRefreshInterval + TimeSpan.FromSeconds(1));
        var token = _key3.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var results = new List<WebhookVerificationResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await harness.Jwt.VerifyAsync(harness.JwtRequest(token)));
            harness.Time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(2, harness.JwksHandler.RequestCount);
        Assert.All(results, r => Assert.Equal(WebhookFailureCodes.UnknownKid, r.Failure));
    }

    [Fact]
    public async Task UnknownKid_RightAfterTheFirstFetch_DoesNotRefetch()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        var token = _key3.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal((WebhookFailureCodes.UnknownKid, 1), (result.Failure, harness.JwksHandler.RequestCount));
    }

    [Fact]
    public async Task UnknownKid_IsRefetchedAgainOnceTheMinimumIntervalHasPassed()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        var token = _key3.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);
        await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        harness.Time.Advance(harness.Options.JwksMinimumRefreshInterval);
        await harness.Jwt.VerifyAsync(harness.JwtRequest(token));
        harness.Time.Advance(harness.Options.JwksMinimumRefreshInterval);
        await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal(3, harness.JwksHandler.RequestCount);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task FetchFailure_IsReportedAsTransient(HttpStatusCode status)
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        harness.JwksHandler.ServeStatus(status);
        var token = _key1.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal((false, true, WebhookFailureCodes.JwksUnavailable), (result.IsValid, result.IsTransient, result.Failure));
    }

    [Fact]
    public async Task NetworkError_IsReportedAsTransient()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        harness.JwksHandler.Serve(_ => throw new HttpRequestException("connection refused"));
        var token = _key1.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(token));

        Assert.True(result.IsTransient);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"keys\":[]}")]
    [InlineData("[]")]
    public async Task UnusableJwksDocument_IsReportedAsTransient(string document)
    {
        using var harness = VerifierHarness.ForJwks(document);
        var token = _key1.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Composite.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal((true, WebhookFailureCodes.JwksUnavailable), (result.IsTransient, result.Failure));
    }

    [Fact]
    public async Task FailedFetch_IsNotRetriedWithinTheMinimumInterval()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        harness.JwksHandler.ServeStatus(HttpStatusCode.InternalServerError);
        await harness.KeyProvider.GetKeysAsync("k1");
        harness.JwksHandler.ServeJson(TestRsaKey.JwksJson(_key1));

        var lookup = await harness.KeyProvider.GetKeysAsync("k1");

        Assert.Equal((JwksKeyLookupStatus.Unavailable, 1), (lookup.Status, harness.JwksHandler.RequestCount));
    }

    [Fact]
    public async Task FailedFetch_IsRetriedAfterTheMinimumInterval()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        harness.JwksHandler.ServeStatus(HttpStatusCode.InternalServerError);
        await harness.KeyProvider.GetKeysAsync("k1");
        harness.JwksHandler.ServeJson(TestRsaKey.JwksJson(_key1));
        harness.Time.Advance(harness.Options.JwksMinimumRefreshInterval);

        var lookup = await harness.KeyProvider.GetKeysAsync("k1");

        Assert.Equal(JwksKeyLookupStatus.Found, lookup.Status);
    }

    [Fact]
    public async Task FailedRefresh_KeepsTheKeysFetchedEarlier()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        await harness.KeyProvider.GetKeysAsync("k1");
        harness.JwksHandler.ServeStatus(HttpStatusCode.BadGateway);
        harness.Time.Advance(harness.Options.JwksCacheDuration + TimeSpan.FromMinutes(1));
        var token = _key1.CreateToken(harness.Time.GetUtcNow(), harness.ExpectedAudience);

        var result = await harness.Jwt.VerifyAsync(harness.JwtRequest(token));

        Assert.Equal((true, 2), (result.IsValid, harness.JwksHandler.RequestCount));
    }

    [Fact]
    public async Task FailedRefresh_StopsUsingOldKeysAfterOneMoreCachePeriod()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        await harness.KeyProvider.GetKeysAsync("k1");
        harness.JwksHandler.ServeStatus(HttpStatusCode.BadGateway);
        harness.Time.Advance((2 * harness.Options.JwksCacheDuration) + TimeSpan.FromMinutes(1));

        var lookup = await harness.KeyProvider.GetKeysAsync("k1");

        Assert.Equal(JwksKeyLookupStatus.Unavailable, lookup.Status);
    }

    [Fact]
    public async Task UnknownKid_WhenTheRefetchFails_IsReportedAsTransient()
    {
        using var harness = VerifierHarness.ForJwks(TestRsaKey.JwksJson(_key1));
        await harness.KeyProvider.GetKeysAsync("k1");
        harness.JwksHandler.ServeStatus(HttpStatusCode.InternalServerError);
        harness.Time.Advance(harness.Options.JwksMinimumRefreshInterval);

        var lookup = await harness.KeyProvider.GetKeysAsync("k2");

        Assert.Equal(JwksKeyLookupStatus.Unavailable, lookup.Status);
    }
}
