using CertBroker.Core.Renewal;
using CertBroker.Server.Jobs;
using Microsoft.Extensions.Options;
using Quartz;

namespace CertBroker.Server.Hosting;

/// <summary>
/// Makes the job store hold one durable job and one interval trigger per lifecycle job before the scheduler starts.
/// A trigger already stored with the configured interval is kept as it is, so its next fire time, and a firing
/// missed while the service was down, survive the restart; a changed interval replaces the trigger. Misfires use
/// <see cref="SimpleTriggerMisfireInstruction.NowWithExistingCount"/>: fire once at once, then keep the interval
/// from there, never a burst of catch-up runs. Disabled scheduling removes the triggers. On a cluster every node runs
/// this at start-up against the same job store: a trigger another node has just stored is kept, not stored twice, so
/// nodes starting together do not make a job run once per node. Every node should have the same schedule settings.
/// </summary>
internal sealed partial class LifecycleScheduleRegistrar(
    ISchedulerFactory schedulers, IOptions<ScheduleOptions> options, Core.Profiles.ProfileCatalog profiles, ILogger<LifecycleScheduleRegistrar> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ScheduleOptions settings = options.Value;
        IScheduler scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        await EnsureAsync<RenewalSweepJob>(scheduler, "renewal-sweep", settings.RenewalSweepMinutes, settings.Enabled, cancellationToken).ConfigureAwait(false);
        await EnsureAsync<ExpiryAlertJob>(scheduler, "expiry-alerts", settings.ExpiryAlertMinutes, settings.Enabled, cancellationToken).ConfigureAwait(false);
        await EnsureAsync<PendingExpiryJob>(scheduler, "pending-expiry", settings.PendingExpiryMinutes, settings.Enabled, cancellationToken).ConfigureAwait(false);
        await EnsureAsync<CrlRefreshJob>(scheduler, "crl-refresh", settings.CrlRefreshMinutes, settings.Enabled, cancellationToken).ConfigureAwait(false);
        await EnsureAsync<ChallengeCleanupJob>(scheduler, "challenge-cleanup", settings.ChallengeCleanupMinutes, settings.Enabled, cancellationToken).ConfigureAwait(false);
        await EnsureAsync<TransactionCleanupJob>(scheduler, "transaction-cleanup", settings.TransactionCleanupMinutes, settings.Enabled, cancellationToken).ConfigureAwait(false);
        await EnsureAsync<PolicyRescanJob>(scheduler, "policy-rescan", settings.PolicyRescanMinutes, settings.Enabled, cancellationToken).ConfigureAwait(false);

        // Upstream profiles: as often as the most eager of them polls or retries.
        List<Core.Profiles.NdesOptions> upstreams = profiles.All
            .Where(p => p.Options.Backend == Core.Profiles.ProfileBackend.Ndes).Select(p => p.Options.Ndes).ToList();
        TimeSpan upstreamInterval = TimeSpan.FromSeconds(upstreams.Count == 0 ? 60 : upstreams.Min(n => Math.Min(n.PollIntervalSeconds, n.RetryDelaySeconds)));
        await EnsureAsync<UpstreamPollJob>(scheduler, "upstream-poll", upstreamInterval, settings.Enabled && upstreams.Count > 0, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task EnsureAsync<TJob>(IScheduler scheduler, string name, int minutes, bool enabled, CancellationToken cancellationToken)
        where TJob : IJob =>
        EnsureAsync<TJob>(scheduler, name, TimeSpan.FromMinutes(minutes), enabled, cancellationToken);

    private async Task EnsureAsync<TJob>(IScheduler scheduler, string name, TimeSpan interval, bool enabled, CancellationToken cancellationToken)
        where TJob : IJob
    {
        var key = new TriggerKey(name, LifecycleScheduling.Group);
        if (!enabled)
        {
            await scheduler.UnscheduleJob(key, cancellationToken).ConfigureAwait(false);
            return;
        }

        ITrigger? existing = await scheduler.GetTrigger(key, cancellationToken).ConfigureAwait(false);
        if (existing is ISimpleTrigger simple && simple.RepeatInterval == interval)
        {
            LogKept(name, existing.NextFireTimeUtc);
            return;
        }

        IJobDetail job = JobBuilder.Create<TJob>().WithIdentity(name, LifecycleScheduling.Group).StoreDurably(true).Build();
        ITrigger trigger = TriggerBuilder.Create(scheduler.TimeProvider)
            .WithIdentity(key)
            .ForJob(job)
            .StartNow()
            .WithSchedule(SimpleScheduleBuilder.Create()
                .WithInterval(interval)
                .RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount))
            .Build();

        // Storing the same durable job again changes nothing; it never touches the job's triggers.
        await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            await scheduler.RescheduleJob(key, trigger, cancellationToken).ConfigureAwait(false);
            LogScheduled(name, interval);
            return;
        }

        try
        {
            // Not replacing: nodes of a cluster start together, and the first one's trigger must stand, or the
            // job would run once per node that starts.
            await scheduler.ScheduleJob(trigger, default(ScheduleJobOptions), cancellationToken).ConfigureAwait(false);
            LogScheduled(name, interval);
        }
        catch (ObjectAlreadyExistsException)
        {
            ITrigger? stored = await scheduler.GetTrigger(key, cancellationToken).ConfigureAwait(false);
            LogScheduledElsewhere(name, stored?.NextFireTimeUtc);
        }
    }

    [LoggerMessage(EventId = 370, Level = LogLevel.Information, Message = "Scheduled job {Job} every {Interval}")]
    private partial void LogScheduled(string job, TimeSpan interval);

    [LoggerMessage(EventId = 371, Level = LogLevel.Debug, Message = "Kept the stored schedule of job {Job}; next firing {NextFireTime}")]
    private partial void LogKept(string job, DateTimeOffset? nextFireTime);

    [LoggerMessage(EventId = 372, Level = LogLevel.Debug, Message = "Job {Job} was scheduled by another node meanwhile; next firing {NextFireTime}")]
    private partial void LogScheduledElsewhere(string job, DateTimeOffset? nextFireTime);
}
