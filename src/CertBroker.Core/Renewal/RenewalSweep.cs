using CertBroker.Core.Audit;
using CertBroker.Core.Profiles;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Renewal;

/// <summary>
/// Moves certificates along Valid → Due → Overdue → Expired, in batches from the due-time index, and emits an event
/// for each change: an audit event written with the change, forwarded to syslog once committed, and the webhook.
/// Also plans due times for certificates that have none (issued before scheduling existed, or imported).
/// </summary>
public sealed class RenewalSweep(
    IRenewalStore store,
    ProfileCatalog profiles,
    IOptions<ScheduleOptions> options,
    TimeProvider time,
    AuditRecorder audit,
    IRenewalNotifier notifier,
    Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    public async Task<RenewalSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        ScheduleOptions settings = options.Value;
        DateTimeOffset now = time.GetUtcNow();
        int scheduled = await ScheduleMissingAsync(settings.BatchSize, cancellationToken).ConfigureAwait(false);
        // Latest state first, so a certificate that passed several steps while no sweep ran gets one event, not three.
        int expired = await DrainAsync((batch, audit, ct) => store.MarkExpiredAsync(now, batch, audit, ct),
            RenewalEventTypes.Expired, now, settings.BatchSize, cancellationToken).ConfigureAwait(false);
        DateTimeOffset overdueBefore = now - TimeSpan.FromHours(settings.OverdueAfterHours);
        int overdue = await DrainAsync((batch, audit, ct) => store.MarkOverdueAsync(overdueBefore, batch, audit, ct),
            RenewalEventTypes.RenewalOverdue, now, settings.BatchSize, cancellationToken).ConfigureAwait(false);
        int due = await DrainAsync((batch, audit, ct) => store.MarkDueAsync(now, batch, audit, ct),
            RenewalEventTypes.RenewalDue, now, settings.BatchSize, cancellationToken).ConfigureAwait(false);
        return new RenewalSweepResult(scheduled, due, overdue, expired);
    }

    /// <summary>One batch at a time until a batch comes back short, so no transaction holds the writer for long.</summary>
    private async Task<int> DrainAsync(
        Func<int, Func<RenewalTransition, AuditEvent>, CancellationToken, Task<IReadOnlyList<RenewalTransition>>> markBatch,
        string type, DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        int total = 0;
        while (true)
        {
            // The events the store wrote, kept to forward the very same ones once the batch committed.
            var written = new List<AuditEvent>();
            IReadOnlyList<RenewalTransition> marked = await markBatch(batchSize, t =>
            {
                AuditEvent e = Audit(t, now, type);
                written.Add(e);
                return e;
            }, cancellationToken).ConfigureAwait(false);
            total += marked.Count;
            Emit(marked, written, type, now);
            if (marked.Count < batchSize)
            {
                return total;
            }
        }
    }

    private async Task<int> ScheduleMissingAsync(int batchSize, CancellationToken cancellationToken)
    {
        int total = 0;
        while (true)
        {
            IReadOnlyList<UnscheduledCertificate> batch = await store.ListUnscheduledAsync(batchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return total;
            }

            var dueTimes = batch
                .Select(c => (c.CertificateId, RenewalDueTime.Compute(OptionsFor(c.Profile), c.NotBefore, c.NotAfter, _random)))
                .ToList();
            await store.SetRenewalDueAsync(dueTimes, cancellationToken).ConfigureAwait(false);
            total += batch.Count;
            if (batch.Count < batchSize)
            {
                return total;
            }
        }
    }

    // Imported certificates may name a profile no longer configured; the default profile's settings plan them.
    private ProfileOptions OptionsFor(string profile) =>
        (profiles.Find(profile) ?? profiles.Find(BrokerOptions.DefaultProfileName))?.Options ?? new ProfileOptions();

    private void Emit(IReadOnlyList<RenewalTransition> marked, List<AuditEvent> written, string type, DateTimeOffset now)
    {
        if (marked.Count == 0)
        {
            return;
        }

        foreach (AuditEvent e in written)
        {
            audit.Committed(e);
        }

        notifier.Notify(marked.Select(t => new RenewalEvent(type, now, t)).ToList());
    }

    internal static AuditEvent Audit(RenewalTransition transition, DateTimeOffset now, string action) => new()
    {
        Time = now,
        Action = action,
        Outcome = AuditOutcome.Success,
        Actor = AuditEvent.SystemActor,
        Target = transition.Serial,
        Profile = transition.Profile,
        Details = RenewalEventText.Describe(transition, action),
    };
}
