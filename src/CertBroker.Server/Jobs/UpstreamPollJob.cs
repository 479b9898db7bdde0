using CertBroker.Core.Approvals;
using Quartz;

namespace CertBroker.Server.Jobs;

/// <summary>
/// Polls the upstream CA for requests it answered PENDING and sends again those it could not be reached for, with
/// backoff (see <see cref="UpstreamPoller"/>). Scheduled only when a profile has <c>Backend=Ndes</c>.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class UpstreamPollJob(UpstreamPoller poller, ILogger<UpstreamPollJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            int settled = await poller.RunDueAsync(cancellationToken).ConfigureAwait(false);
            if (settled > 0)
            {
                LogSettled(settled);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 380, Level = LogLevel.Information, Message = "Settled {Count} requests waiting for the upstream CA")]
    private partial void LogSettled(int count);

    [LoggerMessage(EventId = 381, Level = LogLevel.Warning, Message = "Upstream polling failed; retrying at the next firing")]
    private partial void LogFailed(Exception exception);
}
