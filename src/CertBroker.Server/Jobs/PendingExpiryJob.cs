using CertBroker.Core.Approvals;
using Quartz;

namespace CertBroker.Server.Jobs;

/// <summary>
/// Expires pending requests nobody decided within their profile's PendingExpiryDays, so the queue does not fill
/// with requests from devices that gave up. A device that polls sooner gets its answer from the lazy check in the
/// SCEP pipeline; this job is what makes the audit trail and the queue say "expired" without a poll.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class PendingExpiryJob(RequestQueue queue, ILogger<PendingExpiryJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await RunAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>One pass; failures are logged and the next firing tries again.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
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

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Pending request expiry failed; retrying at the next firing")]
    private partial void LogFailed(Exception exception);
}
