using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Approvals;

/// <summary>
/// The approval queue's view of the transactions table: requests that were queued (they have an expiry), found by
/// their row ID. Decisions are written through <see cref="IEnrolmentStore"/> with their audit event, under the
/// transaction's lock: approval issues with
/// <see cref="IEnrolmentStore.SaveIssuedAsync(EnrolmentTransaction, CertificateRecord, AuditEvent?, CancellationToken)"/>,
/// rejection and expiry fail it with <see cref="IEnrolmentStore.SaveTransactionAsync(EnrolmentTransaction, AuditEvent?, CancellationToken)"/>.
/// </summary>
public interface IApprovalStore
{
    /// <summary>A queued request by its ID; null when there is none or the transaction never entered the queue.</summary>
    Task<EnrolmentTransaction?> FindRequestAsync(long id, CancellationToken cancellationToken);

    /// <summary>Queued requests matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<EnrolmentTransaction>> ListRequestsAsync(RequestQuery query, CancellationToken cancellationToken);

    /// <summary>Pending requests whose expiry is at or before <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<EnrolmentTransaction>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);
}
