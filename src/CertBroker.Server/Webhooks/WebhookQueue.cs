using System.Threading.Channels;
using CertBroker.Core.Cluster;
using CertBroker.Core.Renewal;
using CertBroker.Server.Hosting;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Webhooks;

/// <summary>
/// The webhook's delivery, durable: lifecycle events are read from the audit trail, where each sweep wrote them in the
/// same transaction as the change they report, and POSTed in order, in batches of up to BatchSize. The position of the
/// last event passed on is stored after each batch, so a restart, a crash or a receiver down for days loses no event;
/// at worst the batch in flight at a crash is sent again. A sweep's <see cref="Notify"/> only wakes the delivery, so
/// it never waits for the receiver.
/// </summary>
/// <remarks>
/// The first start with a webhook configured begins at the newest event: history from before is not sent. A batch
/// the receiver refuses for good (a 4xx other than 408 and 429) is logged and passed over. When every attempt fails
/// in a way that may pass, the same batch is tried again after MaxBackoffMilliseconds, for as long as it takes.
/// With several nodes on one database, only the node holding the <see cref="LeaseName"/> lease delivers; it renews the
/// lease before each batch and gives it up at shutdown. Another node takes over once the lease has ended, from the
/// stored position, so a node that dies mid-batch costs at most that batch sent twice.
/// </remarks>
internal sealed partial class WebhookQueue(
    WebhookSender sender,
    IRenewalEventLog events,
    ILeaseStore leases,
    NodeIdentity node,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookQueue> logger)
    : BackgroundService, IRenewalNotifier
{
    /// <summary>The consumer name the delivery's position is stored under.</summary>
    public const string ConsumerName = "webhook";

    /// <summary>The lease only the delivering node holds.</summary>
    public const string LeaseName = "webhook";

    /// <summary>
    /// How long a lease lasts unless renewed (2 minutes): several poll intervals, so a holder that is only waiting
    /// keeps it, and short enough that a dead holder's events are late by minutes, not more.
    /// </summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    /// <summary>How often the delivery looks for events without being woken, as a safety net.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>The last audit event already reported as trimmed before delivery, so each loss is logged once.</summary>
    private long _trimmedReportedThrough;

    /// <summary>Whether this node held the delivery lease when it last asked.</summary>
    private bool _held;

    public void Notify(IReadOnlyList<RenewalEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count > 0)
        {
            _wake.Writer.TryWrite(true);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        WebhookOptions settings = options.Value;
        if (string.IsNullOrEmpty(settings.Url))
        {
            return;
        }

        long? position = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    bool wasHeld = _held;
                    if (await HoldLeaseAsync(stoppingToken).ConfigureAwait(false))
                    {
                        // Another node may have delivered while this one did not hold the lease: go on from where it stopped.
                        position = wasHeld ? position : null;
                        position ??= await StartPositionAsync(stoppingToken).ConfigureAwait(false);
                        position = await DeliverPendingAsync(position.Value, settings, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(ex);
                }

                await WaitForEventsAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await ReleaseLeaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Takes or renews the delivery lease; logs when this node starts or stops delivering.</summary>
    private async Task<bool> HoldLeaseAsync(CancellationToken cancellationToken)
    {
        bool held = await leases.TryAcquireAsync(LeaseName, node.Name, LeaseDuration, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (held != _held)
        {
            if (held)
            {
                LogLeaseTaken(node.Name);
            }
            else
            {
                LogLeaseLost(node.Name);
            }
        }

        _held = held;
        return held;
    }

    private async Task ReleaseLeaseAsync()
    {
        if (!_held)
        {
            return;
        }

        try
        {
            // So another node need not wait for the lease to end.
            await leases.ReleaseAsync(LeaseName, node.Name, CancellationToken.None).ConfigureAwait(false);
            _held = false;
        }
        catch (Exception ex)
        {
            LogReleaseFailed(ex);
        }
    }

    /// <summary>Delivers every event after <paramref name="position"/>; returns the new position.</summary>
    internal async Task<long> DeliverPendingAsync(long position, WebhookOptions settings, CancellationToken cancellationToken)
    {
        await ReportTrimmedAsync(position, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (!await leases.TryAcquireAsync(LeaseName, node.Name, LeaseDuration, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                // Another node took over (this one was away longer than the lease): it delivers from the stored position.
                if (_held)
                {
                    LogLeaseLost(node.Name);
                    _held = false;
                }

                return position;
            }

            IReadOnlyList<LoggedRenewalEvent> batch = await events.ReadAfterAsync(position, settings.BatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return position;
            }

            var payload = new WebhookPayload(batch.Select(e => WebhookEvent.From(e.Event)).ToList());
            WebhookDelivery result = await sender.DeliverAsync(payload, cancellationToken).ConfigureAwait(false);
            if (result == WebhookDelivery.GaveUp)
            {
                TimeSpan pause = TimeSpan.FromMilliseconds(settings.MaxBackoffMilliseconds);
                LogWillRetry(batch.Count, pause.TotalSeconds);
                await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (result == WebhookDelivery.Rejected)
            {
                LogPassedOver(batch.Count, batch[0].Position, batch[^1].Position);
            }

            position = batch[^1].Position;
            await events.SetPositionAsync(ConsumerName, position, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Logs the audit events the trail's retention removed after <paramref name="position"/> before they were
    /// delivered: lifecycle events among them are not sent.
    /// </summary>
    private async Task ReportTrimmedAsync(long position, CancellationToken cancellationToken)
    {
        long oldest = await events.OldestPositionAsync(cancellationToken).ConfigureAwait(false);
        long first = Math.Max(position, _trimmedReportedThrough) + 1;
        if (oldest > first)
        {
            LogTrimmedBeforeDelivery(first, oldest - 1);
            _trimmedReportedThrough = oldest - 1;
        }
    }

    private async Task<long> StartPositionAsync(CancellationToken cancellationToken)
    {
        if (await events.GetPositionAsync(ConsumerName, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        long newest = await events.NewestPositionAsync(cancellationToken).ConfigureAwait(false);
        await events.SetPositionAsync(ConsumerName, newest, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return newest;
    }

    private async Task WaitForEventsAsync(CancellationToken cancellationToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(PollInterval);
        try
        {
            await _wake.Reader.ReadAsync(poll.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a wake-up: look anyway.
        }
    }

    [LoggerMessage(EventId = 363, Level = LogLevel.Warning,
        Message = "Webhook receiver unreachable; the batch of {Count} events is sent again in {Seconds} s")]
    private partial void LogWillRetry(int count, double seconds);

    [LoggerMessage(EventId = 364, Level = LogLevel.Error,
        Message = "Webhook receiver refused a batch of {Count} events (audit events {First} to {Last}) for good; passed over")]
    private partial void LogPassedOver(int count, long first, long last);

    [LoggerMessage(EventId = 365, Level = LogLevel.Warning, Message = "Webhook delivery failed; it tries again on the next wake-up")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(EventId = 366, Level = LogLevel.Error,
        Message = "The audit trail's retention removed audit events {First} to {Last} before the webhook delivered them; " +
                  "lifecycle events among them are not sent. Raise CertBroker:Audit:MaxRecords if the receiver can be down this long")]
    private partial void LogTrimmedBeforeDelivery(long first, long last);

    [LoggerMessage(EventId = 372, Level = LogLevel.Information, Message = "Webhook delivery taken over by this node ({NodeName})")]
    private partial void LogLeaseTaken(string nodeName);

    [LoggerMessage(EventId = 373, Level = LogLevel.Warning, Message = "Webhook delivery lease lost by this node ({NodeName}); another node delivers")]
    private partial void LogLeaseLost(string nodeName);

    [LoggerMessage(EventId = 374, Level = LogLevel.Warning, Message = "Could not give up the webhook delivery lease; another node takes over when it ends")]
    private partial void LogReleaseFailed(Exception exception);
}
