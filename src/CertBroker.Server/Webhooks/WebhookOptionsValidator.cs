using Microsoft.Extensions.Options;

namespace CertBroker.Server.Webhooks;

/// <summary>Reports every webhook setting out of range at once.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Prefix = WebhookOptions.SectionName;
        if (!string.IsNullOrEmpty(options.Url)
            && !(Uri.TryCreate(options.Url, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            // Only the redacted form: a URL's path often holds a secret, and this message goes to the log.
            failures.Add($"{Prefix}:{nameof(options.Url)} must be an absolute http or https URL; got {WebhookUrl.Redact(options.Url)}.");
        }

        // The secret is never echoed, only its length.
        if (!string.IsNullOrEmpty(options.Url) && string.IsNullOrEmpty(options.Secret))
        {
            failures.Add($"{Prefix}:{nameof(options.Secret)} is required when {nameof(options.Url)} is set: receivers verify each delivery with it. " +
                         "Generate one with 'openssl rand -hex 32'.");
        }
        else if (!string.IsNullOrEmpty(options.Secret) && options.Secret.Length < WebhookOptions.MinSecretLength)
        {
            failures.Add($"{Prefix}:{nameof(options.Secret)} must be at least {WebhookOptions.MinSecretLength} characters; got {options.Secret.Length}.");
        }
        else if (!string.IsNullOrEmpty(options.Secret) && options.Secret.Trim() != options.Secret)
        {
            failures.Add($"{Prefix}:{nameof(options.Secret)} starts or ends with white space or a line break; remove it, receivers would not expect it.");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            failures.Add($"{Prefix}:{nameof(options.MaxAttempts)} must be between 1 and 20; got {options.MaxAttempts}.");
        }

        if (options.InitialBackoffMilliseconds < 1 || options.MaxBackoffMilliseconds < options.InitialBackoffMilliseconds)
        {
            failures.Add($"{Prefix}:{nameof(options.InitialBackoffMilliseconds)} must be at least 1 and at most {nameof(options.MaxBackoffMilliseconds)}; got {options.InitialBackoffMilliseconds} and {options.MaxBackoffMilliseconds}.");
        }

        if (options.TimeoutSeconds is < 1 or > 300)
        {
            failures.Add($"{Prefix}:{nameof(options.TimeoutSeconds)} must be between 1 and 300; got {options.TimeoutSeconds}.");
        }

        if (options.BatchSize is < 1 or > 10_000)
        {
            failures.Add($"{Prefix}:{nameof(options.BatchSize)} must be between 1 and 10000; got {options.BatchSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
