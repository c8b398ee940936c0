using Microsoft.Extensions.Options;

namespace GeminiServerless.Core.Webhooks;

/// <summary>Validates <see cref="WebhookOptions"/> at start-up. Messages never contain secret values.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!IsAbsoluteHttpUrl(options.PublicBaseUrl))
        {
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.PublicBaseUrl)} must be an absolute http(s) URL.");
        }

        if (!string.IsNullOrWhiteSpace(options.JwksUrl) && !IsAbsoluteHttpUrl(options.JwksUrl))
        {
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.JwksUrl)} must be an absolute http(s) URL when set.");
        }

        if (!WebhookSecrets.TryDecodeAll(options.SigningSecrets, out _, out var secretError))
        {
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.SigningSecrets)}: {secretError}");
        }

        if (options.TimestampTolerance <= TimeSpan.Zero || options.TimestampTolerance > TimeSpan.FromHours(1))
        {
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.TimestampTolerance)} must be greater than zero and at most one hour.");
        }

        if (options.MaxBodyBytes <= 0)
        {
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.MaxBodyBytes)} must be positive.");
        }

        if (options.JwksCacheDuration <= TimeSpan.Zero)
        {
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.JwksCacheDuration)} must be positive.");
        }

        if (options.JwksMinimumRefreshInterval < TimeSpan.Zero)
        {
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.JwksMinimumRefreshInterval)} must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsAbsoluteHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(uri.Host);
}
