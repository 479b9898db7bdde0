using CertBroker.Core.Renewal;
using Quartz;

namespace CertBroker.Server.Jobs;

/// <summary>Marks certificates due, overdue and expired (see <see cref="RenewalSweep"/>); one sweep at a time.</summary>
[DisallowConcurrentExecution]
internal sealed partial class RenewalSweepJob(RenewalSweep sweep, ILogger<RenewalSweepJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await RunAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>One sweep; a failure is logged and the next firing starts from the index again.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            RenewalSweepResult result = await sweep.SweepAsync(cancellationToken).ConfigureAwait(false);
            if (result != new RenewalSweepResult(0, 0, 0, 0))
            {
                LogSwept(result.Scheduled, result.Due, result.Overdue, result.Expired);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information,
        Message = "Renewal sweep: {Scheduled} planned, {Due} due, {Overdue} overdue, {Expired} expired")]
    private partial void LogSwept(int scheduled, int due, int overdue, int expired);

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "Renewal sweep failed; retrying at the next firing")]
    private partial void LogFailed(Exception exception);
}
