using Microsoft.Extensions.Options;

namespace CertBroker.Server.Webhooks;

/// <summary>
/// <c>CertBroker:Webhook</c>: where lifecycle events (renewal due, overdue, expired, expiry alerts) are POSTed as
/// JSON, and how hard delivery tries. Unset <see cref="Url"/> (the default) sends nothing.
/// </summary>
public sealed class WebhookOptions
{
    public const string SectionName = "CertBroker:Webhook";

    /// <summary>
    /// An absolute http or https URL. Unset by default. Logged only as scheme and host (<see cref="WebhookUrl"/>);
    /// redirects are not followed, so it must be the receiver's final address.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// Key of the HMAC-SHA256 signature in each delivery's <c>X-CertBroker-Signature</c> header
    /// (<see cref="WebhookSignature"/>), at least <see cref="MinSecretLength"/> characters; required when
    /// <see cref="Url"/> is set. Unset by default. Best given as the environment variable
    /// <c>CertBroker__Webhook__Secret</c> rather than in a file others can read.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>Shortest <see cref="Secret"/> accepted: 32 characters, e.g. <c>openssl rand -hex 32</c> gives 64.</summary>
    public const int MinSecretLength = 32;

    /// <summary>Attempts per batch of events, 1 to 20, the first included. Default 6.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait before the first retry, in milliseconds; each further retry waits twice as long. Default 2000.</summary>
    public int InitialBackoffMilliseconds { get; set; } = 2000;

    /// <summary>The longest wait between retries, in milliseconds. Default 300000 (5 minutes).</summary>
    public int MaxBackoffMilliseconds { get; set; } = 300_000;

    /// <summary>How long one POST may take, in seconds, 1 to 300. Default 10.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Most events in one POST, 1 to 10000. Default 500.</summary>
    public int BatchSize { get; set; } = 500;
}
