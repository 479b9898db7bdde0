using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CertBroker.Issuers.Ndes;

/// <summary>
/// Keeps every upstream profile ready: until it is (upstream unreachable at start-up, RA certificate pending
/// there), it retries with a growing delay up to a minute, and at once (at most every few seconds) when a device asks
/// for the profile meanwhile; once ready, it fetches the upstream's GetCACaps and
/// GetCACert again every <c>CaRefreshMinutes</c> and re-enrols the RA before it expires. The rest of the service
/// runs meanwhile; only the profile's devices get HTTP 503.
/// </summary>
public sealed class UpstreamCaRefresher(NdesUpstreams upstreams, TimeProvider time, ILogger<UpstreamCaRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<NdesUpstream> all = upstreams.All;
        if (all.Count == 0)
        {
            return;
        }

        var due = all.ToDictionary(u => u, _ => time.GetUtcNow());
        var delays = all.ToDictionary(u => u, _ => FirstRetry);
        var attempted = all.ToDictionary(u => u, _ => DateTimeOffset.MinValue);
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (NdesUpstream upstream in all.Where(u => u.Woken.IsCompleted && u.Identity is null))
            {
                // Asked for while not ready: try again soon, but never more often than the first retry delay.
                upstream.ResetWake();
                DateTimeOffset soonest = attempted[upstream] + FirstRetry;
                due[upstream] = Min(due[upstream], soonest > time.GetUtcNow() ? soonest : time.GetUtcNow());
            }

            foreach (NdesUpstream upstream in all.Where(u => due[u] <= time.GetUtcNow()))
            {
                bool ready;
                attempted[upstream] = time.GetUtcNow();
                try
                {
                    ready = await upstream.RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    NdesLog.NotReady(logger, upstream.ProfileName, ex.Message);
                    ready = false;
                }

                if (ready)
                {
                    delays[upstream] = FirstRetry;
                    due[upstream] = time.GetUtcNow().AddMinutes(upstream.Options.CaRefreshMinutes);
                }
                else
                {
                    due[upstream] = time.GetUtcNow() + delays[upstream];
                    delays[upstream] = TimeSpan.FromTicks(Math.Min(delays[upstream].Ticks * 2, LongestRetry.Ticks));
                }
            }

            TimeSpan wait = due.Values.Min() - time.GetUtcNow();
            Task delay = Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait, time, stoppingToken);
            await Task.WhenAny(all.Where(u => u.Identity is null).Select(u => u.Woken).Append(delay)).ConfigureAwait(false);
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
