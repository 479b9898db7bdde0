using System.Threading.RateLimiting;
using CertBroker.Core.Accounts;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Admin;

/// <summary>
/// Bounds how many password checks (one slow key derivation each) run at once and how many may wait. Basic
/// authentication derives a key on every request, including for unknown user names, so a burst of anonymous Basic
/// requests could otherwise take every processor from enrolments, or queue so deep that an administrator's own
/// sign-in waits behind it for seconds. Past the queue a check is not run at all and the caller is told to come back
/// (429). API tokens and SCEP never pass through here.
/// </summary>
internal sealed class PasswordCheckLimiter : IDisposable
{
    private readonly ConcurrencyLimiter _slots;

    public PasswordCheckLimiter(IOptions<SignInLimitOptions> options)
        : this(options.Value.ConcurrentChecks(Environment.ProcessorCount), options.Value.QueueLength(Environment.ProcessorCount))
    {
    }

    public PasswordCheckLimiter(int concurrentChecks, int queueLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentChecks, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLength);
        ConcurrentChecks = concurrentChecks;
        QueueLength = queueLength;

        // Oldest first: whoever has waited longest is next, so a waiting administrator is not starved by later arrivals.
        _slots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = concurrentChecks,
            QueueLimit = queueLength,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int ConcurrentChecks { get; }

    public int QueueLength { get; }

    /// <summary>Runs <paramref name="check"/> when a slot is free; not admitted (and not run) when the queue is full.</summary>
    public async Task<(bool Admitted, T? Result)> TryRunAsync<T>(Func<Task<T>> check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        using RateLimitLease lease = await _slots.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            return (false, default);
        }

        return (true, await check().ConfigureAwait(false));
    }

    public void Dispose() => _slots.Dispose();
}
