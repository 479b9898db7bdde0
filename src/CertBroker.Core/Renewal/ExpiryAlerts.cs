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
    AuditRecorder? audit = null,
    IRenewalNotifier? notifier = null)
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
                IReadOnlyList<RenewalTransition> batch = await store.TakeExpiryAlertsAsync(
                    now, days, settings.BatchSize, t => RenewalSweep.Audit(t, now, RenewalEventTypes.ExpiryAlert), cancellationToken).ConfigureAwait(false);
                sent += batch.Count;
                if (batch.Count > 0)
                {
                    foreach (RenewalTransition alert in batch)
                    {
                        audit?.Committed(RenewalSweep.Audit(alert, now, RenewalEventTypes.ExpiryAlert));
                    }

                    notifier?.Notify(batch.Select(t => new RenewalEvent(RenewalEventTypes.ExpiryAlert, now, t)).ToList());
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
