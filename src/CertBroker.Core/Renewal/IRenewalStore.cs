using CertBroker.Core.Audit;

namespace CertBroker.Core.Renewal;

/// <summary>
/// The renewal sweep's view of the certificates table. Every method works on at most <c>batchSize</c> certificates,
/// found through the partial indexes on the due time and notAfter of certificates whose renewal is still open, and
/// writes the state change together with its audit events (from <c>audit</c>) in one transaction.
/// </summary>
public interface IRenewalStore
{
    /// <summary>Valid, unrevoked certificates whose due time is at or before <paramref name="now"/> become Due.</summary>
    Task<IReadOnlyList<RenewalTransition>> MarkDueAsync(
        DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken);

    /// <summary>
    /// Valid or Due, unrevoked certificates whose due time is at or before <paramref name="dueBefore"/> become
    /// Overdue; one that passed both while no sweep ran goes straight there, with one event.
    /// </summary>
    Task<IReadOnlyList<RenewalTransition>> MarkOverdueAsync(
        DateTimeOffset dueBefore, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken);

    /// <summary>Certificates still open (Valid, Due, Overdue) whose notAfter is before <paramref name="now"/> become Expired.</summary>
    Task<IReadOnlyList<RenewalTransition>> MarkExpiredAsync(
        DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken);

    Task<IReadOnlyList<UnscheduledCertificate>> ListUnscheduledAsync(int batchSize, CancellationToken cancellationToken);

    Task SetRenewalDueAsync(IReadOnlyList<(long CertificateId, DateTimeOffset DueAt)> dueTimes, CancellationToken cancellationToken);

    /// <summary>
    /// Open, unrevoked, unexpired certificates whose notAfter is within <paramref name="thresholdDays"/> of
    /// <paramref name="now"/> and that have not had this or a smaller threshold's alert: records the threshold as
    /// sent, so each fires once per certificate.
    /// </summary>
    Task<IReadOnlyList<RenewalTransition>> TakeExpiryAlertsAsync(
        DateTimeOffset now, int thresholdDays, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken);
}
