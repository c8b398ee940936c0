using System.Net;
using GeminiServerless.Core.Gemini;
using GeminiServerless.Core.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace GeminiServerless.Core.Tests.Gemini;

public sealed class JobCreationTests
{
    private static readonly JobSubmission _submission = Submissions.Of(JobKind.Batch, Part.FromText("x"));
    private static readonly JobRef _job = new(JobKind.Batch, "batches/b1");

    [Fact]
    public async Task CreateThatSucceeds_DoesNotLookForAnEarlierJob()
    {
        var runner = new Mock<IGeminiJobRunner>();
        runner.Setup(r => r.CreateAsync(_submission, It.IsAny<CancellationToken>())).ReturnsAsync(_job);

        var job = await runner.Object.CreateOrRecoverAsync(_submission, CancellationToken.None);

        Assert.Equal(_job, job);
        runner.Verify(r => r.FindAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task AmbiguousCreateFailure_ReturnsTheJobFoundByDisplayName()
    {
        var runner = new Mock<IGeminiJobRunner>();
        runner.Setup(r => r.CreateAsync(_submission, It.IsAny<CancellationToken>())).ThrowsAsync(new GeminiApiException(HttpStatusCode.GatewayTimeout, "DEADLINE_EXCEEDED", "slow"));
        runner.Setup(r => r.FindAsync(Submissions.DisplayName, It.IsAny<CancellationToken>())).ReturnsAsync(_job);

        var job = await runner.Object.CreateOrRecoverAsync(_submission, CancellationToken.None);

        Assert.Equal(_job, job);
    }

    [Fact]
    public async Task AmbiguousCreateFailure_WithNothingFound_RethrowsTheOriginalError()
    {
        var failure = new HttpRequestException("reset");
        var runner = new Mock<IGeminiJobRunner>();
        runner.Setup(r => r.CreateAsync(_submission, It.IsAny<CancellationToken>())).ThrowsAsync(failure);

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => runner.Object.CreateOrRecoverAsync(_submission, CancellationToken.None));

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task DefiniteCreateFailure_DoesNotLookForAnEarlierJob()
    {
        var runner = new Mock<IGeminiJobRunner>();
        runner.Setup(r => r.CreateAsync(_submission, It.IsAny<CancellationToken>())).ThrowsAsync(new GeminiApiException(HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "bad"));

        await Assert.ThrowsAsync<GeminiApiException>(() => runner.Object.CreateOrRecoverAsync(_submission, CancellationToken.None));

        runner.Verify(r => r.FindAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task BatchCreateAnswered503_IsSentOnceAndRecoveredFromTheList()
    {
        var handler = new RecordingHandler(request => request.Method == HttpMethod.Post
            ? Responses.Error(HttpStatusCode.ServiceUnavailable)
            : Responses.Json("""{"operations":[{"name":"batches/b1","metadata":{"displayName":"gs-inst-1","state":"BATCH_STATE_PENDING"}}]}"""));
        using var services = TestClients.Services(handler);
        var runner = new BatchJobRunner(services.GetRequiredService<IGeminiBatches>(), services.GetRequiredService<IGeminiFiles>());

        var job = await runner.CreateOrRecoverAsync(_submission, CancellationToken.None);

        Assert.Equal((_job, 1), (job, handler.Requests.Count(r => r.Method == HttpMethod.Post)));
    }
}
