namespace CertBroker.Core.Cluster;

/// <summary>
/// Named leases: work that only one node may do at a time (the webhook delivery) is done by the node holding its
/// lease. A holder renews before the lease ends; once it has ended, any node may take it.
/// </summary>
/// <remarks>Expiry is compared with the callers' clocks, so the nodes' clocks must agree to well within a lease's length.</remarks>
public interface ILeaseStore
{
    /// <summary>
    /// Takes <paramref name="name"/> for <paramref name="holder"/> until <paramref name="now"/> plus
    /// <paramref name="duration"/> when it is free, has ended, or is already held by <paramref name="holder"/> (a renewal).
    /// </summary>
    /// <returns>True when <paramref name="holder"/> holds the lease now.</returns>
    Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives the lease up, if <paramref name="holder"/> holds it, so another node need not wait for it to end.</summary>
    Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken);
}
