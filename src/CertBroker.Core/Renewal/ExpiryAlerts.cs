using CertBroker.Core.Audit;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Renewal;

/// <summary>
/// Sends an expiry alert when a certificate crosses each configured threshold (default 30, 14, 7, 1 days before
/// notAfter), once per certificate and threshold: the store records the smallest threshold sent. Thresholds run
/// smallest first, so a certificate first seen with 5 days left gets the 7-day alert and not three at once.
/// </summary>
public sealed class ExpiryAlerts(
    IRenewalStore store,
    IOptions<ScheduleOptions> options,
    TimeProvider time,
    AuditRecorder audit,
    IRenewalNotifier notifier)
{
    /// <returns>How many alerts were sent.</returns>
    public async Task<int> SendAsync(CancellationToken cancellationToken)
    {
        ScheduleOptions settings = options.Value;
        DateTimeOffset now = time.GetUtcNow();
        int sent = 0;
        foreach (int days in settings.ExpiryAlertDays.Distinct().Order())
        {
            while (true)
            {
                // The events the store wrote, kept to forward the very same ones once the batch committed.
                var written = new List<AuditEvent>();
                IReadOnlyList<RenewalTransition> batch = await store.TakeExpiryAlertsAsync(now, days, settings.BatchSize, t =>
                {
                    AuditEvent e = RenewalSweep.Audit(t, now, RenewalEventTypes.ExpiryAlert);
                    written.Add(e);
                    return e;
                }, cancellationToken).ConfigureAwait(false);
                sent += batch.Count;
                if (batch.Count > 0)
                {
                    foreach (AuditEvent e in written)
                    {
                        audit.Committed(e);
                    }

                    notifier.Notify(batch.Select(t => new RenewalEvent(RenewalEventTypes.ExpiryAlert, now, t)).ToList());
                }

                if (batch.Count < settings.BatchSize)
                {
                    break;
                }
            }
        }

        return sent;
    }
}
