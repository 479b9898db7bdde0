namespace CertBroker.Core.Inventory;

/// <summary>
/// The text index behind inventory search ('q'). Enrolments do not index what they store: the index catches up in
/// batches, off the enrolment path, and a search is complete meanwhile (it tests the certificates not yet indexed
/// directly).
/// </summary>
public interface IInventorySearchIndex
{
    /// <summary>Indexes up to <paramref name="maxCertificates"/> certificates not yet indexed, oldest first, in one transaction.</summary>
    /// <returns>How many it indexed; fewer than asked means the index has caught up.</returns>
    Task<int> IndexPendingAsync(int maxCertificates, CancellationToken cancellationToken);

    /// <summary>How many stored certificates the index does not hold yet.</summary>
    Task<long> CountPendingAsync(CancellationToken cancellationToken);
}
