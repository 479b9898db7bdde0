using CertBroker.Core.Renewal;
using Quartz;

namespace CertBroker.Server.Jobs;

/// <summary>Sends the expiry alerts whose thresholds certificates crossed (see <see cref="ExpiryAlerts"/>).</summary>
[DisallowConcurrentExecution]
internal sealed partial class ExpiryAlertJob(ExpiryAlerts alerts, ILogger<ExpiryAlertJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await RunAsync(cancellationToken).ConfigureAwait(false);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            int sent = await alerts.SendAsync(cancellationToken).ConfigureAwait(false);
            if (sent > 0)
            {
                LogSent(sent);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "Sent {Count} certificate expiry alerts")]
    private partial void LogSent(int count);

    [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "Expiry alerts failed; retrying at the next firing")]
    private partial void LogFailed(Exception exception);
}
