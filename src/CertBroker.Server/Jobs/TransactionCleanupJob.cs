using CertBroker.Core.Renewal;
using Microsoft.Extensions.Options;
using Quartz;

namespace CertBroker.Server.Jobs;

/// <summary>
/// Deletes failed transactions (refused requests, rejected or expired ones) older than FailedTransactionRetentionDays,
/// so refused anonymous requests cannot grow the database for ever.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class TransactionCleanupJob(
    ITransactionCleanup transactions, IOptions<ScheduleOptions> options, TimeProvider time, ILogger<TransactionCleanupJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await RunAsync(cancellationToken).ConfigureAwait(false);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ScheduleOptions settings = options.Value;
        DateTimeOffset before = time.GetUtcNow() - TimeSpan.FromDays(settings.FailedTransactionRetentionDays);
        int total = 0;
        try
        {
            total = await BatchedDeletion.DeleteAllAsync((batch, token) => transactions.DeleteFailedAsync(before, batch, token), settings.BatchSize, cancellationToken)
                .ConfigureAwait(false);
            if (total > 0)
            {
                LogDeleted(total);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }

        return total;
    }

    [LoggerMessage(EventId = 342, Level = LogLevel.Information, Message = "Deleted {Count} failed transactions past their retention")]
    private partial void LogDeleted(int count);

    [LoggerMessage(EventId = 343, Level = LogLevel.Warning, Message = "Transaction clean-up failed; retrying at the next firing")]
    private partial void LogFailed(Exception exception);
}
