using CertBroker.Core.Model;
using CertBroker.Core.Audit;

namespace CertBroker.Core.Storage;

/// <summary>Transactions and the certificates they produced. Implementations keep all SQL to themselves.</summary>
public interface IEnrolmentStore
{
    Task<EnrolmentTransaction?> FindTransactionAsync(string profile, string transactionId, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="transaction"/> as Issued together with <paramref name="certificate"/>, atomically.
    /// When the transaction is already Issued (a concurrent or earlier message won), nothing is written and the
    /// existing certificate is returned with <see cref="IssueOutcome.AlreadyIssued"/> set. In the same database
    /// transaction: the device of <see cref="EnrolmentTransaction.Device"/> is created or updated and the certificate
    /// linked to it, and the one-time password of <see cref="EnrolmentTransaction.Challenge"/> is marked used with
    /// its audit event.
    /// </summary>
    /// <exception cref="DuplicateSerialException">The serial is taken by another certificate; nothing was written.</exception>
    /// <exception cref="ChallengeAlreadyUsedException">Another transaction used the one-time password; nothing was written.</exception>
    Task<IssueOutcome> SaveIssuedAsync(EnrolmentTransaction transaction, CertificateRecord certificate, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="SaveIssuedAsync(EnrolmentTransaction, CertificateRecord, CancellationToken)"/>, and appends
    /// <paramref name="auditEvent"/> to the audit trail in the same database transaction, only when the certificate
    /// was stored (not when an earlier message had already won).
    /// </summary>
    Task<IssueOutcome> SaveIssuedAsync(EnrolmentTransaction transaction, CertificateRecord certificate, AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts or updates a transaction that is not issued (Pending or Failed). A transaction that is already Issued
    /// is never downgraded: the call then returns false and writes nothing. A Pending transaction marks the
    /// one-time password of <see cref="EnrolmentTransaction.Challenge"/> used, as <see cref="SaveIssuedAsync"/> does.
    /// </summary>
    /// <exception cref="ChallengeAlreadyUsedException">Another transaction used the one-time password; nothing was written.</exception>
    Task<bool> SaveTransactionAsync(EnrolmentTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="SaveTransactionAsync(EnrolmentTransaction, CancellationToken)"/>, and appends
    /// <paramref name="auditEvent"/> in the same database transaction when the row was written.
    /// </summary>
    Task<bool> SaveTransactionAsync(EnrolmentTransaction transaction, AuditEvent? auditEvent, CancellationToken cancellationToken);
}
