using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GeminiServerless.Integration.Tests.Infrastructure;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace GeminiServerless.Integration.Tests;

[Collection(IntegrationGroup.Name)]
public sealed class StartPipelineTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private PipelineHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await PipelineHarness.StartAsync(azurite, output);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{not json", "body" },
        { "[1,2]", "body" },
        { """{"input":{"audio":"a.mp3"}}""", "pipeline" },
        { """{"pipeline":"no-such-pipeline","input":{"audio":"a.mp3"}}""", "pipeline" },
        { """{"pipeline":"transcribe-summarize"}""", "input" },
        { """{"pipeline":"transcribe-summarize","input":{}}""", "input.audio" },
        { """{"pipeline":"transcribe-summarize","input":{"audio":42}}""", "input.audio" },
        { """{"pipeline":"transcribe-summarize","input":{"audio":"../secrets.txt"}}""", "input.audio" },
        { """{"pipeline":"transcribe-summarize","input":{"audio":"http://example.test/a.mp3"}}""", "input.audio" },
        { """{"pipeline":"transcribe-summarize","input":{"audio":"missing-blob.mp3"}}""", "input.audio" },
        { """{"pipeline":"transcribe-summarize","input":{"audio":"a.mp3","color":"red"}}""", "input.color" },
        { """{"pipeline":"transcribe-summarize","input":{"audio":"a.mp3"},"idempotencyKey":""}""", "idempotencyKey" },
        { """{"pipeline":"transcribe-summarize","input":{"audio":"a.mp3"},"callbackUrl":"https://caller.example/done"}""", "callbackUrl" },
        { """{"pipeline":"transcribe-summarize","input":{"audio":"a.mp3"},"callbackUrl":7}""", "callbackUrl" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_request_gets_400_problem_naming_the_field_and_starts_nothing(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await _harness.Http.PostAsync("/api/pipelines", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"The problem should name '{field}': {problem}");
        Assert.Empty(await _harness.Client.GetAllInstancesAsync().ToListAsync());
    }

    [Fact]
    public async Task Body_over_the_size_cap_gets_400()
    {
        var body = JsonSerializer.Serialize(new { pipeline = "transcribe-summarize", input = new { audio = "a.mp3", focus = new string('x', 70_000) } });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await _harness.Http.PostAsync("/api/pipelines", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Accepted_start_returns_id_and_status_url()
    {
        await _harness.UploadInputAsync("ok.mp3", [1, 2, 3, 4]);

        using var response = await _harness.Http.PostAsJsonAsync("/api/pipelines", new { pipeline = "transcribe-summarize", input = new { audio = "ok.mp3" } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var id = body.GetProperty("id").GetString()!;
        Assert.StartsWith("p-", id, StringComparison.Ordinal);
        Assert.Equal(new Uri(_harness.Http.BaseAddress!, $"/api/pipelines/{id}"), response.Headers.Location);
        using var status = await _harness.Http.GetAsync(body.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Theory]
    [InlineData("p-0123456789abcdef0123456789abcdef")]
    [InlineData("not-a-pipeline-id")]
    public async Task Status_of_unknown_pipeline_is_404_problem(string id)
    {
        using var response = await _harness.Http.GetAsync($"/api/pipelines/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Cancel_of_unknown_pipeline_is_404_problem()
    {
        using var response = await _harness.Http.PostAsync("/api/pipelines/p-0123456789abcdef0123456789abcdef/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
