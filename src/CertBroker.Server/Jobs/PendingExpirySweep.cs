using CertBroker.Core.Approvals;

namespace CertBroker.Server.Jobs;

/// <summary>
/// Expires pending requests nobody decided within their profile's PendingExpiryDays, so the queue does not fill
/// with requests from devices that gave up. A device that polls sooner gets its answer from the lazy check in the
/// SCEP pipeline; this sweep is what makes the audit trail and the queue say "expired" without a poll.
/// </summary>
internal sealed partial class PendingExpirySweep(RequestQueue queue, TimeProvider time, ILogger<PendingExpirySweep> logger) : BackgroundService
{
    /// <summary>Expiry is counted in days, so a few minutes' lateness does not matter; an idle sweep is one indexed query.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One pass; failures are logged and the next tick tries again.</summary>
    public async Task SweepOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            int expired = await queue.ExpireDueAsync(cancellationToken).ConfigureAwait(false);
            if (expired > 0)
            {
                LogExpired(expired);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Expired {Count} pending requests")]
    private partial void LogExpired(int count);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Pending request expiry sweep failed; retrying at the next interval")]
    private partial void LogFailed(Exception exception);
}
