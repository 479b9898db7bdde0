using System.Threading.Channels;
using CertBroker.Core.Renewal;
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
/// </remarks>
internal sealed partial class WebhookQueue(
    WebhookSender sender, IRenewalEventLog events, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookQueue> logger)
    : BackgroundService, IRenewalNotifier
{
    /// <summary>The consumer name the delivery's position is stored under.</summary>
    public const string ConsumerName = "webhook";

    /// <summary>How often the delivery looks for events without being woken, as a safety net.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>The last audit event already reported as trimmed before delivery, so each loss is logged once.</summary>
    private long _trimmedReportedThrough;

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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                position ??= await StartPositionAsync(stoppingToken).ConfigureAwait(false);
                position = await DeliverPendingAsync(position.Value, settings, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }

            await WaitForEventsAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Delivers every event after <paramref name="position"/>; returns the new position.</summary>
    internal async Task<long> DeliverPendingAsync(long position, WebhookOptions settings, CancellationToken cancellationToken)
    {
        await ReportTrimmedAsync(position, cancellationToken).ConfigureAwait(false);
        while (true)
        {
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
}
