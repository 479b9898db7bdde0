namespace CertBroker.Core.Renewal;

/// <summary>Re-runs the weak-crypto policy over the whole inventory; the scheduler calls it on its own interval.</summary>
public interface IPolicyRescan
{
    /// <returns>How many certificates were checked.</returns>
    Task<int> RescanAsync(CancellationToken cancellationToken);
}
