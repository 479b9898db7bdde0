using System.Threading.Channels;
using CertBroker.Core.Renewal;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Webhooks;

/// <summary>
/// The <see cref="IRenewalNotifier"/> behind the webhook: sweeps hand their events to a bounded queue and return at
/// once; this service delivers the batches one after another, with the sender's retries. A full queue drops its
/// oldest batch, so a receiver that is down for days costs bounded memory and never blocks a sweep or an enrolment.
/// </summary>
internal sealed partial class WebhookQueue : BackgroundService, IRenewalNotifier
{
    private readonly Channel<WebhookPayload> _queue;
    private readonly WebhookSender _sender;
    private readonly ILogger<WebhookQueue> _logger;

    public WebhookQueue(WebhookSender sender, IOptions<WebhookOptions> options, ILogger<WebhookQueue> logger)
    {
        _sender = sender;
        _logger = logger;
        _queue = Channel.CreateBounded<WebhookPayload>(
            new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => LogDropped(dropped.Events.Count));
    }

    public void Notify(IReadOnlyList<RenewalEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count > 0)
        {
            _queue.Writer.TryWrite(new WebhookPayload(events.Select(WebhookEvent.From).ToList()));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (WebhookPayload payload in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            await _sender.DeliverAsync(payload, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 363, Level = LogLevel.Warning, Message = "Webhook queue full; dropped the oldest batch of {Count} events")]
    private partial void LogDropped(int count);
}
