using CertBroker.Core.Renewal;
using Quartz;

namespace CertBroker.Server.Jobs;

/// <summary>
/// Re-runs the weak-crypto policy over the whole inventory, so a rule added or tightened since a certificate was
/// issued or imported still finds it. Does nothing in a build without the policy service.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class PolicyRescanJob(ILogger<PolicyRescanJob> logger, IPolicyRescan? rescan = null) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await RunAsync(cancellationToken).ConfigureAwait(false);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (rescan is null)
        {
            return;
        }

        try
        {
            int checkedCount = await rescan.RescanAsync(cancellationToken).ConfigureAwait(false);
            LogRescanned(checkedCount);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 350, Level = LogLevel.Information, Message = "Policy re-scan checked {Count} certificates")]
    private partial void LogRescanned(int count);

    [LoggerMessage(EventId = 351, Level = LogLevel.Warning, Message = "Policy re-scan failed; retrying at the next firing")]
    private partial void LogFailed(Exception exception);
}
