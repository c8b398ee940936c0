using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GeminiServerless.Emulator.Tests.Infrastructure;

namespace GeminiServerless.Emulator.Tests;

public sealed class HostingAndErrorTests : IAsyncLifetime
{
    private TestEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Theory]
    [InlineData("v1")]
    [InlineData("v1beta")]
    public async Task Every_api_route_works_under_both_versions(string version)
    {
        var (files, _) = await _emulator.GetAsync($"{version}/files");
        var (batches, _) = await _emulator.GetAsync($"{version}/batches");
        var (generate, body) = await _emulator.PostAsync($"{version}/models/gemini-2.5-flash:generateContent", Requests.Text("hello"));

        Assert.Equal(HttpStatusCode.OK, files);
        Assert.Equal(HttpStatusCode.OK, batches);
        Assert.Equal(HttpStatusCode.OK, generate);
        Assert.NotNull(body!["candidates"]);
    }

    [Fact]
    public async Task Missing_api_key_is_a_google_shaped_403()
    {
        var (status, body) = await _emulator.GetAsync("v1/batches", _emulator.Anonymous);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(403, body!["error"]!["code"]!.GetValue<int>());
        Assert.Equal("PERMISSION_DENIED", body["error"]!["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["error"]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Unknown_route_is_a_google_shaped_404()
    {
        var (status, body) = await _emulator.GetAsync("v1/nothing/here");
        var (rootStatus, rootBody) = await _emulator.GetAsync("no-such-thing.json", _emulator.Anonymous);
        using var wrongMethod = await _emulator.Client.PutAsync("v1/batches", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NOT_FOUND", body!["error"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, rootStatus);
        Assert.Equal(404, rootBody!["error"]!["code"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, wrongMethod.StatusCode);
        Assert.Equal("NOT_FOUND", (await TestEmulator.ReadAsync(wrongMethod))!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_invalid_argument()
    {
        using var content = new StringContent("{\"contents\": [", Encoding.UTF8, "application/json");
        using var response = await _emulator.Client.PostAsync("v1/models/gemini-2.5-flash:generateContent", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await TestEmulator.ReadAsync(response);
        Assert.Equal(400, body!["error"]!["code"]!.GetValue<int>());
        Assert.Equal("INVALID_ARGUMENT", body["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Body_with_wrong_shape_is_a_400_invalid_argument()
    {
        var (noContents, _) = await _emulator.PostAsync("v1/models/gemini-2.5-flash:generateContent", new JsonObject());
        var (noBatch, _) = await _emulator.PostAsync("v1/models/gemini-2.5-flash:batchGenerateContent", new JsonObject { ["batch"] = "x" });
        var (noInput, _) = await _emulator.PostAsync("v1/models/gemini-2.5-flash:batchGenerateContent", new JsonObject { ["batch"] = new JsonObject() });

        Assert.Equal(HttpStatusCode.BadRequest, noContents);
        Assert.Equal(HttpStatusCode.BadRequest, noBatch);
        Assert.Equal(HttpStatusCode.BadRequest, noInput);
    }

    [Fact]
    public async Task Admin_endpoints_and_jwks_need_no_api_key()
    {
        var (health, _) = await _emulator.GetAsync("emulator/health", _emulator.Anonymous);
        var (jwks, body) = await _emulator.GetAsync(".well-known/jwks.json", _emulator.Anonymous);

        Assert.Equal(HttpStatusCode.OK, health);
        Assert.Equal(HttpStatusCode.OK, jwks);
        var key = body!["keys"]![0]!;
        Assert.Equal("RSA", key["kty"]!.GetValue<string>());
        Assert.Equal("RS256", key["alg"]!.GetValue<string>());
        Assert.Equal("sig", key["use"]!.GetValue<string>());
        Assert.Equal("emulator-key-1", key["kid"]!.GetValue<string>());
        Assert.Equal("AQAB", key["e"]!.GetValue<string>());
        Assert.Equal(256, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(key["n"]!.GetValue<string>()).Length);
    }
}

public sealed class HostingConfigurationTests
{
    [Fact]
    public async Task Settings_bind_from_the_Emulator_section_and_the_callback_overrides_them()
    {
        var app = EmulatorHost.Create(
            ["--Emulator:CompletionDelay=00:00:03", "--Emulator:DropDeliveryRate=0.25", "--Logging:LogLevel:Default=Warning"],
            o => o.DropDeliveryRate = 0.5);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            using var client = TestHttp.Create(app.Urls.First());
            var config = JsonNode.Parse(await client.GetStringAsync("emulator/config"))!;

            Assert.Equal("00:00:03", config["completionDelay"]!.GetValue<string>());
            Assert.Equal(0.5, config["dropDeliveryRate"]!.GetValue<double>());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Configured_api_key_must_match_exactly()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.ApiKey = TestEmulator.ApiKey);
        using var wrong = TestHttp.Create(emulator.BaseUrl, "other-key");

        var (ok, _) = await emulator.GetAsync("v1/files");
        var (rejected, body) = await emulator.GetAsync("v1/files", wrong);

        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(HttpStatusCode.BadRequest, rejected);
        Assert.Equal("API_KEY_INVALID", body!["error"]!["details"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_settings_stop_the_start()
    {
        var app = EmulatorHost.Create(["--Logging:LogLevel:Default=None"], o => o.DropDeliveryRate = 2);
        app.Urls.Add("http://127.0.0.1:0");
        try
        {
            await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
