namespace CertBroker.Core.Approvals;

/// <summary>
/// One lock per SCEP transaction for the whole process, shared by the enrolment pipeline and the approval queue:
/// a re-sent request, an approval, a rejection and the expiry of the same transaction never interleave, so a
/// transaction is decided once and never gets a second certificate. Register as a singleton.
/// </summary>
public sealed class TransactionLocks
{
    private readonly KeyedLock _locks = new();

    /// <param name="profile">The profile name.</param>
    /// <param name="transactionKey">The transaction's stored key (<see cref="Model.EnrolmentTransaction.TransactionId"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task<IDisposable> AcquireAsync(string profile, string transactionKey, CancellationToken cancellationToken) =>
        _locks.AcquireAsync($"{profile}\n{transactionKey}", cancellationToken);
}
