using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace GeminiServerless.Emulator.Tests.Conformance;

/// <summary>
/// The official <c>@google/genai</c> 3.1.0 SDK, <c>jose</c> and <c>standardwebhooks</c> against the emulator:
/// each case of <c>tests/node/conformance/sdk-conformance.mjs</c> is one theory row, the emulator's own logs
/// back them up. Needs Node.js 20+ and <c>npm ci</c> in <c>tests/node</c>.
/// </summary>
public sealed class SdkConformanceTests(SdkConformanceFixture fixture, ITestOutputHelper output) : IClassFixture<SdkConformanceFixture>
{
    public static TheoryData<string> CaseNames() => new(SdkConformanceScript.DeclaredCaseNames());

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Sdk_conformance_case_passes(string name)
    {
        fixture.AssertRan();

        Assert.True(fixture.Cases.TryGetValue(name, out var result), $"The script did not report case '{name}'.{fixture.Diagnostics}");
        Assert.True(result.Ok, $"{name}: {result.Error}");
    }

    [Fact]
    public void Script_reports_every_declared_case_and_exits_zero_only_when_all_pass()
    {
        fixture.AssertRan();
        output.WriteLine($"{SdkConformanceScript.RelativePath}: {fixture.Passed} passed, {fixture.Failed} failed in {fixture.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(fixture.StandardOutput);

        Assert.Equal(SdkConformanceScript.DeclaredCaseNames(), fixture.ReportedOrder);
        var failures = fixture.Cases.Values.Where(c => !c.Ok).Select(c => $"  {c.Name}: {c.Error}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} conformance case(s) failed:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
        Assert.Equal(fixture.Cases.Count, fixture.Passed);
        Assert.Equal(0, fixture.Failed);
        Assert.True(fixture.ExitCode == 0, $"exit code {fixture.ExitCode}{fixture.Diagnostics}");
    }

    [Theory]
    [InlineData("POST /upload/v1/files", "")]
    [InlineData("POST /upload/v1/files", "upload_protocol=resumable")]
    [InlineData("POST /upload/v1beta/files", "upload_id=")]
    [InlineData("GET /v1/files/{id}", "")]
    [InlineData("GET /v1beta/files/{id}", "")]
    [InlineData("GET /v1/files/{id}:download", "alt=media")]
    [InlineData("POST /v1/models/{model}:generateContent", "")]
    [InlineData("POST /v1beta/models/{model}:generateContent", "")]
    [InlineData("POST /v1/models/{model}:batchGenerateContent", "")]
    [InlineData("GET /v1/batches/{id}", "")]
    [InlineData("POST /v1/batches/{id}:cancel", "")]
    [InlineData("GET /v1/batches", "pageSize=2")]
    [InlineData("GET /v1/batches", "pageToken=")]
    [InlineData("POST /v1beta/interactions", "")]
    [InlineData("GET /v1beta/interactions/{id}", "stream=false")]
    [InlineData("POST /v1/interactions", "")]
    [InlineData("POST /v1/interactions/{id}/cancel", "")]
    [InlineData("DELETE /v1/interactions/{id}", "")]
    [InlineData("POST /v1/webhooks", "")]
    [InlineData("GET /v1/webhooks", "page_size=10")]
    [InlineData("GET /v1beta/webhooks/{id}", "")]
    [InlineData("PATCH /v1/webhooks/{id}", "update_mask=state")]
    [InlineData("POST /v1/webhooks/{id}:ping", "")]
    [InlineData("POST /v1/webhooks/{id}:rotateSigningSecret", "")]
    [InlineData("DELETE /v1/webhooks/{id}", "")]
    [InlineData("GET /v1/models/{model}/operations/{id}", "")]
    [InlineData("GET /.well-known/jwks.json", "")]
    public void Emulator_request_log_shows_the_sdk_call(string route, string queryContains)
    {
        fixture.AssertRan();

        var matching = fixture.Requests
            .Where(r => r!["route"]!.GetValue<string>() == route && r["query"]!.GetValue<string>().Contains(queryContains, StringComparison.Ordinal))
            .ToList();

        Assert.True(matching.Count > 0, $"No '{route}' request with query containing '{queryContains}'. Routes seen:{Environment.NewLine}{RouteSummary()}");
        Assert.Contains(matching, r => r!["statusCode"]!.GetValue<int>() is >= 200 and < 300);
    }

    [Fact]
    public void Emulator_enforced_the_api_key_and_every_sdk_call_succeeded_except_the_two_reads_after_delete()
    {
        fixture.AssertRan();

        var unmatched = fixture.Requests.Where(r => r!["route"]!.GetValue<string>().Contains("(unmatched)", StringComparison.Ordinal)).ToList();
        var rejected = fixture.Requests.Where(r => r!["statusCode"]!.GetValue<int>() is < 200 or >= 300).ToList();

        Assert.True(unmatched.Count == 0, $"Requests on no emulator route: {string.Join(", ", unmatched.Select(Describe))}");
        Assert.True(fixture.Requests.Count > 50, $"Only {fixture.Requests.Count} requests were logged.");
        Assert.Equal(
            ["GET /v1/interactions/{id} 404", "GET /v1/webhooks/{id} 404"],
            rejected.Select(r => $"{r!["route"]} {r["statusCode"]}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Webhook_deliveries_were_made_to_the_receiver_dynamically_and_statically_and_accepted()
    {
        fixture.AssertRan();

        var attempts = fixture.Deliveries.Select(d => d!.AsObject()).ToList();
        var delivered = attempts
            .Where(d => d["outcome"]!.GetValue<string>() == "delivered" && d["statusCode"]?.GetValue<int>() == 200)
            .Select(d => $"{d["kind"]} {d["eventType"]}")
            .ToHashSet(StringComparer.Ordinal);
        var failedDynamic = attempts
            .Where(d => d["kind"]!.GetValue<string>() == "dynamic" && d["outcome"]!.GetValue<string>() is not ("delivered" or "pending"))
            .ToList();

        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "dynamic batch.succeeded", "dynamic batch.cancelled", "dynamic interaction.completed", "static batch.succeeded", "static webhook.ping",
            },
            delivered);
        Assert.True(failedDynamic.Count == 0, $"Dynamic deliveries not accepted: {string.Join(", ", failedDynamic.Select(d => d.ToJsonString()))}");
    }

    private string RouteSummary() =>
        string.Join(Environment.NewLine, fixture.Requests
            .GroupBy(r => r!["route"]!.GetValue<string>(), StringComparer.Ordinal)
            .Select(g => $"  {g.Key} x{g.Count()}"));

    private static string Describe(JsonNode? request) =>
        $"{request!["method"]} {request["path"]}{request["query"]} -> {request["statusCode"]}";
}
