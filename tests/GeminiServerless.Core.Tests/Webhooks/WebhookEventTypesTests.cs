using GeminiServerless.Core.Webhooks;

namespace GeminiServerless.Core.Tests.Webhooks;

public sealed class WebhookEventTypesTests
{
    [Theory]
    [InlineData("batch.succeeded")]
    [InlineData("batch.failed")]
    [InlineData("batch.expired")]
    [InlineData("batch.cancelled")]
    [InlineData("interaction.completed")]
    [InlineData("interaction.failed")]
    [InlineData("interaction.requires_action")]
    [InlineData("interaction.cancelled")]
    [InlineData("video.generated")]
    public void DocumentedEventType_IsKnown(string type)
    {
        Assert.True(WebhookEventTypes.IsKnown(type));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("webhook.ping")]
    [InlineData("BATCH.SUCCEEDED")]
    [InlineData(" batch.succeeded")]
    public void OtherValue_IsNotKnown(string? type)
    {
        Assert.False(WebhookEventTypes.IsKnown(type));
    }

    [Theory]
    [InlineData(WebhookEventTypes.BatchSucceeded, true)]
    [InlineData(WebhookEventTypes.BatchFailed, true)]
    [InlineData(WebhookEventTypes.BatchExpired, true)]
    [InlineData(WebhookEventTypes.BatchCancelled, true)]
    [InlineData(WebhookEventTypes.InteractionCompleted, true)]
    [InlineData(WebhookEventTypes.InteractionFailed, true)]
    [InlineData(WebhookEventTypes.InteractionCancelled, true)]
    [InlineData(WebhookEventTypes.VideoGenerated, true)]
    [InlineData(WebhookEventTypes.InteractionRequiresAction, false)]
    [InlineData("webhook.ping", false)]
    public void IsTerminal_IsTrueForEveryKnownTypeButRequiresAction(string type, bool expected)
    {
        Assert.Equal(expected, WebhookEventTypes.IsTerminal(type));
    }

    [Fact]
    public void All_HoldsNineDistinctTypes()
    {
        Assert.Equal(9, WebhookEventTypes.All.Distinct(StringComparer.Ordinal).Count());
    }
}
