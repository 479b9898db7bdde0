using CertBroker.Core.Audit;

namespace CertBroker.Core.Storage;

/// <summary>Transactions and the certificates they produced. Implementations keep all SQL to themselves.</summary>
public interface IEnrolmentStore
{
    Task<EnrolmentTransaction?> FindTransactionAsync(string profile, string transactionId, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="transaction"/> as Issued together with <paramref name="certificate"/>, atomically.
    /// When the transaction is already Issued (a concurrent or earlier message won), nothing is written and the
    /// existing certificate is returned with <see cref="IssueOutcome.AlreadyIssued"/> set.
    /// </summary>
    /// <exception cref="DuplicateSerialException">The serial is taken by another certificate; nothing was written.</exception>
    Task<IssueOutcome> SaveIssuedAsync(EnrolmentTransaction transaction, CertificateRecord certificate, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="SaveIssuedAsync(EnrolmentTransaction, CertificateRecord, CancellationToken)"/>, and appends
    /// <paramref name="auditEvent"/> to the audit trail in the same database transaction, only when the certificate
    /// was stored (not when an earlier message had already won).
    /// </summary>
    Task<IssueOutcome> SaveIssuedAsync(EnrolmentTransaction transaction, CertificateRecord certificate, AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts or updates a transaction that is not issued (Pending or Failed). A transaction that is already Issued
    /// is never downgraded: the call then returns false and writes nothing.
    /// </summary>
    Task<bool> SaveTransactionAsync(EnrolmentTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="SaveTransactionAsync(EnrolmentTransaction, CancellationToken)"/>, and appends
    /// <paramref name="auditEvent"/> in the same database transaction when the row was written.
    /// </summary>
    Task<bool> SaveTransactionAsync(EnrolmentTransaction transaction, AuditEvent? auditEvent, CancellationToken cancellationToken);
}

/// <summary>Look-ups over issued certificates.</summary>
public interface ICertificateStore
{
    Task<CertificateRecord?> FindBySerialAsync(string serial, CancellationToken cancellationToken);

    Task<CertificateRecord?> FindByThumbprintAsync(string thumbprintSha256, CancellationToken cancellationToken);

    /// <summary>Revoked certificates that have not yet expired, for the CRL.</summary>
    Task<IReadOnlyList<CertificateRecord>> ListRevokedAsync(DateTimeOffset notExpiredAt, CancellationToken cancellationToken);

    /// <summary>Marks a certificate revoked. Returns false when no such certificate exists.</summary>
    Task<bool> RevokeAsync(string serial, int reason, DateTimeOffset revokedAt, CancellationToken cancellationToken);
}
