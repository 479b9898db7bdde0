using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Webhooks;

/// <summary>How one payload's delivery ended.</summary>
internal enum WebhookDelivery
{
    /// <summary>The receiver accepted it (2xx).</summary>
    Delivered,

    /// <summary>The receiver refused it for good (a 4xx other than 408 and 429): sending it again cannot help.</summary>
    Rejected,

    /// <summary>Every attempt failed in a way that may pass (connection errors, timeouts, 408, 429, 5xx).</summary>
    GaveUp,
}

/// <summary>
/// POSTs one payload to the webhook URL, retrying failed attempts (connection errors, timeouts, 408, 429 and 5xx)
/// with exponential backoff up to MaxAttempts; other 4xx answers are final, since sending the same body again
/// cannot fix them. Waits run on the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class WebhookSender(HttpClient http, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
{
    public async Task<WebhookDelivery> DeliverAsync(WebhookPayload payload, CancellationToken cancellationToken)
    {
        WebhookOptions settings = options.Value;
        if (string.IsNullOrEmpty(settings.Url))
        {
            return WebhookDelivery.GaveUp;
        }

        for (int attempt = 1; ; attempt++)
        {
            int? status = await PostOnceAsync(settings, payload, cancellationToken).ConfigureAwait(false);
            if (status is >= 200 and < 300)
            {
                return WebhookDelivery.Delivered;
            }

            bool retryable = status is null or 408 or 429 or >= 500;
            if (!retryable || attempt >= settings.MaxAttempts)
            {
                LogGaveUp(payload.Events.Count, attempt, status);
                return retryable ? WebhookDelivery.GaveUp : WebhookDelivery.Rejected;
            }

            TimeSpan delay = Backoff(settings, attempt);
            LogRetrying(attempt, status, delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>InitialBackoff × 2^(attempt−1), capped at MaxBackoff.</summary>
    public static TimeSpan Backoff(WebhookOptions settings, int attempt)
    {
        double milliseconds = settings.InitialBackoffMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, settings.MaxBackoffMilliseconds));
    }

    private async Task<int?> PostOnceAsync(WebhookOptions settings, WebhookPayload payload, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            using HttpResponseMessage response = await http.PostAsJsonAsync(settings.Url, payload, WebhookJson.Default.WebhookPayload, timeout.Token)
                .ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException ex)
        {
            LogAttemptFailed(ex);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The per-attempt timeout, not shutdown.
            return null;
        }
    }

    [LoggerMessage(EventId = 360, Level = LogLevel.Information,
        Message = "Webhook attempt {Attempt} failed with status {Status}; retrying in {DelayMilliseconds} ms")]
    private partial void LogRetrying(int attempt, int? status, double delayMilliseconds);

    [LoggerMessage(EventId = 361, Level = LogLevel.Warning,
        Message = "Webhook gave up on {Count} events after {Attempts} attempts; last status {Status}")]
    private partial void LogGaveUp(int count, int attempts, int? status);

    [LoggerMessage(EventId = 362, Level = LogLevel.Debug, Message = "Webhook request failed")]
    private partial void LogAttemptFailed(Exception exception);
}
