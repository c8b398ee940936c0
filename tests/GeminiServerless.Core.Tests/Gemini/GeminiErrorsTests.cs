using System.Net;
using System.Net.Http.Headers;
using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Tests.Gemini;

public sealed class GeminiErrorsTests
{
    private const string QuotaBody = """
        {"error":{"code":429,"message":"Quota exceeded for generate requests.","status":"RESOURCE_EXHAUSTED","details":[
          {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED","domain":"googleapis.com"},
          {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37.5s"}]}}
        """;

    [Fact]
    public void GoogleErrorBody_BecomesTypedExceptionWithStatusReasonAndRetryDelay()
    {
        var error = GeminiErrors.Parse(HttpStatusCode.TooManyRequests, QuotaBody);

        Assert.Equal(
            (HttpStatusCode.TooManyRequests, "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED", TimeSpan.FromSeconds(37.5), "429", "Quota exceeded for generate requests."),
            (error.StatusCode, error.Status, error.Reason, error.RetryAfter, error.ErrorCode, error.Message));
    }

    [Fact]
    public void InteractionsStringCode_BecomesTheStatusAndTheErrorCode()
    {
        var error = GeminiErrors.Parse(HttpStatusCode.BadRequest, """{"error":{"code":"invalid_request","message":"background requires store."}}""");

        Assert.Equal(("invalid_request", "invalid_request", "background requires store."), (error.Status, error.ErrorCode, error.Message));
    }

    [Fact]
    public void ArrayWrappedBody_IsReadFromItsFirstElement()
    {
        var error = GeminiErrors.Parse(HttpStatusCode.BadRequest, """[{"error":{"code":400,"message":"bad field","status":"INVALID_ARGUMENT"}}]""");

        Assert.Equal(("INVALID_ARGUMENT", "bad field"), (error.Status, error.Message));
    }

    [Fact]
    public void NonJsonBody_KeepsTheHttpStatusAndAGenericMessage()
    {
        var error = GeminiErrors.Parse(HttpStatusCode.BadGateway, "<html>upstream connect error</html>");

        Assert.Equal((HttpStatusCode.BadGateway, null, "Gemini API answered 502 BadGateway."), (error.StatusCode, error.Status, error.Message));
    }

    [Fact]
    public async Task RetryAfterHeader_WinsOverRetryInfo()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent(QuotaBody) };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5));

        var error = await GeminiErrors.FromResponseAsync(response, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(5), error.RetryAfter);
    }

    [Theory]
    [InlineData("30s", 30.0)]
    [InlineData("0.25s", 0.25)]
    [InlineData("7", null)]
    [InlineData("-1s", null)]
    [InlineData("", null)]
    public void ParseDuration_ReadsProtobufDurations(string value, double? expectedSeconds)
    {
        Assert.Equal(expectedSeconds is { } s ? TimeSpan.FromSeconds(s) : null, GeminiErrors.ParseDuration(value));
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.NotImplemented, false)]
    public void IsTransient_HoldsForTheRetryableStatuses(HttpStatusCode status, bool expected)
    {
        Assert.Equal(expected, new GeminiApiException(status, null, "x").IsTransient);
    }

    public static TheoryData<string, bool> CreateFailures => new()
    {
        { "503", true },
        { "500", true },
        { "504", true },
        { "408", true },
        { "429", false },
        { "400", false },
        { "409", false },
        { "connection", true },
        { "timeout", true },
        { "client-timeout", true },
        { "other", false },
    };

    [Theory]
    [MemberData(nameof(CreateFailures))]
    public void IsAmbiguousCreateFailure_OnlyWhenTheServerMayHaveActed(string failure, bool expected)
    {
        Exception exception = failure switch
        {
            "connection" => new HttpRequestException("reset"),
            "timeout" => new Polly.Timeout.TimeoutRejectedException(),
            "client-timeout" => new TaskCanceledException("HttpClient.Timeout"),
            "other" => new InvalidOperationException(),
            _ => new GeminiApiException((HttpStatusCode)int.Parse(failure), null, "x"),
        };

        Assert.Equal(expected, GeminiErrors.IsAmbiguousCreateFailure(exception));
    }

    [Fact]
    public void IsAmbiguousCreateFailure_IsFalseWhenTheCallerCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(GeminiErrors.IsAmbiguousCreateFailure(new TaskCanceledException(), cancelled.Token));
    }

    [Fact]
    public async Task InteractionsClient_ThrowsTheTypedErrorOfAStringCodedAnswer()
    {
        var handler = new RecordingHandler(_ => Responses.Json("""{"error":{"code":"not_found","message":"Interaction int-9 not found."}}""", HttpStatusCode.NotFound));

        var error = await Assert.ThrowsAsync<GeminiApiException>(() => TestClients.Interactions(handler).GetAsync("int-9"));

        Assert.Equal((HttpStatusCode.NotFound, "not_found", "Interaction int-9 not found."), (error.StatusCode, error.Status, error.Message));
    }

    [Fact]
    public async Task WebhooksClient_ThrowsTheTypedErrorOfAGoogleAnswer()
    {
        var handler = new RecordingHandler(_ => Responses.Error(HttpStatusCode.Forbidden, "PERMISSION_DENIED", "API key not valid."));

        var error = await Assert.ThrowsAsync<GeminiApiException>(() => TestClients.Webhooks(handler).GetAsync("wh-1"));

        Assert.Equal((HttpStatusCode.Forbidden, "PERMISSION_DENIED"), (error.StatusCode, error.Status));
    }
}
