using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Webhooks;

/// <summary>How one payload's delivery ended.</summary>
internal enum WebhookDelivery
{
    /// <summary>The receiver accepted it (2xx).</summary>
    Delivered,

    /// <summary>The receiver refused it for good (a 4xx other than 408 and 429): sending it again cannot help.</summary>
    Rejected,

    /// <summary>
    /// Every attempt failed in a way that may pass (connection errors, timeouts, redirects, 408, 429, 5xx); the batch is
    /// kept and sent again later.
    /// </summary>
    GaveUp,
}

/// <summary>
/// POSTs one payload to the webhook URL, signed (<see cref="WebhookSignature"/>), retrying failed attempts
/// (connection errors, timeouts, redirects, 408, 429 and 5xx) with exponential backoff up to MaxAttempts; other 4xx
/// answers are final, since sending the same body again cannot fix them. Waits run on the injected
/// <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Redirects are never followed (the client's handler is built with AllowAutoRedirect off, see
/// <see cref="ConfigureHttpClient"/>): a 3xx could send the signed events to a host nobody configured. It counts as a
/// failure that may pass, so no event is lost while the operator corrects the URL.
/// </remarks>
internal sealed partial class WebhookSender(HttpClient http, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
{
    public async Task<WebhookDelivery> DeliverAsync(WebhookPayload payload, CancellationToken cancellationToken)
    {
        WebhookOptions settings = options.Value;
        if (string.IsNullOrEmpty(settings.Url))
        {
            return WebhookDelivery.GaveUp;
        }

        // Serialised once: every attempt signs and sends the same bytes.
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(payload, WebhookJson.Default.WebhookPayload);
        for (int attempt = 1; ; attempt++)
        {
            int? status = await PostOnceAsync(settings, body, cancellationToken).ConfigureAwait(false);
            if (status is >= 200 and < 300)
            {
                return WebhookDelivery.Delivered;
            }

            if (status is >= 300 and < 400)
            {
                LogRedirectRefused(status.Value, WebhookUrl.Redact(settings.Url));
            }

            bool retryable = status is null or (>= 300 and < 400) or 408 or 429 or >= 500;
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

    /// <summary>The webhook client's handler: redirects are not followed, and its request logging is off.</summary>
    public static void ConfigureHttpClient(IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            // The factory's own logging writes the full URL, secret path included, four times per request.
            .RemoveAllLoggers();
    }

    private async Task<int?> PostOnceAsync(WebhookOptions settings, byte[] body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = content };

            // Signed per attempt, so a retry carries a fresh timestamp that a receiver checking its age accepts.
            request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Create(settings.Secret ?? string.Empty, time.GetUtcNow(), body));
            using HttpResponseMessage response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
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

    [LoggerMessage(EventId = 367, Level = LogLevel.Warning,
        Message = "Webhook receiver {Receiver} answered {Status}, a redirect, which is not followed; set CertBroker:Webhook:Url to the final address")]
    private partial void LogRedirectRefused(int status, string receiver);

    [LoggerMessage(EventId = 362, Level = LogLevel.Debug, Message = "Webhook request failed")]
    private partial void LogAttemptFailed(Exception exception);
}
