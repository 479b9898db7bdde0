using CertBroker.Core.Renewal;
using Microsoft.Extensions.Options;
using Quartz;

namespace CertBroker.Server.Jobs;

/// <summary>
/// Deletes one-time challenges used or expired more than ChallengeRetentionDays ago. Issuing a challenge already
/// drops expired unused ones of its profile; this also reaches used ones and profiles nobody issues for any more.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class ChallengeCleanupJob(
    IChallengeCleanup challenges, IOptions<ScheduleOptions> options, TimeProvider time, ILogger<ChallengeCleanupJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await RunAsync(cancellationToken).ConfigureAwait(false);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ScheduleOptions settings = options.Value;
        DateTimeOffset before = time.GetUtcNow() - TimeSpan.FromDays(settings.ChallengeRetentionDays);
        int total = 0;
        try
        {
            total = await BatchedDeletion.DeleteAllAsync((batch, token) => challenges.DeleteSpentAsync(before, batch, token), settings.BatchSize, cancellationToken)
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

    [LoggerMessage(EventId = 340, Level = LogLevel.Information, Message = "Deleted {Count} used or expired one-time challenges")]
    private partial void LogDeleted(int count);

    [LoggerMessage(EventId = 341, Level = LogLevel.Warning, Message = "Challenge clean-up failed; retrying at the next firing")]
    private partial void LogFailed(Exception exception);
}
