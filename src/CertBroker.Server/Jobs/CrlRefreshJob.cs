using CertBroker.Core.Backends;
using Quartz;

namespace CertBroker.Server.Jobs;

/// <summary>
/// Keeps the CRL fresh without waiting for a client to ask: the publisher signs a new one once the current one is
/// within CrlRefreshMarginHours of its nextUpdate, so a relying party that caches the CRL never holds a stale one.
/// Without an embedded CA (an upstream CA publishes its own CRL) there is nothing to do.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class CrlRefreshJob(ILogger<CrlRefreshJob> logger, ICrlPublisher? publisher = null) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await RunAsync(cancellationToken).ConfigureAwait(false);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (publisher is null)
        {
            return;
        }

        try
        {
            byte[] crl = await publisher.GetCurrentCrlAsync(cancellationToken).ConfigureAwait(false);
            LogChecked(crl.Length);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Debug, Message = "CRL checked; current CRL is {Bytes} bytes")]
    private partial void LogChecked(int bytes);

    [LoggerMessage(EventId = 331, Level = LogLevel.Warning, Message = "CRL refresh failed; retrying at the next firing")]
    private partial void LogFailed(Exception exception);
}
