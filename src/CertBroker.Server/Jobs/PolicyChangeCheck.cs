using CertBroker.Core.Policy;

namespace CertBroker.Server.Jobs;

/// <summary>
/// At start-up, re-checks the whole inventory when the weak-crypto settings differ from those of the last complete
/// re-scan (a hash stored in the database), so findings never describe a policy that is no longer configured. Runs
/// in the background: the SCEP endpoints serve meanwhile, and a crash mid-scan leaves the old hash, so the next
/// start scans again. The scheduled re-scan (PolicyRescanJob) runs a complete scan through <see cref="PolicyRescan.RescanAsync"/>.
/// </summary>
internal sealed partial class PolicyChangeCheck(PolicyRescan rescan, ILogger<PolicyChangeCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (await rescan.RunIfPolicyChangedAsync(stoppingToken).ConfigureAwait(false) is { } summary)
            {
                LogRescanned(summary.Certificates);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Weak-crypto settings changed; re-checked {Count} certificates")]
    private partial void LogRescanned(int count);

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "Weak-crypto re-scan after a settings change failed; it runs again at the next start or scheduled re-scan")]
    private partial void LogFailed(Exception exception);
}
