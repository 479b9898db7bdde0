using CertBroker.Core.Audit;
using CertBroker.Core.Renewal;

namespace CertBroker.Storage.Tests;

/// <summary>Passes through to a renewal store and remembers the size of every Due batch.</summary>
internal sealed class CountingRenewalStore(IRenewalStore inner) : IRenewalStore
{
    public List<int> DueBatches { get; } = [];

    public async Task<IReadOnlyList<RenewalTransition>> MarkDueAsync(DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken)
    {
        IReadOnlyList<RenewalTransition> batch = await inner.MarkDueAsync(now, batchSize, audit, cancellationToken);
        DueBatches.Add(batch.Count);
        return batch;
    }

    public Task<IReadOnlyList<RenewalTransition>> MarkOverdueAsync(DateTimeOffset dueBefore, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        inner.MarkOverdueAsync(dueBefore, batchSize, audit, cancellationToken);

    public Task<IReadOnlyList<RenewalTransition>> MarkExpiredAsync(DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        inner.MarkExpiredAsync(now, batchSize, audit, cancellationToken);

    public Task<IReadOnlyList<UnscheduledCertificate>> ListUnscheduledAsync(int batchSize, CancellationToken cancellationToken) =>
        inner.ListUnscheduledAsync(batchSize, cancellationToken);

    public Task SetRenewalDueAsync(IReadOnlyList<(long CertificateId, DateTimeOffset DueAt)> dueTimes, CancellationToken cancellationToken) =>
        inner.SetRenewalDueAsync(dueTimes, cancellationToken);

    public Task<IReadOnlyList<RenewalTransition>> TakeExpiryAlertsAsync(DateTimeOffset now, int thresholdDays, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        inner.TakeExpiryAlertsAsync(now, thresholdDays, batchSize, audit, cancellationToken);
}
