using CertBroker.Core.Inventory;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Inventory search on PostgreSQL has nothing to catch up: <c>ix_certificates_search</c> is a trigram GIN index on an
/// expression of the certificates table, which PostgreSQL updates in the same transaction as every insert or
/// update. A certificate is searchable through the index the moment it commits, so there is never anything pending
/// and the batch job that drives <see cref="IInventorySearchIndex"/> finds no work.
/// </summary>
public sealed class PostgresInventorySearchIndex : IInventorySearchIndex
{
    /// <returns>Always 0: PostgreSQL indexed every certificate when it was written.</returns>
    public Task<int> IndexPendingAsync(int maxCertificates, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCertificates, 1);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(0);
    }

    /// <returns>Always 0: no certificate waits to be indexed.</returns>
    public Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(0L);
    }
}
