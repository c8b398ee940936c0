using System.Net;
using System.Text.Json.Nodes;
using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Tests.Gemini;

/// <summary>Calls the capture does not cover: their method, path and body.</summary>
public sealed class ClientPathTests
{
    private static RecordingHandler Ok(string json = "{}") => new(_ => Responses.Json(json));

    [Fact]
    public async Task DeleteInteraction_SendsDeleteToTheInteraction()
    {
        var handler = Ok();

        await TestClients.Interactions(handler).DeleteAsync("int-1");

        Assert.Equal(("DELETE", "/v1/interactions/int-1"), (handler.Requests.Single().Method.Method, handler.Requests.Single().PathAndQuery));
    }

    [Fact]
    public async Task DeleteFile_SendsDeleteToTheFile()
    {
        var handler = Ok();

        await TestClients.Client(handler).DeleteFileAsync("files/abc");

        Assert.Equal(("DELETE", "/v1/files/abc"), (handler.Requests.Single().Method.Method, handler.Requests.Single().PathAndQuery));
    }

    [Fact]
    public async Task DeleteBatch_SendsDeleteToTheBatch()
    {
        var handler = Ok();

        await TestClients.Client(handler).DeleteBatchAsync("batches/123");

        Assert.Equal(("DELETE", "/v1/batches/123"), (handler.Requests.Single().Method.Method, handler.Requests.Single().PathAndQuery));
    }

    [Fact]
    public async Task CancelOperation_PostsTheGenericCancelMethod()
    {
        var handler = Ok();

        await TestClients.Client(handler).CancelOperationAsync("models/veo-3.1-generate-preview/operations/op1");

        Assert.Equal(("POST", "/v1/models/veo-3.1-generate-preview/operations/op1:cancel"), (handler.Requests.Single().Method.Method, handler.Requests.Single().PathAndQuery));
    }

    [Fact]
    public async Task GetOperation_RefusesANameThatLeavesTheVersionPath()
    {
        var handler = Ok();

        await Assert.ThrowsAsync<ArgumentException>(() => TestClients.Client(handler).GetOperationAsync("models/../../admin"));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ListBatches_EscapesThePageToken()
    {
        var handler = Ok();

        await TestClients.Client(handler).ListBatchesAsync(10, "a/b+c=");

        Assert.Equal("/v1/batches?pageSize=10&pageToken=a%2Fb%2Bc%3D", handler.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task ListWebhooks_WithoutArguments_SendsNoQuery()
    {
        var handler = Ok("""{"webhooks":[]}""");

        await TestClients.Webhooks(handler).ListAsync();

        Assert.Equal("/v1/webhooks", handler.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task ListWebhooks_SendsSnakeCasePaging()
    {
        var handler = Ok("""{"webhooks":[]}""");

        await TestClients.Webhooks(handler).ListAsync(pageSize: 5, pageToken: "NEXT");

        Assert.Equal("/v1/webhooks?page_size=5&page_token=NEXT", handler.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task UpdateWebhook_MasksEveryFieldItSets()
    {
        var handler = Ok("""{"id":"wh-1"}""");

        await TestClients.Webhooks(handler).UpdateAsync("wh-1", new WebhookUpdate { Uri = "https://x.example/h", SubscribedEvents = ["batch.failed"], State = WebhookStates.Enabled });

        var request = handler.Requests.Single();
        Assert.Equal("/v1/webhooks/wh-1?update_mask=uri,subscribed_events,state", request.PathAndQuery);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"uri":"https://x.example/h","subscribed_events":["batch.failed"],"state":"enabled"}"""), request.Json));
    }

    [Fact]
    public async Task UpdateWebhook_ThatSetsNothing_IsRefusedBeforeSending()
    {
        var handler = Ok();

        await Assert.ThrowsAsync<ArgumentException>(() => TestClients.Webhooks(handler).UpdateAsync("wh-1", new WebhookUpdate()));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task RotateSigningSecret_WithoutABehaviour_SendsAnEmptyObject()
    {
        var handler = Ok("""{"secret":"whsec_x"}""");

        await TestClients.Webhooks(handler).RotateSigningSecretAsync("wh-1");

        Assert.Equal("{}", handler.Requests.Single().Json!.ToJsonString());
    }

    [Fact]
    public async Task WebhookRequests_DoNotPinAnApiRevision()
    {
        var handler = Ok("""{"id":"wh-1"}""");

        await TestClients.Webhooks(handler).GetAsync("wh-1");

        Assert.Null(handler.Requests.Single().Header("api-revision"));
    }

    [Fact]
    public async Task DownloadFailure_ThrowsTheTypedError()
    {
        var handler = new RecordingHandler(_ => Responses.Error(HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "Only generated files can be downloaded."));

        var error = await Assert.ThrowsAsync<GeminiApiException>(() => TestClients.Client(handler).DownloadFileAsync("files/abc"));

        Assert.Equal("INVALID_ARGUMENT", error.Status);
    }

    [Theory]
    [InlineData("files/abc", "abc")]
    [InlineData("abc", "abc")]
    [InlineData("https://generativelanguage.googleapis.com/v1beta/files/qu4d28uipuqh:download?alt=media", "qu4d28uipuqh")]
    [InlineData("http://127.0.0.1:8080/v1/files/vid1:download?alt=media", "vid1")]
    [InlineData("https://generativelanguage.googleapis.com/v1beta/files/abc", "abc")]
    public void FileId_ReadsNamesIdsAndFileUris(string value, string expected)
    {
        Assert.Equal(expected, GeminiClient.FileId(value));
    }
}
