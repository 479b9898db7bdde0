using System.Globalization;
using Quartz;

namespace CertBroker.Server.Jobs;

/// <summary>
/// Logs each firing of a lifecycle job with the time it was scheduled for and the scheduler instance that ran it.
/// On a cluster this is how an operator (and the cluster test) sees that each scheduled firing ran on one node only,
/// and which one.
/// </summary>
internal sealed partial class JobFiringLog(ILogger<JobFiringLog> logger) : IJobListener
{
    public string Name => "certbroker-job-firing-log";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        Fired(
            logger,
            context.JobDetail.Key.Name,
            context.ScheduledFireTimeUtc?.ToString("O", CultureInfo.InvariantCulture) ?? "now",
            context.Scheduler.SchedulerInstanceId);
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    [LoggerMessage(EventId = 395, Level = LogLevel.Information, Message = "Job {Job} fired for {ScheduledFireTime} on scheduler instance {Instance}")]
    private static partial void Fired(ILogger logger, string job, string scheduledFireTime, string instance);
}
